// The boundary with the Rego holds to its schemas: the data the host compiles for every ruleset (the
// repo's and the fixtures', overlays included) and the compact results the policy answers with.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rulesetsDir } from '../../src/artifacts/artifacts.js';
import { PolicyModule } from '../../src/engine/engine.js';
import { Registry } from '../../src/rules/registry.js';
import { compilePolicyData } from '../../src/rules/compile.js';
import { compileSchema } from '../../src/validation/ajv.js';
import { caseWith, mainRulesetDir, wasmPath } from '../helper.js';
import { loadRuleset } from '../../src/rules/load.js';
import { ratedInput } from './arbitraries.js';
import { fixtureRulesets as fixtures } from '../fixtures/helpers.js';

const validData = compileSchema('policy/data.schema.json');
const validCompact = compileSchema('policy/compact-result.schema.json');

describe('compiled policy data', () => {
  it.each([rulesetsDir, fixtures])('validates against policy/data.schema.json for every ruleset in %s', async (dir) => {
    const { rulesets } = await Registry.load(dir);
    expect(rulesets.length).toBeGreaterThan(0);
    for (const rs of rulesets) {
      const data = compilePolicyData(rs);
      expect(validData(data) ? [] : validData.errors, rs.id).toEqual([]);
    }
  });

  it('refuses data the policy could not read', () => {
    expect(validData({ ruleset: { id: 'x' } })).toBe(false);
  });
});

describe('compact results', () => {
  it('validate against policy/compact-result.schema.json, rated or not', async () => {
    const rs = await loadRuleset(mainRulesetDir);
    const policy = await (await PolicyModule.fromFile(wasmPath)).instantiate(compilePolicyData(rs));
    const inputs = [
      ...fc.sample(ratedInput(rs), { numRuns: 100, seed: 20181020 }),
      caseWith({ '3.1': { noAudit: true } }),
      { institution: { name: '某公司', newlyConnected: true }, year: 2023 },
    ];
    const rated = new Set<boolean>();
    for (const input of inputs) {
      const compact = policy.evaluate(input, 'rating/result') as { rated: boolean };
      rated.add(compact.rated);
      expect(validCompact(compact) ? [] : validCompact.errors, JSON.stringify(input)).toEqual([]);
    }
    expect([...rated].sort()).toEqual([false, true]);
  });
});
