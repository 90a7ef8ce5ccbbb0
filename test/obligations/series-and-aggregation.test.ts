// Issue 15 (4): a series of monthly reports with a month missing fails `report validate`, while
// `report status` still shows the month as missing; a national head office's report is listed apart
// from the regions and the 合计 (head-office-reports-apart); every region has its 小计.
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../src/obligations/dates.js';
import { aggregate, checkReports, timeliness } from '../../src/obligations/reports.js';
import { annex2Table } from '../../src/render/annex2/layout.js';
import { report, useService, zeros } from './helper.js';

const ctx = useService();
const asOf = parseIsoDate('2025-01-15')!;
const items = (...values: unknown[]) => values.map((value, i) => ({ source: `r${i}.json`, value }));

describe('a series of months', () => {
  const series = [
    report({ id: 'm07', period: '2024-07' }),
    report({ id: 'm08', period: '2024-08' }),
    report({ id: 'm10', period: '2024-10' }),
  ];

  it('fails validate for the month missing between the first and the last', () => {
    const c = checkReports(ctx.service, items(...series), asOf);
    expect(c.diagnostics).toEqual([
      {
        code: 'month-missing',
        severity: 'error',
        source: 'r2.json',
        report: 'm10',
        path: '/period',
        message:
          '某市农村商业银行（北京市） has no report for 2024-09, a month between its first and last report; every month is reported (按月定期), with zeros when nothing happened (零报告制度)',
      },
    ]);
    expect(c.effective).toEqual([]);
  });

  it('status still shows the month, missing, past its due day', () => {
    // 2024-09 of a local institution: due 6 October 2024, in the 国庆 holiday (1-7 October), so
    // Tuesday 8 October 2024.
    const c = checkReports(ctx.service, items(...series), asOf, { series: false });
    expect(c.diagnostics).toEqual([]);
    const rows = timeliness(
      ctx.service,
      c.reports.map((r) => r.report),
      '2024-07',
      '2024-10',
      asOf,
    );
    expect(rows.map((r) => [r.period, r.due, r.status.status])).toEqual([
      ['2024-07', '2024-08-06', 'received'],
      ['2024-08', '2024-09-06', 'received'],
      ['2024-09', '2024-10-08', 'missing'],
      ['2024-10', '2024-11-06', 'received'],
    ]);
  });
});

describe('aggregating a national head office with the regions', () => {
  it('lists the head office apart, outside the 合计, and gives every region its 小计', () => {
    const reports = [
      report({
        id: 'h',
        institution: '中国工商银行',
        region: '北京市',
        counts: { ...zeros, abnormalQueries: 5 },
        remarks: { abnormalQueries: '总行汇总：5笔异常查询' },
      }),
      report({
        id: 'b1',
        institution: '中国工商银行北京市分行',
        reporterKind: 'branch',
        region: '北京市',
        counts: { ...zeros, abnormalQueries: 3 },
        remarks: { abnormalQueries: '3笔异常查询' },
      }),
      report({
        id: 'b2',
        institution: '中国工商银行上海市分行',
        reporterKind: 'branch',
        region: '上海市',
        counts: { ...zeros, abnormalQueries: 2 },
        remarks: { abnormalQueries: '2笔异常查询' },
      }),
      report({ id: 'l1', institution: '某市农村商业银行', region: '北京市' }),
    ];
    const c = checkReports(ctx.service, items(...reports), asOf);
    expect(c.diagnostics).toEqual([]);
    const a = aggregate(ctx.service, c.effective);
    if (!a.ok) throw new Error(a.message);
    // The regions: 3 + 0 in 北京市, 2 in 上海市; the 合计 is 5, not 10: the head office's 5 (its whole
    // institution, both branches included) stands apart.
    expect(a.result.regions.map((g) => [g.region, g.rows.map((r) => r.id), g.total.abnormalQueries])).toEqual([
      ['上海市', ['b2'], 2],
      // Unicode order within a region: 中 (U+4E2D) before 某 (U+67D0).
      ['北京市', ['b1', 'l1'], 3],
    ]);
    expect(a.result.total.abnormalQueries).toBe(5);
    expect(a.result.headOffices.rows.map((r) => r.id)).toEqual(['h']);
    expect(a.result.headOffices.total.abnormalQueries).toBe(5);
    const table = annex2Table(ctx.service.set.doc.monthlyReport, a.result);
    expect(table.rows.map((r) => [r.kind, r.region, r.institution, r.counts[0]])).toEqual([
      ['institution', '上海市', '中国工商银行上海市分行', 2],
      ['subtotal', '上海市', '小计', 2],
      ['institution', '北京市', '中国工商银行北京市分行', 3],
      ['institution', '北京市', '某市农村商业银行', 0],
      ['subtotal', '北京市', '小计', 3],
      ['total', '合计', '', 5],
      ['institution', '全国性接入机构的总行（不计入合计）', '中国工商银行', 5],
    ]);
  });
});

describe('a reporter named without a kind', () => {
  it('is warned about when the name is neither in annex 1, nor the operator, nor plainly local', () => {
    const c = checkReports(
      ctx.service,
      items(report({ id: 'x', institution: '某某银行' }), report({ id: 'y', institution: '中国人民银行征信中心' })),
      asOf,
    );
    expect(c.diagnostics.map((d) => [d.code, d.severity, d.report, d.path])).toEqual([
      ['reporter-unlisted', 'warning', 'x', '/institution'],
    ]);
    // The operator's September 2024 report is due on the 10th (inferred: operator-reports-to-the-bureau),
    // Thursday 10 October 2024, to 征信管理局.
    const rows = timeliness(ctx.service, [c.reports[1].report], '2024-09', '2024-09', asOf);
    expect(rows.map((r) => [r.kind, r.due])).toEqual([['operator', '2024-10-10']]);
  });
});
