// Every deadline of obligations.yaml, counted on the working-day calendar and worked out by hand
// from the clause and the State Council notices: the National Day week, 调休 Saturdays and Sundays,
// the Spring Festival, month ends; then on time, late, missing, pending; then refusals.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultRulesetDir } from '../../src/obligations/service.js';
import { useService } from './helper.js';

const ctx = useService();

interface Case {
  name: string;
  obligation: string;
  start: string;
  reporter?: string;
  due: string;
  /** The last day as counted, when it moved to a working day. */
  movedFrom?: string;
  recipient?: string | null;
}

const cases: Case[] = [
  // 三（一）30 working days from the notice: the National Day week and its two 调休 days on the way.
  {
    name: 'rules filed 30 working days after a notice of Friday 20 September 2024',
    obligation: 'internal-control-filing',
    start: '2024-09-20',
    reporter: 'national',
    due: '2024-11-06',
    recipient: 'bureau',
  },
  {
    name: 'a branch files the same rules with the local PBOC branch',
    obligation: 'internal-control-filing',
    start: '2024-09-20',
    reporter: 'branch',
    due: '2024-11-06',
    recipient: 'local-pboc-branch',
  },
  // 三（一）10 calendar days from a change: 6 October 2024 is in the National Day week.
  {
    name: 'a change filed within 10 days moves off the National Day week',
    obligation: 'internal-control-change-filing',
    start: '2024-09-26',
    reporter: 'local',
    due: '2024-10-08',
    movedFrom: '2024-10-06',
  },
  {
    name: 'a change on 1 July 2025 is due Friday 11 July',
    obligation: 'internal-control-change-filing',
    start: '2025-07-01',
    reporter: 'national',
    due: '2025-07-11',
  },
  // 三（二）每月初 10 日 / 6 日.
  {
    name: 'the September report of a national head office is due 10 October',
    obligation: 'monthly-security-report',
    start: '2024-09',
    reporter: 'national',
    due: '2024-10-10',
    recipient: 'bureau',
  },
  {
    name: 'the September report of a local institution moves from 6 October (国庆节) to 8 October',
    obligation: 'monthly-security-report',
    start: '2024-09-15',
    reporter: 'local',
    due: '2024-10-08',
    movedFrom: '2024-10-06',
    recipient: 'local-pboc-branch',
  },
  {
    name: 'a branch of a national institution reports by the 6th as well',
    obligation: 'monthly-security-report',
    start: '2025-03',
    reporter: 'branch',
    due: '2025-04-07',
    movedFrom: '2025-04-06',
  },
  {
    name: 'a PBOC branch sends its region by the 10th to 征信管理局',
    obligation: 'monthly-security-report',
    start: '2025-06',
    reporter: 'pboc-branch',
    due: '2025-07-10',
    recipient: 'bureau',
  },
  {
    name: 'the January 2024 report moves through the Spring Festival to the 调休 Sunday 18 February',
    obligation: 'monthly-security-report',
    start: '2024-01',
    reporter: 'national',
    due: '2024-02-18',
    movedFrom: '2024-02-10',
  },
  {
    name: 'the September 2025 report of a local institution moves past the eight-day holiday to 9 October',
    obligation: 'monthly-security-report',
    start: '2025-09',
    reporter: 'local',
    due: '2025-10-09',
    movedFrom: '2025-10-06',
  },
  {
    name: 'the December 2025 report is due in January 2026',
    obligation: 'monthly-security-report',
    start: '2025-12-31',
    reporter: 'local',
    due: '2026-01-06',
  },
  {
    name: 'an event is reported the same day, holiday or not',
    obligation: 'security-event-report',
    start: '2024-10-03',
    reporter: 'local',
    due: '2024-10-03',
    recipient: 'local-pboc-branch',
  },
  // 三（三）quarterly, as the monthly report.
  {
    name: 'the third quarter of 2024 of a national head office is due 10 October',
    obligation: 'quarterly-self-inspection-report',
    start: '2024-08-15',
    reporter: 'national',
    due: '2024-10-10',
  },
  {
    name: 'the third quarter of 2024 of a local institution moves to 8 October',
    obligation: 'quarterly-self-inspection-report',
    start: '2024-07',
    reporter: 'local',
    due: '2024-10-08',
    movedFrom: '2024-10-06',
  },
  {
    name: 'the fourth quarter of 2025 is due Tuesday 6 January 2026',
    obligation: 'quarterly-self-inspection-report',
    start: '2025-11-30',
    reporter: 'branch',
    due: '2026-01-06',
  },
  // 五 30 working days.
  {
    name: 'a PBOC branch (any level, 五: 人民银行分支机构) files its emergency plan with the People’s Bank in 30 working days',
    obligation: 'emergency-plan-filing',
    start: '2024-09-20',
    reporter: 'pboc-any-branch',
    due: '2024-11-06',
    recipient: 'pboc',
  },
  {
    name: 'an emergency plan from Thursday 8 February 2024 crosses the Spring Festival',
    obligation: 'emergency-plan-filing',
    start: '2024-02-08',
    reporter: 'local',
    due: '2024-03-27',
  },
  // 第十条 the rating timeline.
  {
    name: 'the self-assessment of 2024 moves from 31 January 2025 (春节) to 5 February',
    obligation: 'rating-self-assessment',
    start: '2024',
    reporter: 'national',
    due: '2025-02-05',
    movedFrom: '2025-01-31',
    recipient: 'pboc',
  },
  {
    name: 'the self-assessment of 2025 moves from Saturday 31 January 2026 to Monday 2 February',
    obligation: 'rating-self-assessment',
    start: '2025-06-30',
    reporter: 'local',
    due: '2026-02-02',
    movedFrom: '2026-01-31',
    recipient: 'local-pboc-branch',
  },
  {
    name: 'the self-assessment of 2023 is due Wednesday 31 January 2024',
    obligation: 'rating-self-assessment',
    start: '2023',
    reporter: 'branch',
    due: '2024-01-31',
  },
  {
    name: 'materials on 2025 are due Saturday 28 February 2026, a 调休 working day',
    obligation: 'rating-materials',
    start: '2025',
    due: '2026-02-28',
    recipient: 'pboc',
  },
  {
    name: 'materials on 2023 are due on 29 February 2024 (a leap year)',
    obligation: 'rating-materials',
    start: '2023',
    due: '2024-02-29',
  },
  {
    name: 'the rating of 2023 completes by Sunday 31 March 2024, moved to Monday 1 April',
    obligation: 'rating-completion',
    start: '2023',
    reporter: 'pboc',
    due: '2024-04-01',
    movedFrom: '2024-03-31',
    recipient: null,
  },
  {
    name: 'the results of 2024 are announced by Monday 31 March 2025',
    obligation: 'rating-results-notice',
    start: '2024',
    due: '2025-03-31',
  },
  {
    name: 'an appeal from Friday 26 September 2025 runs over two 调休 days and the eight-day holiday',
    obligation: 'rating-appeal',
    start: '2025-09-26',
    reporter: 'national',
    due: '2025-10-13',
  },
  // The scoring table.
  {
    name: 'an audit ending 31 January 2025 is reported by 28 February (no 31 February)',
    obligation: 'audit-result-report',
    start: '2025-01-31',
    reporter: 'local',
    due: '2025-02-28',
    recipient: 'local-pboc-branch',
  },
  {
    name: 'an audit ending 1 September 2025 is reported after the holiday, 9 October',
    obligation: 'audit-result-report',
    start: '2025-09-01',
    reporter: 'national',
    due: '2025-10-09',
    movedFrom: '2025-10-01',
    recipient: 'pboc',
  },
  {
    name: 'an administrator created on Thursday 8 February 2024 is registered by the 调休 Sunday 18 February (除夕 is worked)',
    obligation: 'admin-user-registration',
    start: '2024-02-08',
    reporter: 'branch',
    due: '2024-02-18',
  },
  {
    name: 'a user idle since 2 September 2024 is locked on 2 October, holiday or not',
    obligation: 'idle-user-lock',
    start: '2024-09-02',
    reporter: 'local',
    due: '2024-10-02',
    recipient: null,
  },
  {
    name: 'a password changed on 5 September 2024 is changed again by 5 October',
    obligation: 'password-change',
    start: '2024-09-05',
    reporter: 'national',
    due: '2024-10-05',
  },
  {
    name: 'a dispute received 16 September 2024 is handled by 6 October, moved to 8 October',
    obligation: 'dispute-handling',
    start: '2024-09-16',
    reporter: 'local',
    due: '2024-10-08',
    movedFrom: '2024-10-06',
    recipient: 'applicant',
  },
  {
    name: 'a forwarded dispute accepted 25 September 2024 is answered by 7 October, moved to 8 October',
    obligation: 'forwarded-dispute-reply',
    start: '2024-09-25',
    reporter: 'branch',
    due: '2024-10-08',
    movedFrom: '2024-10-07',
    recipient: 'credit-reference-center',
  },
  {
    name: 'a report cached on 29 February 2024 is kept at most until 28 February 2029',
    obligation: 'cached-report-limit',
    start: '2024-02-29',
    reporter: 'local',
    due: '2029-02-28',
    recipient: null,
  },
  // Annex 4.
  {
    name: 'an inspection ending 24 September 2024 is reported on the 调休 Saturday 12 October',
    obligation: 'inspection-report',
    start: '2024-09-24',
    reporter: 'pboc-branch',
    due: '2024-10-12',
    recipient: 'organizing-unit',
  },
  {
    name: 'rectification from Tuesday 10 February 2026 counts both 调休 Saturdays',
    obligation: 'rectification-report',
    start: '2026-02-10',
    reporter: 'local',
    due: '2026-03-09',
    recipient: 'organizing-unit',
  },
  // 附件3 表 1.2, 3.1, 6.3: 在评价年度内 (within-the-year-rated): by 31 December of the year itself,
  // which does not move (system-limits-do-not-move). 31 December 2024 is a Tuesday, 2026 a Thursday.
  {
    name: 'the coordination meetings of 2024 are due by Tuesday 31 December 2024',
    obligation: 'coordination-meetings',
    start: '2024-05-01',
    reporter: 'national',
    due: '2024-12-31',
    recipient: null,
  },
  {
    name: 'the internal audit of 2026 is due by Thursday 31 December 2026',
    obligation: 'annual-internal-audit',
    start: '2026',
    reporter: 'local',
    due: '2026-12-31',
  },
  {
    name: 'the training of 2025 is due by Wednesday 31 December 2025',
    obligation: 'annual-training',
    start: '2025',
    reporter: 'branch',
    due: '2025-12-31',
  },
  {
    name: 'inspection coverage within two years ends on a Sunday and stays there',
    obligation: 'inspection-coverage',
    start: '2024-03-15',
    due: '2026-03-15',
  },
];

