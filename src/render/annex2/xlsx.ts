// Render stage: the annex 2 table as an .xlsx workbook laid out like the form: the title and month,
// 填表单位 and 签发人, the two header rows (the split corner 征信信息安全/机构 over 地区 and 机构名称,
// 风险事件类型 over the five columns (笔), 备注 over both rows), the rows, 复核人 and 填表人, and the
// two notes. Counts are numbers; every text is a plain string (never a formula).
import ExcelJS from 'exceljs';
import { signatoryLine, type Annex2Table } from './layout.js';

const thin = { style: 'thin' as const };
const box = { top: thin, left: thin, bottom: thin, right: thin };

/** renderAnnex2Xlsx returns the bytes of the workbook (one sheet named after the form). */
export async function renderAnnex2Xlsx(table: Annex2Table): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'credit-policy';
  // The workbook's own dates say nothing about the month reported; fixed, they do not vary between runs.
  wb.created = new Date(Date.UTC(2018, 0, 1));
  wb.modified = wb.created;
  const ws = wb.addWorksheet(table.title, {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    views: [{ state: 'frozen', ySplit: 5 }],
  });
  const events = table.columns.length - 3; // 8 columns: 地区, 机构名称, five counts, 备注
  ws.columns = [{ width: 14 }, { width: 28 }, ...Array.from({ length: events }, () => ({ width: 13 })), { width: 48 }];
  writeHead(ws, table);
  writeHeaderRows(ws, table);
  const row = writeRows(ws, table, 6);
  writeFoot(ws, table, row);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** across writes a value into cells merged across one row, answering the merged cell. */
function across(ws: ExcelJS.Worksheet, row: number, from: number, to: number, value: string): ExcelJS.Cell {
  ws.mergeCells(row, from, row, to);
  ws.getCell(row, from).value = value;
  return ws.getCell(row, from);
}

/** writeHead: the title, the month, 填表单位 and 签发人 (rows 1 to 3). */
function writeHead(ws: ExcelJS.Worksheet, table: Annex2Table): void {
  const last = table.columns.length;
  const title = across(ws, 1, 1, last, table.title);
  title.font = { bold: true, size: 16 };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 28;
  across(ws, 2, 1, last, table.periodLabel).alignment = { horizontal: 'center' };
  across(ws, 3, 1, 4, signatoryLine(table.signatories.reportingUnit));
  across(ws, 3, 5, last, signatoryLine(table.signatories.signedBy)).alignment = { horizontal: 'right' };
}

/** writeHeaderRows: the two header rows (4 and 5), with the split corner and 备注 over both. */
function writeHeaderRows(ws: ExcelJS.Worksheet, table: Annex2Table): void {
  const width = table.columns.length;
  const last = width;
  const events = width - 3;
  const corner = ws.getCell(4, 1);
  ws.mergeCells(4, 1, 4, 2);
  corner.value = `${table.corner[0]}\n${table.corner[1]}`;
  corner.alignment = { wrapText: true, vertical: 'middle' };
  corner.border = { ...box, diagonal: { up: false, down: true, style: 'thin' } };
  across(ws, 4, 3, 2 + events, table.eventTypesHeading);
  ws.mergeCells(4, last, 5, last);
  ws.getCell(4, last).value = table.columns[width - 1];
  table.columns.slice(0, width - 1).forEach((c, i) => {
    ws.getCell(5, i + 1).value = c;
  });
  ws.getRow(4).height = 32;
  for (const r of [4, 5])
    for (let c = 1; c <= last; c++) {
      const cell = ws.getCell(r, c);
      cell.font = { bold: true };
      cell.alignment = {
        ...(cell.alignment ?? {}),
        horizontal: c === 1 && r === 4 ? 'left' : 'center',
        vertical: 'middle',
        wrapText: true,
      };
      if (!(r === 4 && c === 1)) cell.border = box;
    }
}

/** writeRows writes the table's rows from `row` on; the row after them. */
function writeRows(ws: ExcelJS.Worksheet, table: Annex2Table, first: number): number {
  let row = first;
  for (const r of table.rows) {
    const values = [r.region, r.institution, ...r.counts, r.remarks];
    values.forEach((v, i) => {
      const cell = ws.getCell(row, i + 1);
      cell.value = v;
      cell.border = box;
      cell.alignment = { vertical: 'top', wrapText: true, ...(typeof v === 'number' ? { horizontal: 'right' } : {}) };
      if (r.kind !== 'institution') cell.font = { bold: true };
    });
    row++;
  }
  return row;
}

/** writeFoot: 复核人 and 填表人, then the notes, from `row` on. */
function writeFoot(ws: ExcelJS.Worksheet, table: Annex2Table, first: number): void {
  const last = table.columns.length;
  let row = first;
  across(ws, row, 1, 4, signatoryLine(table.signatories.reviewedBy));
  across(ws, row, 5, last, signatoryLine(table.signatories.preparedBy)).alignment = { horizontal: 'right' };
  row++;
  for (const note of table.notes) {
    across(ws, row, 1, last, note).alignment = { wrapText: true };
    row++;
  }
}
