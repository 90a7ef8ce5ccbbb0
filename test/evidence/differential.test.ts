// Differential test: the derivation policy compiled to WASM and run by OPA's interpreter (`opa eval`)
// mark the same rows and summarise the same totals, on generated evidence of every table.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { opaEval } from '../../src/toolchain/opa-eval.js';
import { PolicyModule } from '../../src/engine/engine.js';
import { DerivePolicy } from '../../src/evidence/policy.js';
import { compileDerivationData } from '../../src/rules/derivation.js';
import { loadRuleset } from '../../src/rules/load.js';
import { mainRulesetDir, wasmPath } from '../helper.js';
import { context, loadPoints, tableRows } from './arbitraries.js';

// A set of marks, in one order (the two engines may serialise a set in different orders).
const canonical = (marks: unknown[]) =>
  (marks as { i: number; item: string; finding: string; why: string }[])
    .map((m) => `${m.i}|${m.item}|${m.finding}|${m.why}`)
    .sort();

describe('derivation: WASM and opa eval', () => {
  it('agree on generated chunks of every table and on generated totals', async () => {
    const rs = await loadRuleset(mainRulesetDir);
    const derivation = rs.derivation!;
    const data = compileDerivationData(derivation);
    const policy = await DerivePolicy.load(await PolicyModule.fromFile(wasmPath), derivation);
    const p = await loadPoints();
    const ctx = context(p);
    const chunks = Object.entries(tableRows(p)).flatMap(([table, row]) =>
      fc
        .sample(fc.array(row, { minLength: 1, maxLength: 40 }), { numRuns: 12, seed: 102 })
        .map((rows) => ({ table, context: ctx, rows })),
    );
    const totalsFor = fc.record({
      hits: fc.integer({ min: 0, max: 50 }),
      counted: fc.integer({ min: 0, max: 60 }),
    });
    const summaries = fc.sample(
      fc.record({
        totals: fc.dictionary(
          fc.constantFrom(...derivation.items.map((i) => i.id)),
          fc.dictionary(fc.constantFrom(...derivation.items.flatMap((i) => Object.keys(i.derives))), totalsFor),
        ),
        usersNeeded: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
      }),
      { numRuns: 40, seed: 2018 },
    );

    const interpreted = (await opaEval(
      '{"marks": [m | some c in input.chunks; m := data.derive.marks with input as c], "summary": [s | some c in input.summaries; s := data.derive.summary with input as c]}',
      data,
      { chunks, summaries },
    )) as { marks: unknown[][]; summary: unknown[] };
    expect(interpreted.marks).toHaveLength(chunks.length);
    let marked = 0;
    chunks.forEach((c, i) => {
      const wasm = policy.marks(c.table, c.context, c.rows);
      marked += wasm.length;
      expect(canonical(wasm), `chunk ${i} (${c.table})`).toEqual(canonical(interpreted.marks[i]));
    });
    // The generated rows do set off the rules, so agreement is not agreement on nothing.
    expect(marked).toBeGreaterThan(200);
    summaries.forEach((s, i) => {
      const sorted = (x: unknown) => {
        const { findings, undetermined } = x as { findings: unknown; undetermined: unknown[] };
        return {
          findings,
          undetermined: undetermined.map((u) => JSON.stringify(u, Object.keys(u as object).sort())).sort(),
        };
      };
      expect(sorted(policy.summary(s.totals as never, s.usersNeeded)), `summary ${i}`).toEqual(
        sorted(interpreted.summary[i]),
      );
    });
  }, 120_000);
});
