// Evidence stage: the raw rows of an NDJSON evidence file (one JSON object per line, keys as headers),
// handed on in batches.
import { msg } from '../diagnostics/message.js';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type Collector, problem } from './errors.js';
import { acceptedList, type RawRow } from './read-headers.js';
import { fold, type TableSpec } from './tables.js';

/** ndjsonCells yields each line's object as a row (its line number the row); problems go to `errors`. */
export async function* ndjsonCells(
  file: string,
  label: string,
  spec: TableSpec,
  errors: Collector,
): AsyncGenerator<RawRow[]> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  const index = new Map(spec.columns.map((c, i) => [c.name, i]));
  const reported = new Set<string>();
  let n = 0;
  let batch: RawRow[] = [];
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
    const cols: number[] = [];
    const cells: unknown[] = [];
    for (const [k, v] of Object.entries(obj)) {
      const c = index.get(spec.byHeader.get(fold(k)) ?? '');
      if (c !== undefined) {
        cols.push(c);
        cells.push(v);
      } else if (!reported.has(k)) {
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
    batch.push([n, cols, cells]);
    if (batch.length >= 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
