// Evidence stage: the header row of an evidence file resolved to the table's columns, with unknown,
// repeated and missing headers reported at row 1; and the raw row shape every reader yields.
import { type MessageParam, msg } from '../diagnostics/message.js';
import { type Collector, problem } from './errors.js';
import { type ColumnSpec, fold, type TableSpec } from './tables.js';

/**
 * RawRow: one row as read, before typing: its row number, the table column (an index into
 * spec.columns, -1 for none) of each cell, and the cells. Readers yield them in batches, so a
 * million-row file costs a promise per batch, not per row.
 */
export type RawRow = [row: number, cols: readonly number[], cells: readonly unknown[]];

export const acceptedList = (spec: TableSpec): string =>
  spec.columns.map((c) => `${c.name} (${c.headers.filter((h) => h !== c.name).join(', ')})`).join('; ');

/** columnIndexes turns mapped headers into indexes into spec.columns (-1 where a header maps to none). */
export const columnIndexes = (spec: TableSpec, mapped: (ColumnSpec | undefined)[]): number[] =>
  mapped.map((c) => (c ? spec.columns.indexOf(c) : -1));

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
