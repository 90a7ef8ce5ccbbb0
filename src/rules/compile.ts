// Rules stage: turns a RuleSet into the data document the Rego reads. Points become whole hundredths
// here, once, so the policy never does floating-point arithmetic (OPA issue #3298). Indexes are
// built here too (which items read which item's findings, which triggers read which circumstance),
// so each evaluation only looks at what its input gives.
import type { CompiledRule, CompiledRuleset, CompiledTrigger, PolicyData } from '../../generated/types/policy/data.js';
import type { Grading, Item, Rule, RuleSet } from './ruleset.js';

/** hundredths converts table points (0.2) to the policy's whole units (20). */
export function hundredths(points: number): number {
  return Math.round(points * 100);
}

type Trigger = Grading['downgrade']['triggers'][number];

/** entry returns rec[key], made with make() the first time it is asked for. */
function entry<T>(rec: Record<string, T>, key: string, make: () => T): T {
  const found: T | undefined = rec[key];
  if (found !== undefined) return found;
  const made = make();
  rec[key] = made;
  return made;
}

/** compilePolicyData is what `setData` receives (schemas/policy/data.schema.json): the Rego reads data.ruleset. */
export function compilePolicyData(rs: RuleSet): PolicyData {
  const { rulesOf, ownersReading, itemInfo, itemInterpretations } = compileItems(rs);
  const bands = [...rs.grading.bands.grades].sort((a, b) => b.from - a.from);
  const triggersByCircumstance: Record<string, CompiledTrigger[]> = {};
  const trigger = (t: Trigger) => compileTrigger(rs, t, triggersByCircumstance);
  const national: Record<string, true> = {};
  for (const n of rs.institutions.national) for (const name of [n.name, ...(n.aliases ?? [])]) national[name] = true;
  const base = (ids: string[]) => ids.reduce((s, id) => s + itemInfo[id].base, 0);
  return {
    ruleset: omitUndefined({
      id: rs.id,
      rulesOf,
      ownersReading: Object.fromEntries(Object.entries(ownersReading).map(([k, v]) => [k, [...v]])),
      itemInfo,
      itemInterpretations: [...itemInterpretations],
      dimensions: rs.table.dimensions.map((d) => ({
        id: d.id,
        base: base(d.indicators.flatMap((i) => i.items.map((x) => x.id))),
      })),
      baseTotal: base(Object.keys(itemInfo)),
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
      triggersByCircumstance,
      zeroScoreInterpretation: rs.grading.zeroScore.interpretation,
      notRatedInterpretation: rs.grading.notRated.interpretation,
      institutionInterpretation: rs.institutions.branchInterpretation,
      national,
    }),
  };
}

/** compileItems: every item's rules, who reads each finding, each item's points, and the readings items rely on. */
function compileItems(rs: RuleSet) {
  const rulesOf: Record<string, CompiledRule[]> = {};
  const ownersReading: Record<string, Set<string>> = {};
  const itemInfo: CompiledRuleset['itemInfo'] = {};
  const itemInterpretations = new Set<string>();
  let order = 0;
  for (const { item, dimension } of rs.items.values()) {
    const max = hundredths(item.maxPoints);
    const bonus = item.bonus === true;
    itemInfo[item.id] = { max, bonus, base: bonus ? 0 : max, dimension: dimension.id };
    for (const id of item.interpretations ?? []) itemInterpretations.add(id);
    for (const rule of item.rules) {
      const { reads, compiled } = compileRule(item, rule, max, order++);
      entry(rulesOf, item.id, () => []).push(compiled);
      entry(ownersReading, reads, () => new Set()).add(item.id);
    }
  }
  return { rulesOf, ownersReading, itemInfo, itemInterpretations };
}

/** compileTrigger compiles a grading trigger, and files it under every circumstance it reads. */
function compileTrigger(
  rs: RuleSet,
  t: Trigger,
  triggersByCircumstance: Record<string, CompiledTrigger[]>,
): CompiledTrigger {
  const compiled: CompiledTrigger = {
    id: t.id,
    interpretations: t.interpretations ?? [],
    conditions: t.conditions.map((c) => {
      const type = rs.grading.circumstances[c.circumstance].type;
      const atLeast = c.atLeast === undefined ? 1 : c.atLeast;
      return {
        circumstance: c.circumstance,
        type,
        atLeast: typeof atLeast === 'number' ? { national: atLeast, local: atLeast } : atLeast,
      };
    }),
  };
  for (const c of new Set(t.conditions.map((x) => x.circumstance)))
    entry(triggersByCircumstance, c, () => []).push(compiled);
  return compiled;
}

function compileRule(item: Item, rule: Rule, max: number, order: number): { reads: string; compiled: CompiledRule } {
  // The item whose finding the rule reads: its own, or another's (3.2 reads 3.1's no-audit finding).
  const reads = rule.kind === 'zeroIf' && rule.ofItem ? rule.ofItem : item.id;
  const base = { id: rule.id, reads, finding: rule.finding, order, interpretations: rule.interpretations ?? [] };
  return { reads, compiled: withKind(base, rule, max) };
}

function withKind(base: Omit<CompiledRule, 'kind'>, rule: Rule, max: number): CompiledRule {
  switch (rule.kind) {
    case 'perOccurrence':
      return {
        ...base,
        kind: rule.kind,
        points: hundredths(rule.points),
        cap: rule.cap ? hundredths(rule.cap.points) : null,
      };
    case 'fixed':
    case 'bonus':
      return { ...base, kind: rule.kind, points: hundredths(rule.points) };
    case 'zeroIf':
      return { ...base, kind: rule.kind, atLeast: rule.atLeast ?? 1 };
    case 'tiers':
      return {
        ...base,
        kind: rule.kind,
        tiers: rule.tiers.map((t) => ({ when: t.when, ...outcome(t, max), interpretations: t.interpretations ?? [] })),
      };
    case 'choice':
      return {
        ...base,
        kind: rule.kind,
        options: Object.fromEntries(rule.options.map((o) => [o.value, { ...outcome(o, max), interpretations: [] }])),
      };
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
