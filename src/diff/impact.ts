// Diff stage: the impact of a rules change on cases: each case rated under both rulesets, what moved
// its score (the rules whose deductions differ, the triggers that fire on one side only, the bands),
// and the grade distribution before and after. Per-case outcomes are handed on as they are made and
// only counts are kept, so a run over tens of thousands of cases holds no results.
import type { Outcome } from '../rating/rater.js';
import type { Problem } from '../diagnostics/explain.js';
import type { Case } from './cases.js';
import type { RulesetRater } from '../rating/ruleset-rater.js';

/** SideOutcome: a case under one ruleset. */
export type SideOutcome =
  | { rated: true; score: number; grade: string; zeroScore: boolean; downgraded: boolean }
  | { rated: false; notRated: true }
  | { rated: false; refused: Problem[] };

/** RuleMove: a rule whose points differ for this case (absent on a side: null). */
export interface RuleMove {
  rule: string;
  item: string;
  from: number | null;
  to: number | null;
}

/** CaseImpact: one case under both rulesets and why its outcome moved. */
export interface CaseImpact {
  case: string;
  from: SideOutcome | { unreadable: string };
  to: SideOutcome | { unreadable: string };
  changed: boolean;
  moved: RuleMove[];
  /** Downgrade or zero-score triggers that fire on one side only. */
  triggers: { trigger: string; from: boolean; to: boolean }[];
  /** The score is the same but the grade before downgrades is not: a band moved. */
  bands: boolean;
}

/** ImpactSummary: counts over the whole run. */
export interface ImpactSummary {
  from: { id: string; hash: string };
  to: { id: string; hash: string };
  cases: number;
  changed: number;
  unchanged: number;
  unreadable: number;
  scoreUp: number;
  scoreDown: number;
  /** Outcomes by grade (A–D, plus "not rated" and "refused") under each ruleset. */
  grades: { from: Record<string, number>; to: Record<string, number> };
  /** How many cases went from one outcome to another, as "B → C". */
  transitions: Record<string, number>;
  /** The rules that moved the most cases, with how many each. */
  rules: Record<string, number>;
}

/** compareCase rates one case under both rulesets and says what moved. */
export function compareCase(name: string, a: Outcome, b: Outcome): CaseImpact {
  const from = side(a),
    to = side(b);
  const moved: RuleMove[] = [];
  const triggers: CaseImpact['triggers'] = [];
  let bands = false;
  if (a.ok && b.ok) {
    const pa = rulePoints(a),
      pb = rulePoints(b);
    for (const rule of new Set([...pa.keys(), ...pb.keys()])) {
      const x = pa.get(rule),
        y = pb.get(rule);
      if (x?.points !== y?.points)
        moved.push({ rule, item: (x ?? y)!.item, from: x?.points ?? null, to: y?.points ?? null });
    }
    const ta = firedTriggers(a),
      tb = firedTriggers(b);
    for (const t of new Set([...ta, ...tb]))
      if (ta.has(t) !== tb.has(t)) triggers.push({ trigger: t, from: ta.has(t), to: tb.has(t) });
    const ra = a.result,
      rb = b.result;
    const base = (r: typeof ra) => r.downgrade?.baseGrade ?? r.grade;
    bands = ra.rated && rb.rated && ra.subtotal === rb.subtotal && base(ra) !== base(rb);
  }
  const changed = key(from) !== key(to) || moved.length > 0 || triggers.length > 0;
  return { case: name, from, to, changed, moved, triggers, bands };
}

/** ImpactTally aggregates case impacts into counts. */
export class ImpactTally {
  private readonly s: ImpactSummary;

  constructor(from: RulesetRater, to: RulesetRater) {
    const ref = (p: RulesetRater) => ({ id: p.ruleset.id, hash: p.ruleset.hash });
    this.s = {
      from: ref(from),
      to: ref(to),
      cases: 0,
      changed: 0,
      unchanged: 0,
      unreadable: 0,
      scoreUp: 0,
      scoreDown: 0,
      grades: { from: {}, to: {} },
      transitions: {},
      rules: {},
    };
  }

  add(c: CaseImpact): void {
    const s = this.s;
    s.cases++;
    if ('unreadable' in c.from) {
      s.unreadable++;
      return;
    }
    if (c.changed) s.changed++;
    else s.unchanged++;
    const a = label(c.from),
      b = label(c.to as SideOutcome);
    s.grades.from[a] = (s.grades.from[a] ?? 0) + 1;
    s.grades.to[b] = (s.grades.to[b] ?? 0) + 1;
    if (a !== b) s.transitions[`${a} → ${b}`] = (s.transitions[`${a} → ${b}`] ?? 0) + 1;
    if (c.from.rated && (c.to as SideOutcome).rated) {
      const d = (c.to as { score: number }).score - c.from.score;
      if (d > 1e-9) s.scoreUp++;
      if (d < -1e-9) s.scoreDown++;
    }
    for (const m of c.moved) s.rules[m.rule] = (s.rules[m.rule] ?? 0) + 1;
  }

  summary(): ImpactSummary {
    return structuredClone(this.s);
  }
}

/** runImpact rates every case under both rulesets, hands each outcome to onCase, and returns the counts. */
export async function runImpact(
  from: RulesetRater,
  to: RulesetRater,
  cases: AsyncIterable<Case>,
  onCase: (c: CaseImpact) => void | Promise<void>,
): Promise<ImpactSummary> {
  const tally = new ImpactTally(from, to);
  for await (const c of cases) {
    const impact: CaseImpact =
      'error' in c
        ? {
            case: c.name,
            from: { unreadable: c.error },
            to: { unreadable: c.error },
            changed: false,
            moved: [],
            triggers: [],
            bands: false,
          }
        : compareCase(c.name, from.evaluate(c.input), to.evaluate(c.input));
    tally.add(impact);
    await onCase(impact);
  }
  return tally.summary();
}

/** outcomeLabel names an outcome in the distribution: its grade, "not rated" or "refused". */
export function label(o: SideOutcome): string {
  return o.rated ? o.grade : 'notRated' in o ? 'not rated' : 'refused';
}

function side(o: Outcome): SideOutcome {
  if (!o.ok) return { rated: false, refused: o.problems };
  const r = o.result;
  if (!r.rated) return { rated: false, notRated: true };
  return {
    rated: true,
    score: r.score!,
    grade: r.grade!,
    zeroScore: r.zeroScore !== null,
    downgraded: r.downgrade !== null,
  };
}

function key(o: SideOutcome): string {
  return o.rated ? `${o.score}/${o.grade}/${o.zeroScore}/${o.downgraded}` : 'notRated' in o ? 'not rated' : 'refused';
}

function rulePoints(o: Extract<Outcome, { ok: true }>): Map<string, { item: string; points: number }> {
  const out = new Map<string, { item: string; points: number }>();
  for (const item of o.result.items)
    for (const d of item.deductions) {
      const prev = out.get(d.rule);
      // A zero (不得分) costs what was left of the item; record it as the item's max for comparison.
      const points = d.zero ? item.maxPoints : d.points;
      out.set(d.rule, { item: item.id, points: round2((prev?.points ?? 0) + points) });
    }
  return out;
}

function firedTriggers(o: Extract<Outcome, { ok: true }>): Set<string> {
  const r = o.result;
  return new Set([...(r.zeroScore?.triggers ?? []), ...(r.downgrade?.triggers ?? [])].map((t) => t.id));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
