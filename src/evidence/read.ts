// Evidence stage: streams one evidence file (CSV in UTF-8 with or without BOM or in GB18030, XLSX, or
// NDJSON) as typed rows in chunks, mapping headers to columns and refusing bad cells and duplicate
// keys with their file:row:column. Rows are numbered as a spreadsheet shows them: the header is row 1.
import { msg } from '../diagnostics/message.js';
import { type CellValue, cellConverter, type FastCell, parseCell } from './cells.js';
import { type Collector, problem } from './errors.js';
import { KeySet } from './keyset.js';
import { csvCells } from './read-csv.js';
import type { RawRow } from './read-headers.js';
import { ndjsonCells } from './read-ndjson.js';
import { xlsxCells } from './read-xlsx.js';
import type { TableSpec } from './tables.js';

export { type Encoding, sniffEncoding } from './read-csv.js';
export { mapHeaders } from './read-headers.js';

/** Row: one typed row and where it came from. */
export interface Row {
  row: number;
  key: string;
  values: Record<string, CellValue>;
}

const unset = Symbol('unset');

/** RowBuilder types the cells of one row and checks its key is new. */
class RowBuilder {
  private readonly keys = new KeySet();
  // Compiled once per file: a converter per column for the common cell, parseCell for the rest.
  private readonly fast: FastCell[];
  private readonly got: (CellValue | typeof unset)[];

  constructor(
    private readonly spec: TableSpec,
    private readonly label: string,
    private readonly errors: Collector,
  ) {
    this.fast = spec.columns.map((c) => cellConverter(c, spec.booleans));
    this.got = spec.columns.map(() => unset);
  }

  build(row: number, cols: readonly number[], cells: readonly unknown[]): Row | undefined {
    const { spec, got } = this;
    const columns = spec.columns;
    let ok = true;
    for (let i = 0; i < cells.length; i++) {
      const ci = cols[i];
      if (!(ci >= 0)) continue;
      const raw = cells[i];
      let v = this.fast[ci](raw);
      if (v === undefined) {
        const r = parseCell(raw, columns[ci], spec.booleans);
        if (!r.ok) {
          ok = false;
          this.errors.add(problem('EVID020', this.label, r.message, row, columns[ci].name));
          continue;
        }
        v = r.value;
      }
      got[ci] = v;
    }
    const values: Record<string, CellValue> = {};
    for (let ci = 0; ci < columns.length; ci++) {
      const v = got[ci];
      got[ci] = unset;
      if (!ok) continue;
      const c = columns[ci];
      if (v !== unset) values[c.name] = v;
      else if (c.required) {
        ok = false;
        this.errors.add(
          problem(
            'EVID012',
            this.label,
            msg('diag.evidence.read.missingCell', { column: c.name, table: spec.name }),
            row,
            c.name,
          ),
        );
      } else values[c.name] = c.kind === 'list' ? [] : null;
    }
    if (!ok) return undefined;
    const key = spec.key.length === 1 ? String(values[spec.key[0]]) : spec.key.map((k) => String(values[k])).join('|');
    if (!this.keys.add(key)) {
      this.errors.add(
        problem(
          'EVID021',
          this.label,
          msg('diag.evidence.read.duplicateKey', { columns: spec.key.join('+'), key, table: spec.name }),
          row,
          spec.key[0],
        ),
      );
      return undefined;
    }
    return { row, key, values };
  }
}

/** defaultChunkSize: rows per chunk handed to the policy (its input, and so its memory, is one chunk). */
export const defaultChunkSize = 4000;

/** readRows streams the rows of one file in chunks; problems go to `errors` and their rows are left out. */
export async function* readRows(
  file: string,
  label: string,
  spec: TableSpec,
  errors: Collector,
  chunkSize = defaultChunkSize,
): AsyncGenerator<Row[]> {
  const builder = new RowBuilder(spec, label, errors);
  const source: AsyncGenerator<RawRow[]> = /\.(ndjson|jsonl)$/i.test(file)
    ? ndjsonCells(file, label, spec, errors)
    : /\.xlsx$/i.test(file)
      ? xlsxCells(file, label, spec, errors)
      : csvCells(file, label, spec, errors);
  let chunk: Row[] = [];
  for await (const batch of source)
    for (const [row, cols, cells] of batch) {
      const r = builder.build(row, cols, cells);
      if (r) chunk.push(r);
      if (chunk.length >= chunkSize) {
        yield chunk;
        chunk = [];
      }
    }
  if (chunk.length) yield chunk;
}
