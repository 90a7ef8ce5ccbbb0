// The monthly security statistics report (annex 2): each validation rule, the set rules (one report
// per month, explicit corrections), aggregation totals, and each month on time, late or missing.
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../src/obligations/dates.js';
import { aggregate, checkReports, timeliness, type MonthlyReport } from '../../src/obligations/reports.js';
import { report, useService, zeros } from './helper.js';

const ctx = useService();
const asOf = parseIsoDate('2025-01-15')!;

function check(...values: unknown[]) {
  return checkReports(
    ctx.service,
    values.map((value, i) => ({ source: `r${i}.json`, value })),
    asOf,
  );
}

function problems(...values: unknown[]) {
  return check(...values).diagnostics.map((d) => ({
    source: d.source,
    path: d.path,
    severity: d.severity,
    code: d.code,
  }));
}

describe('one report', () => {
  it('a month without events is reported with five zeros and accepted (零报告)', () => {
    const c = check(report());
    expect(c.diagnostics).toEqual([]);
    expect(c.effective.map((r) => r.id)).toEqual(['rcb-2024-09']);
  });

  it('a count left out is refused: the zero must be written', () => {
    const { creditReportLeaks: _, ...four } = zeros;
    void _;
    expect(check(report({ counts: four })).diagnostics).toEqual([
      expect.objectContaining({
        code: 'report-schema',
        path: '/counts',
        message: 'missing required key "creditReportLeaks"',
        report: 'rcb-2024-09',
        source: 'r0.json',
      }),
    ]);
  });

  it('a negative count is refused', () => {
    expect(check(report({ counts: { ...zeros, misuses: -1 } })).diagnostics).toEqual([
      expect.objectContaining({
        code: 'report-schema',
        path: '/counts/misuses',
        message: 'must be a number ≥ 0, not -1',
      }),
    ]);
  });

  it('a fractional count is refused', () => {
    expect(check(report({ counts: { ...zeros, abnormalQueries: 1.5 } })).diagnostics).toEqual([
      expect.objectContaining({
        code: 'report-schema',
        path: '/counts/abnormalQueries',
        message: 'must be a whole number, not 1.5',
      }),
    ]);
  });

  it('a count written as text is refused', () => {
    expect(check(report({ counts: { ...zeros, misuses: '0' } })).diagnostics).toEqual([
      expect.objectContaining({ path: '/counts/misuses', message: 'must be a whole number, not "0" (text)' }),
    ]);
  });

  it('a count above zero without a remark describing its events is refused', () => {
    const c = check(
      report({
        counts: { ...zeros, unauthorizedQueries: 2, misuses: 1 },
        remarks: { misuses: '客户经理将信用报告用于营销' },
      }),
    );
    expect(c.diagnostics).toEqual([
      {
        code: 'remarks-missing',
        severity: 'error',
        source: 'r0.json',
        report: 'rcb-2024-09',
        path: '/remarks/unauthorizedQueries',
        message:
          'counts 2 违规查询 (unauthorizedQueries) but no remark describes them; every count above 0 needs one (附件2 注2：在备注中描述违规事件的详细情况)',
      },
    ]);
    expect(c.effective).toEqual([]);
  });

  it('a blank remark does not describe anything', () => {
    expect(
      problems(report({ counts: { ...zeros, creditReportLeaks: 1 }, remarks: { creditReportLeaks: '   ' } })),
    ).toEqual([{ source: 'r0.json', path: '/remarks/creditReportLeaks', severity: 'error', code: 'remarks-missing' }]);
  });

  it('every count above zero with its remark is accepted', () => {
    const c = check(
      report({
        counts: { ...zeros, abnormalQueries: 3, illegalProvisions: 1 },
        remarks: { abnormalQueries: '夜间批量查询 3 笔，已核实', illegalProvisions: '向第三方提供 1 笔' },
        attachment: '关于某支行违规提供信息的详细报告',
      }),
    );
    expect(c.diagnostics).toEqual([]);
  });

  it('a remark on an event type that did not occur is a warning', () => {
    const c = check(report({ remarks: { misuses: '无' } }));
    expect(c.diagnostics).toEqual([
      expect.objectContaining({ code: 'remarks-without-events', severity: 'warning', path: '/remarks/misuses' }),
    ]);
    expect(c.effective).toHaveLength(1);
  });

  it('a month that is not over is refused', () => {
    expect(problems(report({ id: 'jan', period: '2025-01' }))).toEqual([
      { source: 'r0.json', path: '/period', severity: 'error', code: 'period-not-over' },
    ]);
  });

  it('an unknown key, a bad month and missing signatories are refused with their paths', () => {
    const { signatories: _, ...unsigned } = report({ period: '2024-13', remark: 'x' });
    void _;
    expect(
      problems(unsigned)
        .map((p) => p.path)
        .sort(),
    ).toEqual(['', '/period', '/remark']);
  });
});

