// Evidence stage: streams one evidence file (CSV in UTF-8 with or without BOM or in GB18030, or
// NDJSON) as typed rows in chunks, mapping headers to columns and refusing bad cells and duplicate
// keys with their file:row:column. Rows are numbered as a spreadsheet shows them: the header is row 1.
import { type Message, type MessageParam, msg } from '../i18n/message.js';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { parseCell, type CellValue } from './cells.js';
import { xlsxRecords } from './read-xlsx.js';
import { type Collector, problem } from './errors.js';
import { type ColumnSpec, fold, type TableSpec } from './tables.js';

/** Row: one typed row and where it came from. */
export interface Row {
  row: number;
  key: string;
  values: Record<string, CellValue>;
}

export type Encoding = 'utf8' | 'gb18030';

/** sniffEncoding decides from the first bytes: a UTF-8 BOM or valid UTF-8 is UTF-8, else GB18030. */
export async function sniffEncoding(file: string): Promise<{ encoding: Encoding } | { refused: Message }> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(65536);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8' };
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
      return { refused: msg('diag.evidence.read.utf16') };
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: bytesRead === buf.length });
      return { encoding: 'utf8' };
    } catch {
      return { encoding: 'gb18030' };
    }
  } finally {
    await fh.close();
  }
}

const acceptedList = (spec: TableSpec) =>
  spec.columns.map((c) => `${c.name} (${c.headers.filter((h) => h !== c.name).join(', ')})`).join('; ');

/** mapHeaders resolves a header row to columns, reporting unknown, repeated and missing headers. */
export function mapHeaders(
  headers: string[],
  spec: TableSpec,
  label: string,
  errors: Collector,
  hint: MessageParam = '',
): (ColumnSpec | undefined)[] {
  const byName = new Map(spec.columns.map((c) => [c.name, c]));
  const seen = new Map<string, string>();
  const mapped = headers.map((h) => {
    const name = spec.byHeader.get(fold(h));
    if (name === undefined) {
      errors.add(
        problem(
          'EVID010',
          label,
          msg('diag.evidence.read.unknownHeader', { header: h, table: spec.name, hint, accepted: acceptedList(spec) }),
          1,
        ),
      );
      return undefined;
    }
    if (seen.has(name)) {
      errors.add(
        problem(
          'EVID011',
          label,
          msg('diag.evidence.read.twoHeaders', { first: seen.get(name) ?? '', second: h, column: name }),
          1,
          h,
        ),
      );
      return undefined;
    }
    seen.set(name, h);
    return byName.get(name);
  });
  for (const c of spec.columns)
    if (c.required && !seen.has(c.name))
      errors.add(
        problem(
          'EVID012',
          label,
          msg('diag.evidence.read.missingColumn', {
            column: c.name,
            table: spec.name,
            hint,
            accepted: c.headers.join(', '),
          }),
          1,
        ),
      );
  return mapped;
}

/** RowBuilder types the cells of one row and checks its key is new. */
class RowBuilder {
  private readonly keys = new Set<string>();
  constructor(
    private readonly spec: TableSpec,
    private readonly label: string,
    private readonly errors: Collector,
  ) {}

  build(row: number, cells: [ColumnSpec, unknown][]): Row | undefined {
    const values: Record<string, CellValue> = {};
    let ok = true;
    for (const [col, raw] of cells) {
      const r = parseCell(raw, col, this.spec.booleans);
      if (r.ok) values[col.name] = r.value;
      else {
        ok = false;
        this.errors.add(problem('EVID020', this.label, r.message, row, col.name));
      }
    }
    for (const c of this.spec.columns) {
      if (c.name in values || !ok) continue;
      if (c.required) {
        ok = false;
        this.errors.add(
          problem(
            'EVID012',
            this.label,
            msg('diag.evidence.read.missingCell', { column: c.name, table: this.spec.name }),
            row,
            c.name,
          ),
        );
      } else values[c.name] = c.kind === 'list' ? [] : null;
    }
    if (!ok) return undefined;
    const key = this.spec.key.map((k) => String(values[k])).join('|');
    if (this.keys.has(key)) {
      this.errors.add(
        problem(
          'EVID021',
          this.label,
          msg('diag.evidence.read.duplicateKey', { columns: this.spec.key.join('+'), key, table: this.spec.name }),
          row,
          this.spec.key[0],
        ),
      );
      return undefined;
    }
    this.keys.add(key);
    return { row, key, values };
  }
}

