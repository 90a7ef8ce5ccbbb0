// Each derived item worked by hand from its clause, at the edges the clause draws: the day a limit
// ends is still in time, the next day is late; working days come from policies/calendars.
import { describe, expect, it } from 'vitest';
import { evidenceDir, loadDeriver } from './helper.js';

type Rows = Record<string, unknown>[];

async function findings(files: Record<string, Rows>, more: { asOf?: string; usersNeeded?: number } = {}) {
  const dir = await evidenceDir(Object.fromEntries(Object.entries(files).map(([t, rows]) => [`${t}.ndjson`, rows])));
  return (await loadDeriver()).derive({ dir, institution: '测试', year: 2024, ...more });
}

const user = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  holder: 'S1',
  roles: ['query'],
  system: 'frontend',
  created: '2020-01-01',
  realName: true,
  initialPasswordChanged: true,
  passwordChanged: '2024-12-20',
  ...over,
});
const staff = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  employment: 'formal',
  joined: '2015-01-01',
  creditStaff: true,
  ...over,
});

describe('2.3 未根据要求报备征信制度的，每项扣0.2分', () => {
  it('counts a rule of the year not filed by the as-of day, not a contact, not a rule of another year', async () => {
    const f = await findings({
      filings: [
        { id: 'a', kind: 'rule', event: '2024-05-01', filed: '2025-01-10' },
        { id: 'b', kind: 'rule', event: '2024-05-01', filed: '2024-12-31' },
        { id: 'c', kind: 'contact', event: '2024-05-01' },
        { id: 'd', kind: 'rule', event: '2023-12-31' },
      ],
    });
    expect(f.findings['2.3']).toEqual({ rulesNotFiled: 1 });
  });
});

describe('3.2 在内部审计结束后的一个月内向人民银行报告', () => {
  it('the same day of the next month is in time, the day after is late, a report not yet due is not counted', async () => {
    const f = await findings({
      filings: [
        { id: 'on-time', kind: 'auditReport', event: '2024-03-15', filed: '2024-04-15' },
        { id: 'late', kind: 'auditReport', event: '2024-03-15', filed: '2024-04-16' },
        { id: 'not-due', kind: 'auditReport', event: '2024-12-15' },
        { id: 'overdue', kind: 'auditReport', event: '2024-11-30' },
      ],
    });
    expect(f.derived.find((d) => d.item === '3.2')?.rows.map((r) => r.key)).toEqual(['late', 'overdue']);
  });
});

describe('5.1 用户数量与业务实际的偏差', () => {
  it('counts the users not stopped by the end of the year against the number needed', async () => {
    const users = [
      user('u1'),
      user('u2'),
      user('u3', { disabled: '2024-12-31' }),
      user('u4', { created: '2025-01-02' }),
    ];
    const f = await findings({ users }, { usersNeeded: 3 });
    // u1, u2: |2 − 3| / 3 = 33.33%.
    expect(f.findings['5.1']).toEqual({ userCountDeviationPercent: 33.33 });
  });
});

describe('5.2 实名与备案 (2个工作日内; 其他用户按季度)', () => {
  // 2024: 9月15日至17日 off, 9月14日 (Saturday) worked. From Friday 13 September the second working
  // day is Wednesday 18 September (14th, 18th); counting weekends only it would be Tuesday 17th.
  it('counts working days on the 2024 calendar for administrator and database users', async () => {
    const f = await findings({
      users: [
        user('in-time', { roles: ['admin'], created: '2024-09-13', filed: '2024-09-18' }),
        user('late', { roles: ['admin'], created: '2024-09-13', filed: '2024-09-19' }),
        user('db-late', { system: 'database', created: '2024-09-13', filed: '2024-09-19' }),
        user('changed-not-filed', { system: 'database', changed: '2024-06-03', filed: '2020-01-02' }),
      ],
    });
    expect(f.derived.find((d) => d.finding === 'usersNotRegistered')?.rows.map((r) => `${r.key}:${r.why}`)).toEqual([
      'late:filed-late',
      'db-late:filed-late',
      'changed-not-filed:not-filed',
    ]);
  });

  it('gives other users until the end of the next quarter', async () => {
    const f = await findings({
      users: [
        user('q2', { created: '2024-02-10', filed: '2024-06-30' }),
        user('q3', { created: '2024-02-10', filed: '2024-07-01' }),
        user('open', { created: '2024-11-01' }),
        user('not-real-name', { realName: false }),
      ],
    });
    expect(f.findings['5.2']).toEqual({ realNameNotEnforced: 1, usersNotRegistered: 1 });
  });
});

