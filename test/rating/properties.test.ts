// Properties that hold for every input: scores stay in range, more violations never raise a score,
// and evaluation is a pure function of its input.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RatingResult } from '../../src/rating/decorate.js';
import type { Rater } from '../../src/rating/rater.js';
import type { RuleSet } from '../../src/rules/ruleset.js';
import { compileSchema } from '../../src/validation/ajv.js';
import { loadRater } from '../helper.js';
import { ratedInput } from './arbitraries.js';

let rater: Rater;
let rs: RuleSet;
beforeAll(async () => {
  rater = await loadRater();
  rs = rater.registry.rulesets[0];
});

function rate(input: unknown): RatingResult {
  const out = rater.evaluate(input);
  if (!out.ok) throw new Error(`refused: ${JSON.stringify(out.problems)}`);
  return out.result;
}

const hundredths = (n: number) => Math.abs(Math.round(n * 100) - n * 100) < 1e-9;

describe('for any findings', () => {
  // The service writes results with JSON.stringify, not through the schema serializer, so the
  // result's shape is held to its schema here.
  it('every result is a RatingResult as schemas/rating/result.schema.json defines it', () => {
    const valid = compileSchema('rating/result.schema.json');
    fc.assert(
      fc.property(ratedInput(rs), (input) => {
        const r = JSON.parse(JSON.stringify(rate(input)));
        expect(valid(r), JSON.stringify(valid.errors)).toBe(true);
      }),
      { numRuns: 200 },
    );
    const notRated = rater.evaluate({ institution: { name: '某银行', newlyConnected: true }, year: 2023 });
    expect(notRated.ok && valid(JSON.parse(JSON.stringify(notRated.result))), JSON.stringify(valid.errors)).toBe(true);
  });

  it('every item scores within [0, max], the total within [0, 100], all to the hundredth', () => {
    fc.assert(
      fc.property(ratedInput(rs), (input) => {
        const r = rate(input);
        for (const item of r.items) {
          expect(item.score).toBeGreaterThanOrEqual(0);
          expect(item.score).toBeLessThanOrEqual(item.maxPoints);
          expect(hundredths(item.score)).toBe(true);
        }
        expect(r.score!).toBeGreaterThanOrEqual(0);
        expect(r.score!).toBeLessThanOrEqual(100);
        expect(hundredths(r.score!)).toBe(true);
        const sum = r.items.reduce((s, i) => s + Math.round(i.score * 100), 0) / 100;
        expect(r.subtotal).toBe(sum);
        if (!r.zeroScore) expect(r.score).toBe(Math.min(sum, 100));
      }),
      { numRuns: 300 },
    );
  });

  it('one more counted violation never raises an item score or the total', () => {
    const counts = [...rs.items.values()].flatMap(({ item }) =>
      Object.entries(item.findings)
        .filter(([, f]) => f.type === 'count' && item.bonus !== true)
        .map(([name]) => [item.id, name] as const),
    );
    fc.assert(
      fc.property(ratedInput(rs), fc.constantFrom(...counts), (input, [item, name]) => {
        const before = rate(input);
        const findings = structuredClone(input.findings) as Record<string, Record<string, number>>;
        findings[item] = { ...(findings[item] ?? {}), [name]: (findings[item]?.[name] ?? 0) + 1 };
        const maximum = rs.items.get(item)!.item.findings[name].maximum;
        if (maximum != null && findings[item][name] > maximum) return;
        const after = rate({ ...input, findings });
        expect(after.items.find((i) => i.id === item)!.score).toBeLessThanOrEqual(
          before.items.find((i) => i.id === item)!.score,
        );
        expect(after.score!).toBeLessThanOrEqual(before.score!);
      }),
      { numRuns: 300 },
    );
  });

  it('a flag violation or a circumstance never raises the score or the grade', () => {
    const order = ['A', 'B', 'C', 'D'];
    const flags = [...rs.items.values()].flatMap(({ item }) =>
      Object.entries(item.findings)
        .filter(([, f]) => f.type === 'flag' && item.bonus !== true)
        .map(([name]) => [item.id, name] as const),
    );
    fc.assert(
      fc.property(
        ratedInput(rs),
        fc.constantFrom(...flags),
        fc.constantFrom(...Object.keys(rs.grading.circumstances)),
        (input, [item, name], circumstance) => {
          const before = rate(input);
          const findings = structuredClone(input.findings) as Record<string, Record<string, unknown>>;
          findings[item] = { ...(findings[item] ?? {}), [name]: true };
          const circumstances = {
            ...(input.circumstances as object),
            [circumstance]: rs.grading.circumstances[circumstance].type === 'flag' ? true : 9,
          };
          const after = rate({ ...input, findings, circumstances });
          expect(after.score!).toBeLessThanOrEqual(before.score!);
          expect(order.indexOf(after.grade!)).toBeGreaterThanOrEqual(order.indexOf(before.grade!));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the same input always gives the same result', () => {
    fc.assert(
      fc.property(ratedInput(rs), (input) => {
        expect(rate(structuredClone(input))).toEqual(rate(input));
      }),
      { numRuns: 100 },
    );
  });
});
