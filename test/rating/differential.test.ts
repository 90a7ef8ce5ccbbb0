// Differential test: the compiled WASM and OPA's own interpreter (`opa eval`) give the same compact
// result for the same Rego, data and generated inputs. Whole hundredths make this exact.
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ensureOpa } from '../../src/toolchain/ensure-opa.js';
import { regoDirs } from '../../src/artifacts/artifacts.js';
import { PolicyModule } from '../../src/engine/engine.js';
import { comparableCompact } from '../../src/rating/compact.js';
import { compilePolicyData } from '../../src/rules/compile.js';
import { loadRuleset } from '../../src/rules/load.js';
import { mainRulesetDir, wasmPath } from '../helper.js';
import { ratedInput } from './arbitraries.js';

describe('WASM and opa eval', () => {
  it('agree on 150 generated inputs', async () => {
    const rs = await loadRuleset(mainRulesetDir);
    const data = compilePolicyData(rs);
    const policy = await (await PolicyModule.fromFile(wasmPath)).instantiate(data);
    const cases = fc.sample(ratedInput(rs), { numRuns: 150, seed: 20181020 });
    cases.push({ institution: { name: '某公司', newlyConnected: true }, year: 2023 } as never);

    const dir = await mkdtemp(join(tmpdir(), 'credit-policy-diff-'));
    await writeFile(join(dir, 'data.json'), JSON.stringify(data));
    await writeFile(join(dir, 'input.json'), JSON.stringify({ cases }));
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
        '[r | some c in input.cases; r := data.rating.result with input as c]',
      ],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    const interpreted = JSON.parse(out).result[0].expressions[0].value as Record<string, unknown>[];
    expect(interpreted).toHaveLength(cases.length);
    cases.forEach((c, i) => {
      expect(comparableCompact(policy.evaluate(c, 'rating/result')), `case ${i}`).toEqual(
        comparableCompact(interpreted[i]),
      );
    });
  }, 120_000);
});
