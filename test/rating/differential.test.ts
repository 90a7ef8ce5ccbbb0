// Differential test: the compiled WASM and OPA's own interpreter (`opa eval`) give the same compact
// result for the same Rego, data and generated inputs. Whole hundredths make this exact.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { opaEval } from '../../src/toolchain/opa-eval.js';
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

    const interpreted = (await opaEval('[r | some c in input.cases; r := data.rating.result with input as c]', data, {
      cases,
    })) as Record<string, unknown>[];
    expect(interpreted).toHaveLength(cases.length);
    cases.forEach((c, i) => {
      expect(comparableCompact(policy.evaluate(c, 'rating/result')), `case ${i}`).toEqual(
        comparableCompact(interpreted[i]),
      );
    });
  }, 120_000);
});
