// Rule coverage: the 2018 ruleset's YAML rule tests reach every rule, tier, option, cap, zero rule,
// trigger, grade, measure result and the not-rated case; and on the tiny fixture each kind of
// element is counted as reached exactly when a result reaches it.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/check.js';
import { coverageOf, elementsOf, type TestedCase } from '../../src/check/coverage.js';
import { Rater } from '../../src/rating/rater.js';
import type { RuleSet } from '../../src/rules/ruleset.js';
import { mainRulesetDir, wasmPath } from '../helper.js';

const fixtures = join(import.meta.dirname, 'fixtures');

describe('coverage of yinfa-2018-102', () => {
  it('is 100%: every element is reached by a rule test', { timeout: 60_000 }, async () => {
    const report = await runCheck({ paths: [mainRulesetDir], coverage: true, regal: null });
    const [coverage] = report.coverage ?? [];
    expect(coverage.ruleset).toBe('yinfa-2018-102');
    expect(Object.fromEntries(coverage.categories.map((c) => [c.name, c.missing]))).toEqual({
      rules: [],
      tiers: [],
      choices: [],
      caps: [],
      zeroRules: [],
      downgradeTriggers: [],
      zeroScoreTriggers: [],
      grades: [],
      measures: [],
      notRated: [],
    });
    expect(coverage.covered).toBe(coverage.total);
    expect(report.diagnostics.filter((d) => d.code === 'COV001')).toEqual([]);
  });
});

describe('coverage on the tiny fixture', () => {
  let rater: Rater;
  let rs: RuleSet;
  beforeAll(async () => {
    rater = await Rater.load(fixtures, wasmPath);
    rs = rater.registry.get('tiny')!;
  });
  const base = { institution: { name: '某测试银行' }, year: 2023, findings: { b: { ratePercent: 95 } } };
  const tested = (input: Record<string, unknown>): TestedCase => {
    const full = { ...base, ...input, findings: { ...base.findings, ...((input.findings as object) ?? {}) } };
    const outcome = rater.evaluate(full);
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
    return { input: full, result: outcome.result };
  };

  it('names each element by category, with tiers as rule#n and options as rule=value', () => {
    expect(elementsOf(rs).map((e) => `${e.category}:${e.id}`)).toEqual([
      'rules:a:lapse',
      'caps:a:lapse',
      'rules:b:rate',
      'tiers:b:rate#0',
      'tiers:b:rate#1',
      'downgradeTriggers:down-1',
      'zeroScoreTriggers:zero-1',
      'grades:A',
      'grades:B',
      'measures:A',
      'measures:B',
      'measures:zero',
      'notRated:notRated',
    ]);
  });

  it('a clean case reaches the tier its value falls in, even when that tier deducts nothing', () => {
    const { coverage } = coverageOf(rs, [tested({})]);
    expect(coverage.categories.find((c) => c.name === 'tiers')?.missing).toEqual(['b:rate#1']);
    expect(coverage.categories.find((c) => c.name === 'rules')?.missing).toEqual(['a:lapse']);
  });

  it('each kind of element is reached by the result that reaches it, and then coverage is complete', () => {
    const cases = [
      tested({ findings: { a: { lapses: 3 } } }), // capped, B
      tested({ findings: { b: { ratePercent: 89.99 } } }), // tier 1 (lt 90): zero
      tested({ circumstances: { obstructed: true } }), // downgrade A → B
      tested({ circumstances: { crime: true } }), // zero score, measures of zero
      tested({ institution: { name: '某测试银行', newlyConnected: true } }), // not rated
    ];
    const { coverage, missed } = coverageOf(rs, cases);
    expect(missed.map((e) => `${e.category}:${e.id}`)).toEqual(['grades:A', 'measures:A']);
    const all = coverageOf(rs, [...cases, tested({})]);
    expect([all.coverage.covered, all.coverage.total, all.missed]).toEqual([13, 13, []]);
    expect(coverage.total).toBe(13);
  });
});
