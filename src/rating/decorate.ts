// Rating stage: turns the policy's compact result into the full result of the contract: names,
// clause text, points in the table's unit, the measures of 第十七条 and the interpretations relied on.
import type {
  Deduction,
  ItemResult,
  MeasureResult,
  MetTrigger,
  RatingResult,
} from '../../generated/types/rating/result.js';
import type { EvaluationInput } from '../../generated/types/rating/evaluation-input.js';
import { overridesOf, type AppliedOverride } from '../rules/overlay.js';
import type { RuleSet } from '../rules/ruleset.js';
import type { CompactDeduction, CompactItem, CompactRated, CompactResult } from './compact.js';

export type { RatingResult };

/** points converts the policy's hundredths back to the table's unit: 9940 → 99.4. */
export function points(hundredths: number): number {
  return hundredths / 100;
}

export function decorate(rs: RuleSet, input: EvaluationInput, compact: CompactResult): RatingResult {
  const view = viewOf(rs);
  const institution = institutionOf(input, compact);
  const interpretations = interpretationsUsed(view, effectiveYearReading(rs, input.year, compact.interpretations));
  // Built with every key written out, in one order, rather than spread: this runs once per evaluation.
  const result: RatingResult = compact.rated
    ? {
        ruleset: view.ruleset,
        institution,
        year: input.year,
        interpretations,
        ...(view.overrides.length ? { overrides: view.overrides } : {}),
        rated: true,
        score: points(compact.score),
        grade: compact.grade,
        zeroScore: null,
        downgrade: null,
        measures: view.measures(compact.measures),
        items: items(rs, view, compact.items),
        dimensions: dimensions(view, compact.dimensions),
        subtotal: points(compact.subtotal),
        notRated: null,
      }
    : {
        ruleset: view.ruleset,
        institution,
        year: input.year,
        interpretations,
        ...(view.overrides.length ? { overrides: view.overrides } : {}),
        rated: false,
        score: null,
        grade: null,
        zeroScore: null,
        downgrade: null,
        measures: null,
        items: [],
        dimensions: [],
        subtotal: null,
        notRated: view.notRated,
      };
  if (compact.rated) addTriggers(result, rs, compact);
  return result;
}

/** institutionOf is the institution as the result names it: as the input gave it, with its type. */
function institutionOf(input: EvaluationInput, compact: CompactResult): RatingResult['institution'] {
  const institution: RatingResult['institution'] = { name: input.institution.name, type: compact.institutionType };
  if (input.institution.branchOf !== undefined) institution.branchOf = input.institution.branchOf;
  if (input.institution.region !== undefined) institution.region = input.institution.region;
  return institution;
}

/** addTriggers adds to a rated result the triggers met, and the zero score or downgrade they set. */
function addTriggers(result: RatingResult, rs: RuleSet, compact: CompactRated): void {
  const triggers = (ids: string[], list: RuleSet['grading']['downgrade']['triggers']) =>
    ids.map((id) => ({ id, clause: list.find((t) => t.id === id)!.clause }));
  result.triggers = metTriggers(rs, compact.zeroScore, compact.downgrade);
  if (compact.zeroScore.length)
    result.zeroScore = {
      clause: rs.grading.zeroScore.clause,
      triggers: triggers(compact.zeroScore, rs.grading.zeroScore.triggers),
    };
  else if (compact.downgrade.length)
    result.downgrade = {
      clause: rs.grading.downgrade.clause,
      triggers: triggers(compact.downgrade, rs.grading.downgrade.triggers),
      baseGrade: compact.baseGrade,
      finalGrade: compact.grade,
    };
}

/**
 * metTriggers lists every 第十六条 and 第十五条 trigger met, in article order. A 第十五条 trigger met
 * alongside a zero score is still a fact: it is listed with applied false and the reading that sets it
 * aside (zero-score-is-d), so nothing the policy found is dropped; the score, grade and measures are
 * those of the triggers applied.
 */
function metTriggers(rs: RuleSet, zeroIds: string[], downgradeIds: string[]): MetTrigger[] {
  const { zeroScore, downgrade } = rs.grading;
  const out: MetTrigger[] = [];
  for (const t of zeroScore.triggers)
    if (zeroIds.includes(t.id)) out.push({ id: t.id, article: '第十六条', clause: t.clause, applied: true });
  for (const t of downgrade.triggers) {
    if (!downgradeIds.includes(t.id)) continue;
    if (!zeroIds.length) {
      out.push({ id: t.id, article: '第十五条', clause: t.clause, applied: true });
      continue;
    }
    out.push({
      id: t.id,
      article: '第十五条',
      clause: t.clause,
      applied: false,
      reason: `superseded by 第十六条 (${zeroIds.join(', ')}): the score is set to 0, and a 第十五条 downgrade does not apply on top of a zero score`,
      supersededBy: [...zeroIds],
      ...(zeroScore.interpretation ? { interpretation: zeroScore.interpretation } : {}),
    });
  }
  return out;
}

