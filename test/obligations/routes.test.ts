// The obligations routes, registered on the real app as app.ts would: validation, answers and
// refusals in the service's error body, and their place in the API description.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesetsDir, wasmPath } from '../../src/build/paths.js';
import { Rater } from '../../src/rating/rater.js';
import { buildApp } from '../../src/server/app.js';
import { obligationRoutes } from '../../src/server/routes/obligations.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = buildApp({ rater: await Rater.load(rulesetsDir, wasmPath) });
  app.register(obligationRoutes);
  await app.ready();
});
afterAll(async () => {
  await app?.close();
});

describe('POST /v1/obligations/due', () => {
  it('answers with the due date, its clause and the status', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/obligations/due', payload: { obligation: 'monthly-security-report', start: '2024-01', reporter: 'national', submitted: '2024-02-19' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      due: '2024-02-18',
      nominalDue: '2024-02-10',
      moved: { from: '2024-02-10' },
      status: { status: 'late', submitted: '2024-02-19', late: { days: 1, workingDays: 1 } },
      obligation: { reporterClause: '全国性接入机构的总行应于每月初 10 日内将上月情况报送人民银行征信管理局' },
      calendars: [{ year: 2024, number: '国办发明电〔2023〕7号' }],
    });
  });

  it('refuses a malformed question with its paths', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/obligations/due', payload: { obligation: 'monthly-security-report', start: 'soon', reporter: 'bank' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid-input', problems: [{ path: '/start' }, { path: '/reporter', allowed: ['national', 'local', 'branch', 'pboc', 'pboc-branch'] }] });
  });

  it('refuses a year without a calendar, saying so', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/obligations/due', payload: { obligation: 'rating-self-assessment', start: '2026', reporter: 'national' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid-input', message: expect.stringMatching(/^no working-day calendar for 2027/), problems: [{ path: '/start' }] });
  });
});

describe('GET /v1/obligations/calendar', () => {
  it("lists an institution's due dates for a year", async () => {
    const res = await app.inject({ url: `/v1/obligations/calendar?institution=${encodeURIComponent('某市农村商业银行')}&year=2024` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.institution).toEqual({ name: '某市农村商业银行', kind: 'local', kindName: '地方性接入机构' });
    expect(body.dated.find((d: { covers: { from: string }; obligation: { id: string } }) => d.obligation.id === 'monthly-security-report' && d.covers.from === '2024-09-01')).toMatchObject({
      due: '2024-10-08',
      moved: { from: '2024-10-06' },
      recipient: { id: 'local-pboc-branch' },
    });
    expect(body.undated.map((u: { obligation: { id: string } }) => u.obligation.id)).toEqual(['other-user-registration', 'self-inspection-rules-filing']);
  });

  it('takes a branch from branchOf', async () => {
    const res = await app.inject({ url: `/v1/obligations/calendar?institution=${encodeURIComponent('交通银行上海分行')}&branchOf=${encodeURIComponent('交通银行')}&year=2025` });
    expect(res.json().institution).toMatchObject({ kind: 'branch', branchOf: '交通银行' });
  });

  it('refuses a bad year and an unknown parameter with their paths', async () => {
    const res = await app.inject({ url: '/v1/obligations/calendar?institution=x&year=twenty&month=1' });
    expect(res.statusCode).toBe(400);
    expect(res.json().problems.map((p: { path: string }) => p.path).sort()).toEqual(['/month', '/year']);
  });

  it('appears in the API description', async () => {
    const res = await app.inject({ url: '/openapi.json' });
    expect(Object.keys(res.json().paths)).toEqual(expect.arrayContaining(['/v1/obligations/due', '/v1/obligations/calendar']));
  });
});