describe('a set of reports', () => {
  it('a second report of the same month is refused', () => {
    expect(problems(report(), report({ id: 'rcb-2024-09-again' }))).toEqual([
      { source: 'r1.json', path: '/period', severity: 'error', code: 'duplicate-month' },
    ]);
  });

  it('the same month of another institution or region is not a duplicate', () => {
    expect(
      problems(
        report(),
        report({ id: 'b', institution: '另一家银行', reporterKind: 'local' }),
        report({ id: 'c', region: '天津市' }),
      ),
    ).toEqual([]);
  });

  it('an explicit correction is accepted and replaces the report it corrects', () => {
    const c = check(
      report(),
      report({
        id: 'rcb-2024-09-v2',
        correctionOf: 'rcb-2024-09',
        counts: { ...zeros, misuses: 1 },
        remarks: { misuses: '补报一笔违规使用' },
      }),
    );
    expect(c.diagnostics).toEqual([]);
    expect(c.effective.map((r) => r.id)).toEqual(['rcb-2024-09-v2']);
  });

  it('a correction must name a report among those given', () => {
    expect(problems(report({ id: 'v2', correctionOf: 'nope' }))).toEqual([
      { source: 'r0.json', path: '/correctionOf', severity: 'error', code: 'correction-unknown' },
      { source: 'r0.json', path: '/correctionOf', severity: 'error', code: 'correction-without-original' },
    ]);
  });

  it('a correction of another month is refused', () => {
    expect(problems(report(), report({ id: 'oct', period: '2024-10', correctionOf: 'rcb-2024-09' }))).toContainEqual({
      source: 'r1.json',
      path: '/correctionOf',
      severity: 'error',
      code: 'correction-mismatch',
    });
  });

  it('two corrections of one report are refused', () => {
    expect(
      problems(
        report(),
        report({ id: 'v2', correctionOf: 'rcb-2024-09' }),
        report({ id: 'v3', correctionOf: 'rcb-2024-09' }),
      ),
    ).toEqual([{ source: 'r2.json', path: '/correctionOf', severity: 'error', code: 'correction-conflict' }]);
  });

  it('ids are unique', () => {
    expect(problems(report(), report({ institution: '另一家银行', reporterKind: 'local' }))).toEqual([
      { source: 'r1.json', path: '/id', severity: 'error', code: 'duplicate-id' },
    ]);
  });
});

