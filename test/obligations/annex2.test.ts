// The annex 2 table in its three renderings: CSV (golden), .xlsx laid out like the form (written,
// then read back with exceljs), and a printable HTML page with every report text escaped.
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../src/obligations/dates.js';
import { aggregate, checkReports } from '../../src/obligations/reports.js';
import { renderAnnex2Csv } from '../../src/render/annex2/csv.js';
import { renderAnnex2Html } from '../../src/render/annex2/html.js';
import { annex2Table, type Annex2Table } from '../../src/render/annex2/layout.js';
import { renderAnnex2Xlsx } from '../../src/render/annex2/xlsx.js';
import { report, useService, zeros } from './helper.js';

const ctx = useService();

const reports = [
  report({
    id: 'a',
    institution: '某市农村商业银行',
    counts: { ...zeros, abnormalQueries: 2, misuses: 1 },
    remarks: { abnormalQueries: '夜间查询 2 笔, 已核实', misuses: '客户经理将报告用于"营销"' },
  }),
  report({
    id: 'b',
    institution: '中国工商银行北京市分行',
    counts: { ...zeros, unauthorizedQueries: 1 },
    remarks: { unauthorizedQueries: '无授权查询 1 笔' },
    attachment: '关于违规查询的详细报告',
  }),
  report({
    id: 'c',
    region: '天津市',
    institution: '=HYPERLINK("http://x")<script>alert(1)</script>',
    reporterKind: 'local',
  }),
];

let table: Annex2Table;
let single: Annex2Table;
beforeAll(() => {
  const form = ctx.service.set.doc.monthlyReport;
  const c = checkReports(
    ctx.service,
    reports.map((value, i) => ({ source: `r${i}`, value })),
    parseIsoDate('2025-01-01')!,
  );
  expect(c.diagnostics).toEqual([]);
  const all = aggregate(ctx.service, c.effective);
  if (!all.ok) throw new Error(all.message);
  table = annex2Table(form, all.result, {
    reportingUnit: '中国人民银行征信管理局',
    signedBy: '赵六',
    reviewedBy: '钱七',
    preparedBy: '孙八',
  });
  const one = aggregate(ctx.service, [c.effective[0]]);
  if (!one.ok) throw new Error(one.message);
  single = annex2Table(form, one.result);
});

describe('the annex 2 table', () => {
  it('has a row per institution, a 小计 for every region (a-subtotal-for-every-region), and the national 合计', () => {
    expect(table.rows.map((r) => [r.kind, r.region, r.institution, r.counts.join(' ')])).toEqual([
      ['institution', '北京市', '中国工商银行北京市分行', '0 1 0 0 0'],
      ['institution', '北京市', '某市农村商业银行', '2 0 0 1 0'],
      ['subtotal', '北京市', '小计', '2 1 0 1 0'],
      ['institution', '天津市', '=HYPERLINK("http://x")<script>alert(1)</script>', '0 0 0 0 0'],
      ['subtotal', '天津市', '小计', '0 0 0 0 0'],
      ['total', '合计', '', '2 1 0 1 0'],
    ]);
    expect(table.periodLabel).toBe('2024年09月');
  });

  it('of a single report takes its signatories and has no sums', () => {
    expect(single.rows.map((r) => r.kind)).toEqual(['institution']);
    expect(single.signatories.reportingUnit).toEqual({ label: '填表单位', value: '某市农村商业银行' });
    expect(single.signatories.preparedBy).toEqual({ label: '填表人', value: '王五' });
  });
});

describe('CSV', () => {
  it('is the table under the form’s headings, quoted per RFC 4180, formulas defused (golden)', () => {
    expect(renderAnnex2Csv(table)).toBe(
      [
        '年月,地区,机构名称,异常查询(笔),违规查询(笔),非法提供(笔),违规使用(笔),信用报告泄漏(笔),备注',
        '2024-09,北京市,中国工商银行北京市分行,0,1,0,0,0,违规查询：无授权查询 1 笔（另附：关于违规查询的详细报告）',
        '2024-09,北京市,某市农村商业银行,2,0,0,1,0,"异常查询：夜间查询 2 笔, 已核实；违规使用：客户经理将报告用于""营销"""',
        '2024-09,北京市,小计,2,1,0,1,0,',
        `2024-09,天津市,"'=HYPERLINK(""http://x"")<script>alert(1)</script>",0,0,0,0,0,`,
        '2024-09,天津市,小计,0,0,0,0,0,',
        '2024-09,合计,,2,1,0,1,0,',
        '',
      ].join('\r\n'),
    );
  });
});

