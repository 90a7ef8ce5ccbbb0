// Evidence stage: joins derived findings with a case's typed-in ones before rating, and the
// evidence trail into the rating result after it. A typed value for a derived finding must equal
// it unless an assessor override with a stated reason replaces it; the result shows which is which.
import type { RatingResult } from '../rating/decorate.js';
import type { RuleSet } from '../rules/ruleset.js';
import type { Problem } from '../diagnostics/explain.js';
import type { DerivedFindings } from './derive.js';

/** AssessorOverride: a derived value replaced by the assessor, with the reason the result shows. */
export interface AssessorOverride {
  item: string;
  finding: string;
  value: number | boolean;
  reason: string;
}

type Findings = Record<string, Record<string, unknown>>;
type Evidence = NonNullable<RatingResult['evidence']>;

/** The rows behind a deduction that a rating result carries (the API, the decision log, --format json). */
export const firstRows = 5;
/**
 * The rows a readable report (text, HTML, PDF) lists under a deduction: every row of an ordinary finding;
 * past this it says how many more there are and where they all are (the findings file).
 */
export const reportRows = 50;

/** mergeFindings gives the rating input (overrides removed) and the evidence summary, or problems. */
export function mergeFindings(
  caseInput: unknown,
  derived: DerivedFindings,
): { ok: true; input: Record<string, unknown>; evidence: Evidence } | { ok: false; problems: Problem[] } {
  if (caseInput === null || typeof caseInput !== 'object' || Array.isArray(caseInput))
    return {
      ok: false,
      problems: [{ path: '', message: 'must be a JSON object with institution, year and findings' }],
    };
  const { assessorOverrides, ...rest } = caseInput as Record<string, unknown> & { assessorOverrides?: unknown };
  const problems: Problem[] = [];
  const overrides = readOverrides(assessorOverrides, problems);
  const typed = (rest.findings ?? {}) as Findings;
  const findings: Findings = structuredClone(typed);
  const evidence: Evidence = {
    asOf: derived.asOf,
    tables: derived.tables,
    derived: [],
    asserted: [],
    overridden: [],
    notDerived: derived.notDerived,
  };
  const isDerived = new Set<string>();
  for (const d of derived.derived) {
    const at = `${d.item}\u0000${d.finding}`;
    isDerived.add(at);
    const o = overrides.get(at);
    const given = typed[d.item]?.[d.finding];
    if (o) {
      findings[d.item] = { ...findings[d.item], [d.finding]: o.value };
      evidence.overridden.push({
        item: d.item,
        finding: d.finding,
        derivedValue: d.value,
        value: o.value,
        reason: o.reason,
      });
      continue;
    }
    if (given !== undefined && given !== d.value) {
      const rows = d.rows
        .slice(0, firstRows)
        .map((r) => `${r.table} row ${r.row} (${r.key})`)
        .join(', ');
      problems.push({
        path: `/findings/${d.item}/${d.finding}`,
        message: `is typed as ${JSON.stringify(given)}, but the evidence gives ${JSON.stringify(d.value)}${rows ? ` from ${rows}${d.total > firstRows ? ` and ${d.total - firstRows} more` : ''}` : ''}; remove the typed value, or override it in assessorOverrides with a reason`,
      });
      continue;
    }
    findings[d.item] = { ...findings[d.item], [d.finding]: d.value };
    evidence.derived.push({ item: d.item, finding: d.finding, value: d.value, total: d.total });
  }
  for (const [at, o] of overrides)
    if (!isDerived.has(at))
      problems.push({
        path: `/assessorOverrides`,
        message: `overrides ${o.item}.${o.finding}, which was not derived from the evidence; type it in findings instead`,
      });
  for (const [item, fs] of Object.entries(typed))
    for (const finding of Object.keys(fs ?? {}))
      if (!isDerived.has(`${item}\u0000${finding}`)) evidence.asserted.push({ item, finding });
  if (problems.length) return { ok: false, problems };
  return { ok: true, input: { ...rest, findings }, evidence };
}

function readOverrides(raw: unknown, problems: Problem[]): Map<string, AssessorOverride> {
  const out = new Map<string, AssessorOverride>();
  if (raw === undefined) return out;
  if (!Array.isArray(raw)) {
    problems.push({ path: '/assessorOverrides', message: 'must be a list of {item, finding, value, reason}' });
    return out;
  }
  raw.forEach((o, n) => {
    const x = o as Partial<AssessorOverride>;
    if (typeof x?.item !== 'string' || typeof x.finding !== 'string' || !['number', 'boolean'].includes(typeof x.value))
      problems.push({
        path: `/assessorOverrides/${n}`,
        message: 'must give item, finding and value (a number or true/false)',
      });
    else if (typeof x.reason !== 'string' || x.reason.trim().length < 10)
      problems.push({
        path: `/assessorOverrides/${n}/reason`,
        message: `overrides the derived ${x.item}.${x.finding} without a stated reason; an override needs one (at least 10 characters) that the result will show`,
      });
    else out.set(`${x.item}\u0000${x.finding}`, x as AssessorOverride);
  });
  return out;
}

/** attachEvidence adds the evidence summary and, per deduction, the first `rows` rows behind it. */
export function attachEvidence(
  result: RatingResult,
  rs: RuleSet,
  derived: DerivedFindings,
  evidence: Evidence,
  findingsFile?: string,
  rows = firstRows,
): RatingResult {
  const byFinding = new Map(derived.derived.map((d) => [`${d.item}\u0000${d.finding}`, d]));
  const overridden = new Map(evidence.overridden.map((o) => [`${o.item}\u0000${o.finding}`, o]));
  const items = result.items.map((item) => {
    if (!item.deductions.length) return item;
    return {
      ...item,
      deductions: item.deductions.map((ded) => {
        const rule = rs.rules.get(ded.rule)?.rule as { finding?: string; ofItem?: string } | undefined;
        if (!rule?.finding) return ded;
        const at = `${rule.ofItem ?? item.id}\u0000${rule.finding}`;
        const d = byFinding.get(at);
        if (!d) return ded;
        const o = overridden.get(at);
        return {
          ...ded,
          evidence: {
            finding: rule.finding,
            source: o ? ('overridden' as const) : ('derived' as const),
            total: d.total,
            rows: d.rows.slice(0, rows),
            ...(o ? { derivedValue: o.derivedValue, reason: o.reason } : {}),
          },
        };
      }),
    };
  });
  return {
    ...result,
    items,
    interpretations: [...result.interpretations, ...derivationReadings(rs, evidence)],
    evidence: { ...(findingsFile ? { findingsFile } : {}), ...evidence },
  };
}

/**
 * derivationReadings: the readings of derivation.yaml that the rating relied on: the period's, and each
 * item's whose derived value was rated (an overridden value rests on the assessor, not on the reading).
 */
export function derivationReadings(rs: RuleSet, evidence: Evidence): RatingResult['interpretations'] {
  const d = rs.derivation;
  const used = new Set(evidence.derived.map((f) => f.item));
  if (!d || !used.size) return [];
  const out: RatingResult['interpretations'] = [];
  if (d.period.interpretation)
    out.push({ id: 'derivation-period', about: '第九条', reading: d.period.interpretation.reading });
  for (const item of d.items)
    if (item.interpretation && used.has(item.id))
      out.push({ id: `derivation-${item.id}`, about: item.id, reading: item.interpretation.reading });
  return out;
}