/** readRows streams the rows of one file in chunks; problems go to `errors` and their rows are left out. */
export async function* readRows(
  file: string,
  label: string,
  spec: TableSpec,
  errors: Collector,
  chunkSize = 4000,
): AsyncGenerator<Row[]> {
  const builder = new RowBuilder(spec, label, errors);
  const source = /\.(ndjson|jsonl)$/i.test(file)
    ? ndjsonCells(file, label, spec, errors)
    : /\.xlsx$/i.test(file)
      ? xlsxCells(file, label, spec, errors)
      : csvCells(file, label, spec, errors);
  let chunk: Row[] = [];
  for await (const [row, cells] of source) {
    const r = builder.build(row, cells);
    if (r) chunk.push(r);
    if (chunk.length >= chunkSize) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}

type RawRow = [number, [ColumnSpec, unknown][]];

async function* xlsxCells(file: string, label: string, spec: TableSpec, errors: Collector): AsyncGenerator<RawRow> {
  let columns: (ColumnSpec | undefined)[] | undefined;
  try {
    for await (const [row, record] of xlsxRecords(file)) {
      if (!columns) {
        columns = mapHeaders(record, spec, label, errors);
        if (errors.count) return;
        continue;
      }
      const cells: [ColumnSpec, unknown][] = [];
      record.forEach((v, i) => {
        const c = columns?.[i];
        if (c) cells.push([c, v]);
      });
      yield [row, cells];
    }
  } catch (err) {
    errors.add(problem('EVID002', label, msg('diag.evidence.read.notXlsx', { reason: (err as Error).message })));
    return;
  }
  if (!columns)
    errors.add(problem('EVID012', label, msg('diag.evidence.read.noHeaderXlsx', { accepted: acceptedList(spec) }), 1));
}

async function* csvCells(file: string, label: string, spec: TableSpec, errors: Collector): AsyncGenerator<RawRow> {
  const sniffed = await sniffEncoding(file);
  if ('refused' in sniffed) {
    errors.add(problem('EVID003', label, sniffed.refused, 1));
    return;
  }
  const hint = sniffed.encoding === 'gb18030' ? msg('diag.evidence.read.readAsGb18030') : '';
  const decoded: Readable = createReadStream(file).pipe(
    iconv.decodeStream(sniffed.encoding === 'utf8' ? 'utf8' : 'gb18030'),
  ) as unknown as Readable;
  const parser = decoded.pipe(parse({ relax_quotes: false, skip_empty_lines: true, bom: true }));
  let columns: (ColumnSpec | undefined)[] | undefined;
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      if (!columns) {
        columns = mapHeaders(
          record.map((h) => h.replace(/^\uFEFF/, '')),
          spec,
          label,
          errors,
          hint,
        );
        if (errors.count) return;
        continue;
      }
      const cells: [ColumnSpec, unknown][] = [];
      record.forEach((v, i) => {
        const c = columns![i];
        if (c) cells.push([c, v]);
      });
      yield [row, cells];
    }
  } catch (err) {
    const e = err as Error & { code?: string; lines?: number };
    // csv-parse's own words for any other fault (English).
    const where = e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' ? msg('diag.evidence.read.cellCount') : e.message;
    errors.add(problem('EVID002', label, msg('diag.evidence.read.notCsv', { where }), row + 1));
  }
  if (!columns)
    errors.add(problem('EVID012', label, msg('diag.evidence.read.emptyFile', { accepted: acceptedList(spec) }), 1));
}

async function* ndjsonCells(file: string, label: string, spec: TableSpec, errors: Collector): AsyncGenerator<RawRow> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  const byName = new Map(spec.columns.map((c) => [c.name, c]));
  const reported = new Set<string>();
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      errors.add(
        problem('EVID002', label, msg('diag.evidence.read.lineNotJson', { reason: (err as Error).message }), n),
      );
      continue;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      errors.add(problem('EVID002', label, msg('diag.evidence.read.lineNotObject'), n));
      continue;
    }
    const cells: [ColumnSpec, unknown][] = [];
    for (const [k, v] of Object.entries(obj)) {
      const c = byName.get(spec.byHeader.get(fold(k)) ?? '');
      if (c) cells.push([c, v]);
      else if (!reported.has(k)) {
        reported.add(k);
        errors.add(
          problem(
            'EVID010',
            label,
            msg('diag.evidence.read.unknownKey', { key: k, table: spec.name, accepted: acceptedList(spec) }),
            n,
            k,
          ),
        );
      }
    }
    yield [n, cells];
  }
}