/** items: every item of the table in order, the untouched ones shared, the touched ones with their deductions. */
function items(rs: RuleSet, view: View, touchedItems: CompactItem[]): ItemResult[] {
  const out = view.untouched.slice();
  for (const ci of touchedItems) {
    const at = view.itemIndex.get(ci.id)!;
    const u = out[at];
    const deductions = [...ci.deductions].sort((a, b) => a.order - b.order);
    out[at] = {
      id: u.id,
      name: u.name,
      dimension: u.dimension,
      indicator: u.indicator,
      maxPoints: u.maxPoints,
      score: points(ci.score),
      floored: ci.floored,
      deductions: deductions.map((d) => deduction(rs, d)),
    };
  }
  return out;
}

function dimensions(view: View, scores: { id: string; score: number }[]): RatingResult['dimensions'] {
  const scoreOf = new Map(scores.map((d) => [d.id, d.score]));
  return view.dimensions.map((d) => ({
    id: d.id,
    name: d.name,
    maxPoints: d.maxPoints,
    score: points(scoreOf.get(d.id) ?? 0),
  }));
}

/** View: what decoration needs of a ruleset, built once per ruleset and shared by every result. */
interface View {
  ruleset: RatingResult['ruleset'];
  untouched: ItemResult[];
  itemIndex: Map<string, number>;
  dimensions: { id: string; name: string; maxPoints: number }[];
  /** Every reading of the ruleset, in its order. */
  interpretations: RatingResult['interpretations'];
  measures: (result: string) => RatingResult['measures'];
  notRated: { clause: string };
  overrides: AppliedOverride[];
}

const views = new WeakMap<RuleSet, View>();

function viewOf(rs: RuleSet): View {
  let view = views.get(rs);
  if (view) return view;
  const untouched = [...rs.items.values()].map(({ item, indicator, dimension }) =>
    Object.freeze({
      id: item.id,
      name: item.name,
      dimension: dimension.id,
      indicator: indicator.id,
      maxPoints: item.maxPoints,
      score: item.bonus ? 0 : item.maxPoints,
      floored: false,
      deductions: Object.freeze([]) as unknown as Deduction[],
    }),
  );
  const measures = new Map<string, RatingResult['measures']>();
  view = {
    ruleset: Object.freeze({ id: rs.id, hash: rs.hash }),
    untouched,
    itemIndex: new Map(untouched.map((u, i) => [u.id, i])),
    dimensions: rs.table.dimensions.map((d) => ({ id: d.id, name: d.name, maxPoints: d.maxPoints })),
    interpretations: rs.interpretations.map((i) =>
      Object.freeze({ id: i.id, about: i.about, reading: i.reading, readingZh: i.readingZh }),
    ),
    measures: (result) => {
      let m = measures.get(result);
      if (!m) {
        m = deepFreeze(measuresFor(rs, result));
        measures.set(result, m);
      }
      return m;
    },
    notRated: Object.freeze({ clause: rs.grading.notRated.clause }),
    overrides: overridesOf(rs),
  };
  views.set(rs, view);
  return view;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function deduction(rs: RuleSet, d: CompactDeduction): Deduction {
  const { rule } = rs.rules.get(d.rule)!;
  let clause = rule.clause;
  if (rule.kind === 'tiers' && d.tier !== undefined) clause = rule.tiers[d.tier].clause;
  if (rule.kind === 'choice') clause = rule.options.find((o) => o.value === d.value)?.clause ?? clause;
  const out: Deduction = {
    rule: d.rule,
    kind: rule.kind,
    clause,
    count: d.count,
    points: points(d.points),
    capped: d.capped === true,
    zero: d.zero === true,
  };
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
    list.unshift(
      ...set.measures.map((m) => ({ id: m.id, text: m.text, discretionary: m.discretionary === true, from: key! })),
    );
  }
  return { result, clause: own.clause, list };
}

// The ruleset's first year in force rests on a reading of when it took effect; the host chose the
// ruleset, so the host says when that reading decided it.
function effectiveYearReading(rs: RuleSet, year: number, ids: string[]): string[] {
  const { fromYear, interpretation } = rs.meta.effective;
  return interpretation !== undefined && year === fromYear ? [...ids, interpretation] : ids;
}

function interpretationsUsed(view: View, ids: string[]): RatingResult['interpretations'] {
  const wanted = new Set(ids);
  return view.interpretations.filter((i) => wanted.has(i.id));
}
