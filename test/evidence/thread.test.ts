// The policy thread: chunks marked on a worker thread (the path large evidence takes) give the same
// findings file as chunks marked inline, on the synthetic example and on generated evidence. The
// thread runs the built script, so this loads the pipeline from dist/ (built before the tests).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, rulesetsDir } from '../../src/artifacts/artifacts.js';
import type { Deriver as DeriverType } from '../../src/evidence/service.js';
import { calendarsDir } from '../../src/obligations/service.js';
import { wasmPath } from '../helper.js';
import { exampleDir } from './helper.js';

const built = async () => {
  const { Deriver } = (await import(join(repoRoot, 'dist/evidence/service.js'))) as {
    Deriver: typeof DeriverType;
  };
  return Deriver.load({ rules: rulesetsDir, wasm: wasmPath, calendars: calendarsDir });
};

describe('marking on the policy thread', () => {
  it('gives the example its findings and rows, in chunks of two rows', async () => {
    const d = await built();
    const request = { dir: exampleDir, institution: '示例', year: 2024, usersNeeded: 4, chunkSize: 2 };
    const inline = await d.derive({ ...request, offloadFrom: Number.POSITIVE_INFINITY });
    const threaded = await d.derive({ ...request, offloadFrom: 0 });
    expect(threaded).toEqual(inline);
    expect(threaded.findings['8.1']).toEqual({ queriesWithoutAuthorization: 6 });
  });

  it('lists a row marked for two reasons the same way whatever the chunks', async () => {
    const d = await built();
    const request = { dir: exampleDir, institution: '示例', year: 2024, usersNeeded: 4 };
    expect(await d.derive({ ...request, chunkSize: 1 })).toEqual(await d.derive({ ...request, chunkSize: 3 }));
  });

  it('gives generated evidence the same findings file', async () => {
    const { generateEvidence } = (await import(join(repoRoot, 'dist/bench/evidence.js'))) as {
      generateEvidence: (dir: string, n: Record<string, number>, seed?: number) => Promise<void>;
    };
    const dir = await mkdtemp(join(tmpdir(), 'credit-policy-thread-'));
    await generateEvidence(dir, { queries: 20_000, authorizations: 4_000, users: 200, staff: 800 }, 11);
    const d = await built();
    const request = { dir, institution: 'thread', year: 2024, usersNeeded: 200, chunkSize: 500 };
    const inline = await d.derive({ ...request, offloadFrom: Number.POSITIVE_INFINITY });
    const threaded = await d.derive({ ...request, offloadFrom: 0 });
    expect(threaded).toEqual(inline);
    expect(inline.derived.find((f) => f.item === '8.1')?.total).toBeGreaterThan(0);
  });
});
