// Test helper for evidence: one Deriver over the repo's rules, and evidence folders written from
// rows (NDJSON with canonical column names, or CSV text as given).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rulesetsDir } from '../../src/artifacts/artifacts.js';
import { Deriver } from '../../src/evidence/service.js';
import { calendarsDir } from '../../src/obligations/service.js';
import { wasmPath } from '../helper.js';

export const exampleDir = 'examples/evidence/synthetic-bank';

let deriver: Promise<Deriver> | undefined;
export function loadDeriver(): Promise<Deriver> {
  deriver ??= Deriver.load({ rules: rulesetsDir, wasm: wasmPath, calendars: calendarsDir });
  return deriver;
}

/** evidenceDir writes files (name → text or rows) to a new temp folder. */
export async function evidenceDir(files: Record<string, string | Buffer | Record<string, unknown>[]>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'credit-policy-evidence-'));
  for (const [name, content] of Object.entries(files))
    await writeFile(
      join(dir, name),
      Array.isArray(content)
        ? content.map((r) => JSON.stringify(r)).join('\n') + (content.length ? '\n' : '')
        : content,
    );
  return dir;
}