describe('xlsx', () => {
  it('is laid out like the form and reads back cell by cell', async () => {
    const bytes = await renderAnnex2Xlsx(table);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('征信信息安全情况统计表')!;
    expect(ws).toBeDefined();
    const v = (a: string) => ws.getCell(a).value;
    expect([v('A1'), v('A2'), v('A3'), v('E3')]).toEqual([
      '征信信息安全情况统计表',
      '2024年09月',
      '填表单位：中国人民银行征信管理局',
      '签发人：赵六',
    ]);
    expect([v('A4'), v('C4'), v('H4')]).toEqual(['征信信息安全\n机构', '风险事件类型', '备注']);
    expect(['A5', 'B5', 'C5', 'D5', 'E5', 'F5', 'G5'].map(v)).toEqual([
      '地区',
      '机构名称',
      '异常查询(笔)',
      '违规查询(笔)',
      '非法提供(笔)',
      '违规使用(笔)',
      '信用报告泄漏(笔)',
    ]);
    expect(['A6', 'B6', 'C6', 'D6', 'E6', 'F6', 'G6', 'H6'].map(v)).toEqual([
      '北京市',
      '中国工商银行北京市分行',
      0,
      1,
      0,
      0,
      0,
      '违规查询：无授权查询 1 笔（另附：关于违规查询的详细报告）',
    ]);
    expect(['A8', 'B8', 'C8', 'D8', 'F8'].map(v)).toEqual(['北京市', '小计', 2, 1, 1]);
    // Text stays text: the formula-looking name is a string, not a formula.
    expect(v('B9')).toBe('=HYPERLINK("http://x")<script>alert(1)</script>');
    expect(['A10', 'B10', 'C10'].map(v)).toEqual(['天津市', '小计', 0]);
    expect(['A11', 'C11', 'D11', 'F11'].map(v)).toEqual(['合计', 2, 1, 1]);
    expect([v('A12'), v('E12')]).toEqual(['复核人：钱七', '填表人：孙八']);
    expect([v('A13'), v('A14')]).toEqual([
      '注：1. 上报违规情况涉及的机构包括金融信用信息基础数据库运行机构、接入机构、人民银行分支机构征信查询点。',
      '2. 在备注中描述违规事件的详细情况，如事件较复杂时，另附详细报告。',
    ]);
    // The merged cells of the form: title, month, corner, 风险事件类型, 备注 over two rows.
    const merges = (ws.model as unknown as { merges: string[] }).merges;
    expect(merges).toEqual(expect.arrayContaining(['A1:H1', 'A2:H2', 'A4:B4', 'C4:G4', 'H4:H5', 'A13:H13']));
    expect(typeof v('C6')).toBe('number');
  });
});

describe('HTML', () => {
  it('is one self-contained page with every report text escaped', () => {
    const html = renderAnnex2Html(table);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toContain('<script>');
    expect(html).toContain('<td>=HYPERLINK(&quot;http://x&quot;)&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(html).toContain('客户经理将报告用于&quot;营销&quot;');
    expect(html).not.toMatch(/<link |src=|https?:\/\/(?!x)/);
    expect(html).toContain('<th colspan="5">风险事件类型</th><th rowspan="2">备注</th>');
    expect(html).toContain('<span>填表单位：中国人民银行征信管理局</span><span>签发人：赵六</span>');
    expect(html).toContain('<tr class="total"><td>合计</td><td></td><td class="num">2</td>');
  });

  it('shows *** for a signatory nobody gave, as the blank form does', () => {
    const c = checkReports(
      ctx.service,
      [
        { source: 'x', value: reports[0] },
        { source: 'y', value: reports[1] },
      ],
      parseIsoDate('2025-01-01')!,
    );
    const all = aggregate(ctx.service, c.effective);
    if (!all.ok) throw new Error(all.message);
    expect(renderAnnex2Html(annex2Table(ctx.service.set.doc.monthlyReport, all.result))).toContain(
      '<span>填表单位：***</span><span>签发人：***</span>',
    );
  });
});
