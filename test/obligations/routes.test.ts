// The obligations routes on the real app (registered by app.ts when it is given the obligations):
// validation, answers and refusals in the service's error body, the key they need, and their place
// in the API description.
import { describe, expect, it } from 'vitest';
import { useApp } from '../server/helper.js';

const ctx = useApp();
describe('POST /v1/obligations/due', () => {
  it('answers with the due date, its clause and the status', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/obligations/due',
      payload: {
        obligation: 'monthly-security-report',
        start: '2024-01',
        reporter: 'national',
        submitted: '2024-02-19',
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      due: '2024-02-18',
      nominalDue: '2024-02-10',
      // 10 February 2024 is a day of 春节; the answer says why in English, with the catalogue key and values.
      moved: {
        from: '2024-02-10',
        because: '2024-02-10（星期六） is a day off for 春节 (国办发明电〔2023〕7号)',
        becauseId: 'diag.calendar.why.dayOff',
        params: { date: '2024-02-10（星期六）', holiday: '春节', notice: '国办发明电〔2023〕7号' },
      },
      rule: 'by day 10 of the month after the month reported, or the next working day when that is not one',
      ruleId: 'diag.schedule.orNextWorkingDay',
      ruleParams: { text: { key: 'diag.schedule.monthly', params: { day: 10 } } },
      status: { status: 'late', submitted: '2024-02-19', late: { days: 1, workingDays: 1 } },
      obligation: { reporterClause: '全国性接入机构的总行应于每月初 10 日内将上月情况报送人民银行征信管理局' },
      calendars: [{ year: 2024, number: '国办发明电〔2023〕7号' }],
    });
  });

  it('refuses a malformed question with its paths', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/obligations/due',
      payload: { obligation: 'monthly-security-report', start: 'soon', reporter: 'bank' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'invalid-input',
      problems: [
        { path: '/start' },
        {
          path: '/reporter',
          allowed: ['national', 'local', 'branch', 'operator', 'pboc', 'pboc-branch', 'pboc-any-branch'],
        },
      ],
    });
  });

  it('refuses a year without a calendar, saying so', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/obligations/due',
      payload: { obligation: 'rating-self-assessment', start: '2026', reporter: 'national' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'invalid-input',
      message: expect.stringMatching(/^no working-day calendar for 2027/),
      problems: [{ path: '/start' }],
    });
  });
});

describe('GET /v1/obligations/calendar', () => {
  it("lists an institution's due dates for a year", async () => {
    const res = await ctx.app.inject({
      url: `/v1/obligations/calendar?institution=${encodeURIComponent('某市农村商业银行')}&year=2024`,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.institution).toEqual({
      name: '某市农村商业银行',
      kind: 'local',
      kindName: '地方性接入机构',
      basis: 'plainly-local',
    });
    expect(
      body.dated.find(
        (d: { covers: { from: string }; obligation: { id: string } }) =>
          d.obligation.id === 'monthly-security-report' && d.covers.from === '2024-09-01',
      ),
    ).toMatchObject({
      due: '2024-10-08',
      moved: { from: '2024-10-06' },
      recipient: { id: 'local-pboc-branch' },
    });
    expect(body.undated.map((u: { obligation: { id: string } }) => u.obligation.id)).toEqual([
      'daily-query-check',
      'other-user-registration',
      'self-inspection-rules-filing',
    ]);
  });

  it('takes a branch from branchOf', async () => {
    const res = await ctx.app.inject({
      url: `/v1/obligations/calendar?institution=${encodeURIComponent('交通银行上海分行')}&branchOf=${encodeURIComponent('交通银行')}&year=2025`,
    });
    expect(res.json().institution).toMatchObject({ kind: 'branch', branchOf: '交通银行' });
  });

  it('refuses a bad year and an unknown parameter with their paths', async () => {
    const res = await ctx.app.inject({ url: '/v1/obligations/calendar?institution=x&year=twenty&month=1' });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .problems.map((p: { path: string }) => p.path)
        .sort(),
    ).toEqual(['/month', '/year']);
  });

  it('needs a key with the read scope', async () => {
    const res = await ctx.app.inject({
      url: '/v1/obligations/calendar?institution=x&year=2024',
      headers: { 'x-api-key': 'cpk_no-such-key' },
    });
    expect(res.statusCode).toBe(401);
  });

  it('appears in the API description', async () => {
    const res = await ctx.app.inject({ url: '/openapi.json' });
    expect(Object.keys(res.json().paths)).toEqual(
      expect.arrayContaining(['/v1/obligations/due', '/v1/obligations/calendar']),
    );
  });
});
