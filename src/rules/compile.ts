// Rules stage: turns a RuleSet into the data document the Rego reads. Points become whole hundredths
// here, once, so the policy never does floating-point arithmetic (OPA issue #3298).
import type { Item, Rule, RuleSet } from './ruleset.js';

/** hundredths converts table points (0.2) to the policy's whole units (20). */
export function hundredths(points: number): number {
  return Math.round(points * 100);
}

const absentValue: Record<string, unknown> = { count: 0, flag: false, percent: null, number: null, choice: null };

/** compilePolicyData is what `setData` receives: `{ ruleset: … }` as data.ruleset. */
export function compilePolicyData(rs: RuleSet): { ruleset: Record<string, unknown> } {
  const items = [...rs.items.values()].map(({ item }) => compileItem(rs, item));
  const tierInterpretations: Record<string, string[]> = {};
  for (const { rule } of rs.rules.values())
    if (rule.kind === 'tiers')
      rule.tiers.forEach((t, i) => {
        if (t.interpretations?.length) tierInterpretations[`${rule.id}#${i}`] = t.interpretations;
      });
  const bands = [...rs.grading.bands.grades].sort((a, b) => b.from - a.from);
  const trigger = (t: RuleSet['grading']['downgrade']['triggers'][number]) => ({
    id: t.id,
    interpretations: t.interpretations ?? [],
    conditions: t.conditions.map((c) => {
      const type = rs.grading.circumstances[c.circumstance].type;
      const atLeast = c.atLeast === undefined ? 1 : c.atLeast;
      return { circumstance: c.circumstance, type, atLeast: typeof atLeast === 'number' ? { national: atLeast, local: atLeast } : atLeast };
    }),
  });
  const national: Record<string, boolean> = {};
  for (const n of rs.institutions.national) for (const name of [n.name, ...(n.aliases ?? [])]) national[name] = true;
  return {
    ruleset: omitUndefined({
      id: rs.id,
      items,
      tierInterpretations,
      dimensions: rs.table.dimensions.map((d) => ({ id: d.id, items: d.indicators.flatMap((i) => i.items.map((x) => x.id)) })),
      totalCap: hundredths(rs.table.total.cap.points),
      bands: bands.map((b) => ({ grade: b.grade, from: hundredths(b.from) })),
      gradeOrder: bands.map((b) => b.grade),
      bandsInterpretation: rs.grading.bands.interpretation,
      downgrade: omitUndefined({
        steps: rs.grading.downgrade.steps,
        triggers: rs.grading.downgrade.triggers.map(trigger),
        floorInterpretation: rs.grading.downgrade.floorInterpretation,
        onceInterpretation: rs.grading.downgrade.onceInterpretation,
      }),
      zeroScore: { triggers: rs.grading.zeroScore.triggers.map(trigger) },
      zeroScoreInterpretation: rs.grading.zeroScore.interpretation,
      notRatedInterpretation: rs.grading.notRated.interpretation,
      institutionInterpretation: rs.institutions.branchInterpretation,
      national,
    }),
  };
}

function compileItem(rs: RuleSet, item: Item): Record<string, unknown> {
  const max = hundredths(item.maxPoints);
  return {
    id: item.id,
    max,
    bonus: item.bonus === true,
    interpretations: item.interpretations ?? [],
    rules: item.rules.map((rule) => compileRule(rs, item, rule, max)),
  };
}

function compileRule(rs: RuleSet, item: Item, rule: Rule, max: number): Record<string, unknown> {
  const owner = rule.kind === 'zeroIf' && rule.ofItem ? rule.ofItem : item.id;
  const type = rs.items.get(owner)!.item.findings[rule.finding].type;
  const base = { id: rule.id, kind: rule.kind, item: owner, finding: rule.finding, absent: absentValue[type], interpretations: rule.interpretations ?? [] };
  switch (rule.kind) {
    case 'perOccurrence':
      return { ...base, points: hundredths(rule.points), cap: rule.cap ? hundredths(rule.cap.points) : null };
    case 'fixed':
    case 'bonus':
      return { ...base, points: hundredths(rule.points) };
    case 'zeroIf':
      return { ...base, atLeast: rule.atLeast ?? 1 };
    case 'tiers':
      return { ...base, tiers: rule.tiers.map((t) => ({ when: t.when, ...outcome(t, max) })) };
    case 'choice':
      return { ...base, options: Object.fromEntries(rule.options.map((o) => [o.value, outcome(o, max)])) };
  }
}

// A tier or option that names the item's score deducts the rest of the item's points; a score of
// 0 is 不得分, reported as such.
function outcome(t: { score?: number; deduct?: number; zero?: true }, max: number): { deduct: number; zero: boolean } {
  if (t.zero || t.score === 0) return { deduct: 0, zero: true };
  if (t.score !== undefined) return { deduct: Math.max(0, max - hundredths(t.score)), zero: false };
  return { deduct: hundredths(t.deduct ?? 0), zero: false };
}

function omitUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
