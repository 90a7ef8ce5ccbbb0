// XLSX evidence: the first worksheet streamed, headers mapped as for CSV, date cells read as days,
// and a bad cell named by its worksheet row.
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { EvidenceError } from '../../src/evidence/errors.js';
import { evidenceDir, loadDeriver } from './helper.js';

async function workbook(dir: string, name: string, rows: unknown[][]): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('报备');
  for (const r of rows) ws.addRow(r);
  await wb.xlsx.writeFile(join(dir, name));
}

describe('XLSX evidence', () => {
  it('reads Chinese headers, date cells and text dates from the first worksheet', async () => {
    const dir = await evidenceDir({});
    await workbook(dir, '报备.xlsx', [
      ['报备编号', '报备事项', '名称', '事件日期', '报备日期'],
      ['F01', '制度', '制度甲', new Date(Date.UTC(2024, 1, 1)), null],
      ['F02', '审计报告', '审计', '2024-01-31', new Date(Date.UTC(2024, 2, 1))],
      ['F03', 'rule', '制度乙', new Date(Date.UTC(2024, 4, 6)), new Date(Date.UTC(2024, 4, 7))],
    ]);
    const f = await (await loadDeriver()).derive({ dir, institution: '测试', year: 2024 });
    expect(f.findings).toEqual({ '2.3': { rulesNotFiled: 1 }, '3.2': { auditReportsNotFiled: 1 } });
    expect(f.derived.find((d) => d.item === '3.2')?.rows).toEqual([
      { table: 'filings', row: 3, key: 'F02', why: 'filed-late' },
    ]);
  });

  it('names the worksheet row of a bad cell', async () => {
    const dir = await evidenceDir({});
    await workbook(dir, 'filings.xlsx', [
      ['id', 'kind', 'subject', 'event', 'filed'],
      ['F01', 'rule', 'x', 'someday', null],
    ]);
    const err = await (await loadDeriver()).derive({ dir, institution: '测试', year: 2024 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvidenceError);
    expect((err as EvidenceError).diagnostics.map((d) => [d.code, d.line, d.path])).toEqual([['EVID020', 2, 'event']]);
  });
});
