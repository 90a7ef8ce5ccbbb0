// Toolchain: runs a query through OPA's own interpreter (`opa eval`) over the project's Rego, for the
// differential tests and the bench that hold the compiled WASM to it.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { regoDirs } from '../artifacts/artifacts.js';
import { ensureOpa } from './ensure-opa.js';

/** opaEval evaluates query with `data` and `input` beside every Rego folder and returns its value. */
export async function opaEval(query: string, data: unknown, input: unknown): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'credit-policy-opa-eval-'));
  try {
    await writeFile(join(dir, 'data.json'), JSON.stringify(data));
    await writeFile(join(dir, 'input.json'), JSON.stringify(input));
    const out = execFileSync(
      ensureOpa(),
      [
        'eval',
        '--format',
        'json',
        ...regoDirs.flatMap((d) => ['-d', d]),
        '-d',
        join(dir, 'data.json'),
        '-i',
        join(dir, 'input.json'),
        query,
      ],
      { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 },
    );
    return JSON.parse(out).result[0].expressions[0].value;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