describe('every deadline of the notice', () => {
  it.each(cases)('$name', (c) => {
    const out = ctx.service.due({
      obligation: c.obligation,
      start: c.start,
      ...(c.reporter ? { reporter: c.reporter } : {}),
    });
    if (!out.ok) throw new Error(JSON.stringify(out.problems));
    const r = out.result;
    expect(r.due).toBe(c.due);
    expect(r.moved?.from ?? null).toBe(c.movedFrom ?? null);
    expect(r.nominalDue).toBe(c.movedFrom ?? c.due);
    if (c.recipient !== undefined) expect(r.recipient?.id ?? null).toBe(c.recipient);
  });

  it('covers every dated obligation of obligations.yaml', () => {
    const doc = parse(readFileSync(`${defaultRulesetDir}/obligations.yaml`, 'utf8')) as {
      obligations: { id: string; schedule: { kind: string } }[];
    };
    const dated = doc.obligations.filter((o) => o.schedule.kind !== 'undated').map((o) => o.id);
    expect(new Set(cases.map((c) => c.obligation))).toEqual(new Set(dated));
  });

  it('refuses to date an obligation the text gives no day', () => {
    for (const obligation of ['other-user-registration', 'self-inspection-rules-filing']) {
      const out = ctx.service.due({ obligation, start: '2025-01-01', reporter: 'local' });
      expect(out).toMatchObject({
        ok: false,
        problems: [{ path: '/obligation', message: expect.stringContaining('the text sets no day') }],
      });
    }
  });
});

