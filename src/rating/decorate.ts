// Rating stage: turns the policy's compact result into the full result of the contract: names,
// clause text, points in the table's unit, the measures of 第十七条 and the interpretations relied on.
import type { RatingResult, Deduction, ItemResult, MeasureResult } from '../../generated/types/rating/result.js';
import type { EvaluationInput } from '../../generated/types/rating/evaluation-input.js';
import { overridesOf } from '../rules/overlay.js';
import type { RuleSet } from '../rules/ruleset.js';
import type { CompactDeduction, CompactResult } from './compact.js';

export type { RatingResult };

/** points converts the policy's hundredths back to the table's unit: 9940 → 99.4. */
export function points(hundredths: number): number {
  return hundredths / 100;
}

export function decorate(rs: RuleSet, input: EvaluationInput, compact: CompactResult): RatingResult {
  const institution: RatingResult['institution'] = { name: input.institution.name, type: compact.institutionType };
  if (input.institution.branchOf !== undefined) institution.branchOf = input.institution.branchOf;
  if (input.institution.region !== undefined) institution.region = input.institution.region;
  const common = {
    ruleset: { id: rs.id, hash: rs.hash },
    institution,
    year: input.year,
    interpretations: interpretationsUsed(rs, effectiveYearReading(rs, input.year, compact.interpretations)),
    ...(overridesOf(rs).length ? { overrides: overridesOf(rs) } : {}),
  };
  if (!compact.rated)
    return { ...common, rated: false, score: null, grade: null, zeroScore: null, downgrade: null, measures: null, items: [], dimensions: [], subtotal: null, notRated: { clause: rs.grading.notRated.clause } };

  const triggers = (ids: string[], list: RuleSet['grading']['downgrade']['triggers']) =>
    ids.map((id) => ({ id, clause: list.find((t) => t.id === id)!.clause }));
  const zeroScore = compact.zeroScore.length ? { clause: rs.grading.zeroScore.clause, triggers: triggers(compact.zeroScore, rs.grading.zeroScore.triggers) } : null;
  const downgrade =
    compact.downgrade.length && !zeroScore
      ? { clause: rs.grading.downgrade.clause, triggers: triggers(compact.downgrade, rs.grading.downgrade.triggers), baseGrade: compact.baseGrade, finalGrade: compact.grade }
      : null;
  const dimensionScores = new Map(compact.dimensions.map((d) => [d.id, d.score]));
  const touched = new Map(compact.items.map((ci) => [ci.id, ci]));
  return {
    ...common,
    rated: true,
    score: points(compact.score),
    grade: compact.grade,
    zeroScore,
    downgrade,
    measures: measuresFor(rs, compact.measures),
    items: untouchedItems(rs).map((untouched) => {
      const ci = touched.get(untouched.id);
      if (!ci) return untouched;
      const deductions = [...ci.deductions].sort((a, b) => a.order - b.order).map((d) => deduction(rs, d));
      return { ...untouched, score: points(ci.score), floored: ci.floored, deductions };
    }),
    dimensions: rs.table.dimensions.map((d) => ({ id: d.id, name: d.name, maxPoints: d.maxPoints, score: points(dimensionScores.get(d.id) ?? 0) })),
    subtotal: points(compact.subtotal),
    notRated: null,
  };
}

const untouchedCache = new WeakMap<RuleSet, ItemResult[]>();

/** untouchedItems: every item as it stands when no finding moves it, built once per ruleset. */
function untouchedItems(rs: RuleSet): ItemResult[] {
  let items = untouchedCache.get(rs);
  if (!items) {
    items = [...rs.items.values()].map(({ item, indicator, dimension }) =>
      Object.freeze({ id: item.id, name: item.name, dimension: dimension.id, indicator: indicator.id, maxPoints: item.maxPoints, score: item.bonus ? 0 : item.maxPoints, floored: false, deductions: Object.freeze([]) as unknown as Deduction[] }),
    );
    untouchedCache.set(rs, items);
  }
  return items;
}

function deduction(rs: RuleSet, d: CompactDeduction): Deduction {
  const { rule } = rs.rules.get(d.rule)!;
  let clause = rule.clause;
  if (rule.kind === 'tiers' && d.tier !== undefined) clause = rule.tiers[d.tier].clause;
  if (rule.kind === 'choice') clause = rule.options.find((o) => o.value === d.value)?.clause ?? clause;
  const out: Deduction = { rule: d.rule, kind: rule.kind, clause, count: d.count, points: points(d.points), capped: d.capped === true, zero: d.zero === true };
  if (d.bonus) out.bonus = true;
  if (d.value !== undefined) out.value = d.value;
  return out;
}

/** measuresFor resolves `includes` (D takes C's measures, a zero score D's) into one list. */
export function measuresFor(rs: RuleSet, result: string): RatingResult['measures'] {
  const sets = rs.grading.measures.results;
  const own = sets[result];
  const list: MeasureResult[] = [];
  const seen = new Set<string>();
  for (let key: string | undefined = result; key !== undefined && !seen.has(key); key = sets[key]?.includes) {
    seen.add(key);
    const set = sets[key];
    list.unshift(...set.measures.map((m) => ({ id: m.id, text: m.text, discretionary: m.discretionary === true, from: key! })));
  }
  return { result, clause: own.clause, list };
}

// The ruleset's first year in force rests on a reading of when it took effect; the host chose the
// ruleset, so the host says when that reading decided it.
function effectiveYearReading(rs: RuleSet, year: number, ids: string[]): string[] {
  const { fromYear, interpretation } = rs.meta.effective;
  return interpretation !== undefined && year === fromYear ? [...ids, interpretation] : ids;
}

function interpretationsUsed(rs: RuleSet, ids: string[]): RatingResult['interpretations'] {
  const wanted = new Set(ids);
  return rs.interpretations.filter((i) => wanted.has(i.id)).map((i) => ({ id: i.id, about: i.about, reading: i.reading }));
}