describe('5.3 管理员用户、数据上报用户和查询用户互相兼任; 公共用户', () => {
  it('an administrator who also queries is a combination; a dispute user who queries is not', async () => {
    expect((await findings({ users: [user('a', { roles: ['dispute', 'query'] })] })).findings['5.3']).toEqual({
      sharedOrOverlappingUsers: false,
    });
    expect((await findings({ users: [user('a', { roles: ['admin', 'query'] })] })).findings['5.3']).toEqual({
      sharedOrOverlappingUsers: true,
    });
  });
});

describe('5.4 用户停用', () => {
  it('stops rights on or before the day of leaving', async () => {
    const f = await findings({
      staff: [staff('S1', { left: '2024-05-31' }), staff('S2', { left: '2024-05-31' })],
      users: [
        user('on-the-day', { roles: ['admin'], holder: 'S1', disabled: '2024-05-31' }),
        user('day-after', { roles: ['admin'], holder: 'S2', disabled: '2024-06-01' }),
      ],
    });
    expect(f.derived.find((d) => d.item === '5.4')?.rows.map((r) => `${r.key}:${r.why}`)).toEqual([
      'day-after:not-stopped-on-leaving',
    ]);
  });

  it('locks a query user on the 31st day without a query, from the query log', async () => {
    const f = await findings({
      staff: [staff('S1')],
      users: [
        user('locked-in-time', { created: '2024-05-20', locked: '2024-07-02' }),
        user('locked-late', { created: '2024-05-20', locked: '2024-07-03' }),
      ],
      queries: [
        { id: 'q1', user: 'locked-in-time', time: '2024-06-01', reason: 'loanApproval', registered: true },
        { id: 'q2', user: 'locked-late', time: '2024-06-01', reason: 'loanApproval', registered: true },
      ],
    });
    expect(f.derived.find((d) => d.item === '5.4')?.rows.map((r) => `${r.key}:${r.why}`)).toEqual([
      'locked-late:idle-not-locked',
    ]);
  });

  // 连续30天未进行查询操作的查询用户，应立即锁定: a login is not a 查询操作 (derivation.yaml's reading).
  it('counts idleness in queries, not logins: a login after the last query does not restart the 30 days', async () => {
    const f = await findings({
      staff: [staff('S1')],
      users: [
        user('logs-in-only', { lastQuery: '2024-06-01', lastLogin: '2024-12-20' }),
        user('queries', { lastQuery: '2024-12-20', lastLogin: '2024-12-20' }),
      ],
    });
    const d = f.derived.find((x) => x.item === '5.4');
    expect(d?.rows.map((r) => `${r.key}:${r.why}`)).toEqual(['logs-in-only:idle-not-locked']);
    expect(d?.interpretation).toMatch(/counted in query operations only, never in logins\./);
    // The query log, when supplied, decides; a login in it is no query either.
    const g = await findings({
      staff: [staff('S1')],
      users: [user('logs-in-only', { created: '2024-05-15', lastQuery: '2024-12-20', lastLogin: '2024-12-20' })],
      queries: [{ id: 'q1', user: 'logs-in-only', time: '2024-06-01', reason: 'loanApproval', registered: true }],
    });
    expect(g.derived.find((x) => x.item === '5.4')?.rows.map((r) => r.key)).toEqual(['logs-in-only']);
  });

  // 连续30天未进行查询操作的查询用户，应立即锁定 … 未按上述要求开展的，每次扣0.5分: every idle stretch of the year
  // counts, each on its own. The query log is given out of order, as an export may be.
  const queries = (u: string, days: string[]) =>
    days.map((time, n) => ({ id: `${u}-${n}`, user: u, time, reason: 'loanApproval', registered: true }));
  const spring = ['2024-05-21', '2024-03-11', '2024-02-28', '2024-04-14', '2024-03-25', '2024-04-08'];
  const shown = (d: { rows: { key: string; stretch?: unknown }[] } | undefined) =>
    d?.rows.map((r) => [r.key, r.stretch]);

  it('counts only the stretch of 30 days or more: idle 1–10 Mar (10 days) and 15 Apr–20 May (36 days) → 1', async () => {
    const f = await findings(
      { staff: [staff('S1')], users: [user('A', { created: '2024-02-20' })], queries: queries('A', spring) },
      { asOf: '2024-06-01' },
    );
    expect(f.findings['5.4']).toEqual({ userDeactivationFailures: 1 });
    // The rows on either side: A-3 (14 Apr) is line 4 of queries.ndjson, A-0 (21 May) line 1.
    expect(shown(f.derived.find((d) => d.item === '5.4'))).toEqual([
      [
        'A',
        {
          from: '2024-04-15',
          to: '2024-05-20',
          days: 36,
          after: { table: 'queries', row: 4, key: 'A-3' },
          before: { table: 'queries', row: 1, key: 'A-0' },
        },
      ],
    ]);
  });

  it('a lock by the day after the 30 days (立即) clears the stretch; a lock a day later does not', async () => {
    // The 36-day stretch began after 14 Apr: its 30 days end on 14 May, the lock is due on 15 May.
    const f = await findings(
      {
        staff: [staff('S1')],
        users: [
          user('in-time', { created: '2024-02-20', locked: '2024-05-15' }),
          user('late', { created: '2024-02-20', locked: '2024-05-16' }),
        ],
        queries: [...queries('in-time', spring), ...queries('late', spring)],
      },
      { asOf: '2024-06-01' },
    );
    expect(f.derived.find((d) => d.item === '5.4')?.rows.map((r) => r.key)).toEqual(['late']);
  });

  it('two separate stretches of 30 days or more count twice; a lock before a stretch does not lock it', async () => {
    // Queries 10 Jan, 20 Feb, 25 Feb, 10 Apr, 20 Apr: idle 11 Jan–19 Feb (40 days), 26 Feb–9 Apr (44 days).
    const days = ['2024-04-20', '2024-01-10', '2024-04-10', '2024-02-20', '2024-02-25'];
    const f = await findings(
      {
        staff: [staff('S1')],
        users: [
          user('twice', { created: '2024-01-10' }),
          // Locked on 5 Feb (in time for the first stretch); the query on 20 Feb shows it was lifted.
          user('locked-once', { created: '2024-01-10', locked: '2024-02-05' }),
          // Created before the year, first query on 15 Feb: idle from the year's start, 1 Jan–14 Feb.
          user('from-start', { created: '2020-01-01' }),
        ],
        queries: [
          ...queries('twice', days),
          ...queries('locked-once', days),
          ...queries('from-start', ['2024-02-15', '2024-03-01', '2024-03-20', '2024-04-15']),
        ],
      },
      { asOf: '2024-05-01' },
    );
    const d = f.derived.find((x) => x.item === '5.4');
    expect(f.findings['5.4']).toEqual({ userDeactivationFailures: 4 });
    expect(d?.rows.map((r) => `${r.key}:${(r.stretch as { from: string }).from}`)).toEqual([
      'twice:2024-01-11',
      'twice:2024-02-26',
      'locked-once:2024-02-26',
      'from-start:2024-01-01',
    ]);
    expect(d?.rows[3].stretch).toEqual({
      from: '2024-01-01',
      to: '2024-02-14',
      days: 45,
      after: 'period-start',
      before: { table: 'queries', row: 11, key: 'from-start-0' },
    });
  });
});