describe('an answer', () => {
  it('is traced to the clause, the reporter’s own clause, the readings and the calendar used', () => {
    const out = ctx.service.due({ obligation: 'monthly-security-report', start: '2024-09', reporter: 'local' });
    if (!out.ok) throw new Error('refused');
    expect(out.result).toMatchObject({
      ruleset: { id: 'yinfa-2018-102', hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
      obligation: {
        id: 'monthly-security-report',
        section: '三（二）',
        clause:
          '运行机构和接入机构应按月定期向人民银行报送异常查询、违规查询、非法提供、违规使用、信用报告泄漏等征信信息安全情况统计表（见附件 2）。',
        reporterClause: '地方性接入机构和全国性接入机构的分支机构应于每月初 6 日内将上月情况报所在地人民银行分支机构',
        nature: 'duty',
      },
      reporter: { id: 'local', name: '地方性接入机构' },
      recipient: { id: 'local-pboc-branch', name: '所在地人民银行分支机构' },
      start: { date: '2024-09-01', event: 'month-reported', name: '所报告的月份' },
      covers: { from: '2024-09-01', to: '2024-09-30' },
      rule: 'by day 6 of the month after the month reported, or the next working day when that is not one',
      moved: { from: '2024-10-06', because: '2024-10-06（星期日） is a day off for 国庆节 (国办发明电〔2023〕7号)' },
      calendars: [{ year: 2024, number: '国办发明电〔2023〕7号', title: '国务院办公厅关于2024年部分节假日安排的通知' }],
    });
    expect(out.result.interpretations.map((i) => i.id)).toEqual([
      'ri-is-calendar-day',
      'first-days-of-the-month',
      'last-day-moves-to-working-day',
    ]);
    expect(out.result).not.toHaveProperty('status');
  });

  it('names no calendar for a limit that never moves', () => {
    const out = ctx.service.due({ obligation: 'cached-report-limit', start: '2024-02-29', reporter: 'local' });
    expect(out.ok && out.result.calendars).toEqual([]);
  });

  it('takes the kind of reporter from the institution: annex 1 is national, a branch of it a branch', () => {
    const national = ctx.service.due({
      obligation: 'monthly-security-report',
      start: '2024-09',
      institution: { name: '中国农业银行' },
    });
    const branch = ctx.service.due({
      obligation: 'monthly-security-report',
      start: '2024-09',
      institution: { name: '中国农业银行上海市分行', branchOf: '中国农业银行股份有限公司' },
    });
    const local = ctx.service.due({
      obligation: 'monthly-security-report',
      start: '2024-09',
      institution: { name: '某市农村商业银行' },
    });
    expect([national, branch, local].map((o) => (o.ok ? [o.result.reporter.id, o.result.due] : o.problems))).toEqual([
      ['national', '2024-10-10'],
      ['branch', '2024-10-08'],
      ['local', '2024-10-08'],
    ]);
  });
});

describe('on time, late, missing, pending', () => {
  const due = (
    extra: Record<string, unknown>,
    base: Record<string, unknown> = { obligation: 'monthly-security-report', start: '2024-09', reporter: 'local' },
  ) => {
    const out = ctx.service.due({ ...base, ...extra });
    if (!out.ok) throw new Error(JSON.stringify(out.problems));
    return out.result.status;
  };

  it('on the due day is on time', () => {
    expect(due({ submitted: '2024-10-08' })).toEqual({
      status: 'on-time',
      submitted: '2024-10-08',
      early: { days: 0, workingDays: 0 },
    });
  });

  it('before the moved due day, even on the original day, is on time', () => {
    expect(due({ submitted: '2024-10-06' })).toEqual({
      status: 'on-time',
      submitted: '2024-10-06',
      early: { days: 2, workingDays: 0 },
    });
  });

  it('the next working day is late by 1 working day', () => {
    expect(due({ submitted: '2024-10-09' })).toEqual({
      status: 'late',
      submitted: '2024-10-09',
      late: { days: 1, workingDays: 1 },
    });
  });

  it('late over a weekend and a 调休 Saturday counts the Saturday as a working day', () => {
    // Due Tuesday 8 October 2024; Saturday 12 October is worked, Sunday 13 is not.
    expect(due({ submitted: '2024-10-14' })).toEqual({
      status: 'late',
      submitted: '2024-10-14',
      late: { days: 6, workingDays: 5 },
    });
  });

  it('a submission on a rest day after the due day reaches the office the next working day', () => {
    // Due Thursday 10 October 2024 (national); Sunday 13 October is a rest day, Monday 14 the next working day.
    expect(
      due(
        { submitted: '2024-10-13' },
        { obligation: 'monthly-security-report', start: '2024-09', reporter: 'national' },
      ),
    ).toEqual({
      status: 'late',
      submitted: '2024-10-13',
      late: { days: 3, workingDays: 3 },
    });
  });

  it('nothing by the due day is missing once it has passed', () => {
    expect(due({ asOf: '2024-10-10' })).toEqual({
      status: 'missing',
      asOf: '2024-10-10',
      overdue: { days: 2, workingDays: 2 },
    });
  });

  it('nothing yet, before the due day, is pending', () => {
    expect(due({ asOf: '2024-09-30' })).toEqual({
      status: 'pending',
      asOf: '2024-09-30',
      left: { days: 8, workingDays: 1 },
    });
  });

  it('a limit that never moves counts lateness in days only', () => {
    expect(
      due({ submitted: '2024-10-04' }, { obligation: 'idle-user-lock', start: '2024-09-02', reporter: 'local' }),
    ).toEqual({ status: 'late', submitted: '2024-10-04', late: { days: 2 } });
  });

  it('an appeal is a right: out of time when late, lapsed when never made', () => {
    const base = { obligation: 'rating-appeal', start: '2025-09-26', reporter: 'national' };
    expect(due({ submitted: '2025-10-14' }, base)).toMatchObject({
      status: 'out-of-time',
      late: { days: 1, workingDays: 1 },
    });
    expect(due({ asOf: '2025-11-01' }, base)).toMatchObject({ status: 'lapsed' });
    expect(due({ submitted: '2025-10-13' }, base)).toMatchObject({ status: 'on-time' });
  });
});

describe('a refused question', () => {
  it.each([
    [
      { obligation: 'monthly-report', start: '2024-09', reporter: 'local' },
      '/obligation',
      /^no obligation has the id "monthly-report"; the obligations are: admin-user-registration, /,
    ],
    [
      { obligation: 'monthly-security-report', start: '2024-09' },
      '/reporter',
      /binds several kinds of reporter .*say which: branch \(全国性接入机构的分支机构\), local/,
    ],
    [
      { obligation: 'rating-materials', start: '2024', reporter: 'national' },
      '/reporter',
      /^rating-materials does not bind a national \(全国性接入机构的总行\); it binds: pboc-branch/,
    ],
    [
      { obligation: 'monthly-security-report', start: '2025-02-29', reporter: 'local' },
      '/start',
      /^"2025-02-29" is not a date that exists/,
    ],
    [
      { obligation: 'monthly-security-report', start: '2024-09', reporter: 'local', submitted: '2024-13-01' },
      '/submitted',
      /is not a date that exists/,
    ],
    [
      { obligation: 'monthly-security-report', start: '2026-12', reporter: 'local' },
      '/start',
      /^no working-day calendar for 2027: policies\/calendars holds 2024, 2025, 2026/,
    ],
    [
      { obligation: 'internal-control-filing', start: '2018-04-20', reporter: 'national' },
      '/start',
      /^no working-day calendar for 2018/,
    ],
    [
      { obligation: 'monthly-security-report', start: '2024-09', reporter: 'bank' },
      '/reporter',
      /^must be one of national, local, branch, operator, pboc, pboc-branch, pboc-any-branch, not "bank"/,
    ],
    [
      { obligation: 'monthly-security-report', start: '2024-09', reporter: 'local', when: 'now' },
      '/when',
      /^unknown key "when"/,
    ],
  ])('%j is refused at %s', (request, path, message) => {
    const out = ctx.service.due(request);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.problems[0].path).toBe(path);
    expect(out.problems[0].message).toMatch(message);
  });
});
