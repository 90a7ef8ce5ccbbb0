// Runs every YAML rule test of every ruleset, one vitest case each, so a failure names the test.
import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { rulesetsDir } from '../../src/artifacts/artifacts.js';
import { loadRuleTests, runRuleTest, type RuleTestCase } from '../../src/check/rule-tests.js';
import type { Rater } from '../../src/rating/rater.js';
import { loadRater } from '../helper.js';

const rulesets = readdirSync(rulesetsDir);
const loaded = await Promise.all(rulesets.map(async (id) => ({ id, ...(await loadRuleTests(`${rulesetsDir}${id}`)) })));

let rater: Rater;
beforeAll(async () => {
  rater = await loadRater();
});

describe.each(loaded)('rule tests of $id', ({ cases, diagnostics }) => {
  it('has well-formed test files', () => {
    expect(diagnostics).toEqual([]);
    expect(cases.length).toBeGreaterThan(0);
  });
  it.each(cases.map((c: RuleTestCase) => [`${c.file}:${c.line} ${c.name}`, c] as const))('%s', (_label, c) => {
    expect(runRuleTest(rater, c).failures).toEqual([]);
  });
});