describe('5.6 密码更改周期不超过30天', () => {
  it('a password 30 days old on the as-of day is in time, 31 days is not; a kept initial password counts', async () => {
    const f = await findings({
      users: [
        user('30', { passwordChanged: '2024-12-01' }),
        user('31', { passwordChanged: '2024-11-30' }),
        user('initial', { initialPasswordChanged: false }),
        user('stopped', { passwordChanged: '2020-01-01', disabled: '2024-03-01' }),
      ],
    });
    expect(f.derived.find((d) => d.item === '5.6')?.rows.map((r) => `${r.key}:${r.why}`)).toEqual([
      '31:password-too-old',
      'initial:initial-password-kept',
    ]);
  });
});

describe('5.7 非正式员工（如劳务派遣工、临时工等）', () => {
  it.each([
    ['formal', false],
    ['dispatched', true],
    ['temporary', true],
    ['outsourced', true],
  ])('a user operated by a %s employee: %s', async (employment, flag) => {
    const f = await findings({ staff: [staff('S1', { employment })], users: [user('u')] });
    expect(f.findings['5.7']).toEqual({ nonRegularStaffUsers: flag });
  });
});

describe('6.2 合格率 and 6.3 覆盖面', () => {
  it('four of five credit staff passed and attended: 80%; a non-credit or departed person is not counted', async () => {
    const f = await findings({
      staff: [
        staff('A'),
        staff('B'),
        staff('C'),
        staff('D'),
        staff('E'),
        staff('X', { creditStaff: false }),
        staff('Y', { left: '2023-12-31' }),
      ],
      training: ['A', 'B', 'C', 'D'].map((s) => ({ staff: s, date: '2024-04-01', attended: true, passed: true })),
    });
    expect(f.findings['6.2']).toEqual({ passRatePercent: 80 });
    expect(f.findings['6.3']).toEqual({ coveragePercent: 80 });
    expect(f.derived.find((d) => d.item === '6.2')).toMatchObject({ counted: 5, total: 1 });
  });

  it('no credit staff at all: the rates are not derived, never 0% or 100%', async () => {
    const f = await findings({ staff: [staff('X', { creditStaff: false })], training: [] });
    expect(f.findings['6.2']).toBeUndefined();
    expect(f.notDerived).toContainEqual({
      item: '6.2',
      finding: 'passRatePercent',
      reason: 'not derived (no rows are counted (no credit staff employed in the year))',
    });
  });
});