describe('aggregation', () => {
  const set: MonthlyReport[] = [
    report({
      id: 'a',
      institution: '乙银行',
      reporterKind: 'local',
      counts: { ...zeros, abnormalQueries: 2, misuses: 1 },
      remarks: { abnormalQueries: 'x', misuses: 'y' },
    }),
    report({
      id: 'b',
      institution: '甲银行',
      reporterKind: 'local',
      counts: { ...zeros, abnormalQueries: 5 },
      remarks: { abnormalQueries: 'z' },
    }),
    report({
      id: 'c',
      region: '上海市',
      institution: '丙银行',
      reporterKind: 'local',
      counts: { ...zeros, creditReportLeaks: 1 },
      remarks: { creditReportLeaks: 'w' },
    }),
    report({ id: 'd', region: '上海市', institution: '人民银行上海总部征信查询点', reporterKind: 'pboc-branch' }),
    report({ id: 'e', period: '2024-10', institution: '乙银行', reporterKind: 'local' }),
  ];

  it('sums institutions into regions and regions into the nation', () => {
    const c = check(...set);
    expect(c.diagnostics).toEqual([]);
    const out = aggregate(ctx.service, c.effective, '2024-09');
    if (!out.ok) throw new Error(out.message);
    expect(out.result.period).toBe('2024-09');
    expect(out.result.regions.map((g) => [g.region, g.rows.map((r) => r.id), g.total])).toEqual([
      // Unicode order within a region: 丙 (U+4E19) before 人 (U+4EBA).
      ['上海市', ['c', 'd'], { ...zeros, creditReportLeaks: 1 }],
      ['北京市', ['a', 'b'], { ...zeros, abnormalQueries: 7, misuses: 1 }],
    ]);
    expect(out.result.total).toEqual({
      abnormalQueries: 7,
      unauthorizedQueries: 0,
      illegalProvisions: 0,
      misuses: 1,
      creditReportLeaks: 1,
    });
  });

  it('counts a correction, not the report it corrects', () => {
    const c = check(
      set[1],
      report({
        id: 'b2',
        institution: '甲银行',
        correctionOf: 'b',
        counts: { ...zeros, abnormalQueries: 4 },
        remarks: { abnormalQueries: 'z' },
      }),
    );
    const out = aggregate(ctx.service, c.effective);
    expect(out.ok && out.result.total.abnormalQueries).toBe(4);
  });

  it('asks for a month when the reports cover several', () => {
    const out = aggregate(ctx.service, check(...set).effective);
    expect(out).toEqual({ ok: false, message: 'the reports cover 2024-09, 2024-10; choose one month with --period' });
  });
});

describe('each month against its due date', () => {
  const reports = [
    report({ id: 's', period: '2024-09', submittedOn: '2024-10-08' }),
    report({ id: 'o', period: '2024-10', submittedOn: '2024-11-08' }),
    report({ id: 'n', period: '2024-11' }),
    report({ id: 'h', period: '2024-09', region: '上海市', institution: '中国银行', submittedOn: '2024-10-10' }),
  ];

  it('marks on time, late by working days, received without a date, missing and pending', () => {
    const rows = timeliness(ctx.service, reports, '2024-09', '2024-12', parseIsoDate('2025-01-07')!);
    expect(
      rows.map((r) => [
        r.region,
        r.period,
        r.due,
        r.status.status,
        'late' in r.status
          ? r.status.late
          : 'overdue' in r.status
            ? r.status.overdue
            : 'left' in r.status
              ? r.status.left
              : undefined,
      ]),
    ).toEqual([
      ['上海市', '2024-09', '2024-10-10', 'on-time', undefined],
      ['上海市', '2024-10', '2024-11-11', 'missing', { days: 57, workingDays: 40 }],
      ['上海市', '2024-11', '2024-12-10', 'missing', { days: 28, workingDays: 19 }],
      ['上海市', '2024-12', '2025-01-10', 'pending', { days: 3, workingDays: 3 }],
      ['北京市', '2024-09', '2024-10-08', 'on-time', undefined],
      ['北京市', '2024-10', '2024-11-06', 'late', { days: 2, workingDays: 2 }],
      ['北京市', '2024-11', '2024-12-06', 'received', undefined],
      ['北京市', '2024-12', '2025-01-06', 'missing', { days: 1, workingDays: 1 }],
    ]);
    // 中国银行 is on the annex 1 list: a national head office, due the 10th (10 November 2024 was a Sunday).
    expect(rows[1]).toMatchObject({ kind: 'national', moved: true });
    expect(rows[4]).toMatchObject({ kind: 'local', report: 's' });
  });
});
