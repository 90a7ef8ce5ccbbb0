// Evidence stage: the rows of an XLSX evidence file, streamed from its first worksheet (exceljs's
// streaming reader, so a large export is never held whole). Cells become the text a CSV would hold:
// a date cell its YYYY-MM-DD, a number its digits, rich text its characters, a formula its result.
import { msg } from '../diagnostics/message.js';
import ExcelJS from 'exceljs';
import { type Collector, problem } from './errors.js';
import { acceptedList, columnIndexes, mapHeaders, type RawRow } from './read-headers.js';
import type { TableSpec } from './tables.js';

/** xlsxCells yields the rows after the header row in batches; problems go to `errors`. */
export async function* xlsxCells(
  file: string,
  label: string,
  spec: TableSpec,
  errors: Collector,
): AsyncGenerator<RawRow[]> {
  let cols: number[] | undefined;
  let batch: RawRow[] = [];
  try {
    for await (const [row, record] of xlsxRecords(file)) {
      if (!cols) {
        cols = columnIndexes(spec, mapHeaders(record, spec, label, errors));
        if (errors.count) return;
        continue;
      }
      batch.push([row, cols, record]);
      if (batch.length >= 1000) {
        yield batch;
        batch = [];
      }
    }
  } catch (err) {
    errors.add(problem('EVID002', label, msg('diag.evidence.read.notXlsx', { reason: (err as Error).message })));
    if (batch.length) yield batch;
    return;
  }
  if (batch.length) yield batch;
  if (!cols)
    errors.add(problem('EVID012', label, msg('diag.evidence.read.noHeaderXlsx', { accepted: acceptedList(spec) }), 1));
}

/** xlsxRecords yields [row number, cell texts] for each non-empty row of the first worksheet. */
export async function* xlsxRecords(file: string): AsyncGenerator<[number, string[]]> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  for await (const sheet of workbook) {
    for await (const row of sheet) {
      const values = row.values as unknown[];
      const cells = values.slice(1).map(cellText);
      if (cells.every((c) => c === '')) continue;
      yield [row.number, cells];
    }
    return; // the first worksheet is the table
  }
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: unknown };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return cellText(o.result);
    if (typeof o.text === 'string') return o.text;
    if (o.error !== undefined) return String(o.error);
  }
  return String(v);
}
