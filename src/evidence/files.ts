// Evidence stage: finds each table's file in an evidence folder by the names headers.yaml gives it.
import { msg } from '../diagnostics/message.js';
import { readdir } from 'node:fs/promises';
import { join, parse } from 'node:path';
import { type Collector, problem } from './errors.js';
import { fold, type TableName, type TableSpec } from './tables.js';

const readable = /\.(csv|ndjson|jsonl|xlsx)$/i;

/** locateTables maps each table to its file in dir; a table with no file is not supplied. */
export async function locateTables(
  dir: string,
  specs: Map<TableName, TableSpec>,
  errors: Collector,
): Promise<Map<TableName, string>> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    errors.add(problem('EVID001', dir, msg('diag.evidence.folderUnreadable', { reason: (err as Error).message })));
    return new Map();
  }
  const found = new Map<TableName, string>();
  for (const name of names) {
    const { name: base, ext } = parse(name);
    const table = [...specs.values()].find((s) => s.files.some((f) => fold(f) === fold(base)));
    if (!table) continue;
    if (!readable.test(ext)) {
      errors.add(
        problem(
          'EVID004',
          join(dir, name),
          ext
            ? msg('diag.evidence.fileType', { ext, table: table.name })
            : msg('diag.evidence.noExtension', { table: table.name }),
        ),
      );
      continue;
    }
    const prior = found.get(table.name);
    if (prior) {
      errors.add(
        problem('EVID005', join(dir, name), msg('diag.evidence.secondFile', { table: table.name, first: prior })),
      );
      continue;
    }
    found.set(table.name, join(dir, name));
  }
  return found;
}