describe('8.1 授权查询 and 8.3 查询登记', () => {
  const auth = { id: 'A', signed: '2024-03-01', validUntil: '2024-06-30', elements: [], original: true };
  const q = (id: string, time: string, over: Record<string, unknown> = {}) => ({
    id,
    user: 'u',
    time,
    reason: 'loanApproval',
    authorization: 'A',
    registered: true,
    ...over,
  });
  it('a query on the day of signing or the last valid day is authorized; before or after is not', async () => {
    const f = await findings({
      users: [user('u')],
      authorizations: [auth],
      queries: [
        q('signing-day', '2024-03-01'),
        q('last-day', '2024-06-30'),
        q('before', '2024-02-29'),
        q('after', '2024-07-01'),
      ],
    });
    expect(f.derived.find((d) => d.item === '8.1')?.rows.map((r) => `${r.key}:${r.why}`)).toEqual([
      'before:signedAfterQuery',
      'after:expired',
    ]);
  });

  it('counts unregistered queries, and post-loan queries refused internal approval, not empty ones', async () => {
    const f = await findings({
      users: [user('u')],
      authorizations: [auth],
      queries: [
        q('unregistered', '2024-04-01', { registered: false }),
        q('refused', '2024-04-01', { reason: 'postLoan', internalApproval: false }),
        q('unknown', '2024-04-01', { reason: 'postLoan', internalApproval: null }),
      ],
    });
    expect(f.findings['8.3']).toEqual({ queriesNotRegistered: 1, authorizationNotEnforced: 1 });
  });
});

describe('8.2 授权要素不全; 格式合同未作出足以引起注意的提示', () => {
  it('counts each authorization once, whatever the number of elements missing', async () => {
    const all = ['grantee', 'period', 'purpose', 'signature', 'date'];
    const f = await findings({
      authorizations: [
        { id: 'full', signed: '2024-01-01', elements: all, original: true },
        { id: 'one', signed: '2024-01-01', elements: all.slice(1), original: true },
        { id: 'three', signed: '2024-01-01', elements: all.slice(3), original: true },
        { id: 'form', signed: '2024-01-01', elements: all, original: true, standardForm: true, prominentNotice: false },
        {
          id: 'form-ok',
          signed: '2024-01-01',
          elements: all,
          original: true,
          standardForm: true,
          prominentNotice: true,
        },
      ],
    });
    expect(f.findings['8.2']).toEqual({ authorizationElementsMissing: 2, formatContractWithoutNotice: 1 });
  });
});

describe('10.1 异议 20日内 (转办 12日内) and 10.2 及时更正', () => {
  it('the 20th and 12th days are in time, the next days are late', async () => {
    const f = await findings({
      disputes: [
        { id: '20', received: '2024-03-01', forwarded: false, answered: '2024-03-21' },
        { id: '21', received: '2024-03-01', forwarded: false, answered: '2024-03-22' },
        { id: 'f12', received: '2024-03-01', forwarded: true, answered: '2024-03-13' },
        { id: 'f13', received: '2024-03-01', forwarded: true, answered: '2024-03-14' },
        { id: 'open-not-due', received: '2024-12-20', forwarded: false },
      ],
    });
    expect(f.derived.find((d) => d.item === '10.1')?.rows.map((r) => r.key)).toEqual(['21', 'f13']);
  });

  it('a correction is due by the answer', async () => {
    const f = await findings({
      disputes: [
        {
          id: 'same-day',
          received: '2024-03-01',
          forwarded: false,
          answered: '2024-03-10',
          correctionNeeded: true,
          corrected: '2024-03-10',
        },
        {
          id: 'day-after',
          received: '2024-03-01',
          forwarded: false,
          answered: '2024-03-10',
          correctionNeeded: true,
          corrected: '2024-03-11',
        },
        { id: 'not-needed', received: '2024-03-01', forwarded: false, answered: '2024-03-10', correctionNeeded: false },
      ],
    });
    expect(f.derived.find((d) => d.item === '10.2')?.rows.map((r) => r.key)).toEqual(['day-after']);
  });
});

describe('working days need a calendar', () => {
  it('a year without one leaves the 2-working-day filing not derived', async () => {
    const dir = await evidenceDir({ 'users.ndjson': [user('u', { roles: ['admin'], created: '2023-05-05' })] });
    const f = await (await loadDeriver()).derive({ dir, institution: '测试', year: 2023 });
    expect(f.notDerived).toContainEqual({
      item: '5.2',
      finding: 'usersNotRegistered',
      reason: 'not derived (policies/calendars has no working-day calendar for 2023)',
    });
    expect(f.findings['5.2']).toEqual({ realNameNotEnforced: 0 });
  });
});
