// Report stage: the answer of `inspections status --format xlsx`: one sheet per part (年度计划, 巡查,
// 全覆盖), a row each, the status and dates as text, the clause of each part under its table. Every
// text is a plain string (never a formula).
import ExcelJS from 'exceljs';
import type { InspectionsStatus } from '../../../generated/types/inspections/status.js';
import { stageText } from './text.js';
import { defaultLang, type Lang } from '../../diagnostics/i18n.js';

/** renderInspectionsXlsx returns the bytes of the workbook. */
export async function renderInspectionsXlsx(r: InspectionsStatus, lang: Lang = defaultLang): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'credit-policy';
  // Fixed workbook dates: the same answer gives the same bytes.
  wb.created = new Date(Date.UTC(2018, 0, 1));
  wb.modified = wb.created;
  const sheet = (name: string, headings: string[], rows: (string | number)[][], clauses: string[]) => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = headings.map((h) => ({ width: Math.max(12, h.length * 2 + 4) }));
    ws.addRow(headings).font = { bold: true };
    for (const row of rows) ws.addRow(row);
    ws.addRow([]);
    for (const c of clauses) ws.addRow([c]);
  };
  sheet(
    '年度计划',
    ['年度', '巡查组织单位', '辖区', '状态'],
    r.plans.map((p) => [p.year, p.organizingUnit, p.region, p.status]),
    [r.plans[0]?.clause ?? ''],
  );
  sheet(
    '巡查',
    ['编号', '巡查对象', '辖区', '状态', '现场巡查开始', '现场巡查结束', '巡查组人数', '巡查工作报告', '整改情况'],
    r.inspections.map((i) => [
      i.id,
      i.institution,
      i.region,
      i.status,
      i.fieldwork?.from ?? '',
      i.fieldwork?.to ?? '',
      i.team.size,
      stageText(i.report, lang),
      stageText(i.rectification, lang),
    ]),
    r.inspections[0]
      ? [r.inspections[0].team.clause, r.inspections[0].report.clause, r.inspections[0].rectification.clause]
      : [],
  );
  sheet(
    '全覆盖',
    ['机构', '辖区', '状态', '最近现场巡查结束', '应于'],
    r.coverage.map((c) => [c.institution, c.region, c.status, c.lastFieldwork ?? '', c.due]),
    [r.coverage[0]?.clause ?? ''],
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}
