// Audit stage: what a decision log keeps of a result. The result repeats the input's institution and,
// for a rating made from evidence, names the evidence files and the rows behind each deduction (their
// keys), so a rule that masks or drops an input field masks its counterparts there too, as
// redact-evidence.ts does in the derived findings; DECISION_LOG_RESULT_MASK masks result fields by pointer.
import { masked, parsePointer } from './redact.js';

/** wildcard: a pointer segment that stands for every element of an array (or member of an object). */
export const wildcard = '*';

type Rules = { drop?: readonly string[]; mask?: readonly string[]; resultMask?: readonly string[] };
type Json = Record<string, unknown>;

// The identity of the institution in a result from evidence: its findings file, its files' names, and
// every row key (its own user, staff and query ids). Tables, row numbers and sha256 stay.
const identity = [
  '/evidence/findingsFile',
  '/evidence/tables/*/file',
  '/items/*/deductions/*/evidence/rows/*/key',
  '/items/*/deductions/*/evidence/rows/*/stretch/*/key',
];
// What a deduction's evidence says of a masked finding: its counts, and the keys of the rows behind it.
const findingParts = ['total', 'derivedValue', 'rows/*/key', 'rows/*/stretch/*/key'];

/**
 * redactResult returns a copy of the result with "[masked]" in place of:
 * - every field a `resultMask` pointer names (a `*` segment: every element there);
 * - the counterparts of the input pointers dropped or masked (a parent, `/institution`, `/findings` or
 *   `""`, reaches what its children do): `/institution/…` masks the same field of the result's
 *   institution; `/institution/name` also masks the evidence's findings file, the evidence files' names
 *   and every evidence row's key (stretch bounds included); `/findings/<item>/<finding>` masks that
 *   finding's value and total in the evidence summary, the derived value an override replaced, and in
 *   each deduction it is behind, the evidence's total, derived value and row keys; `/assessorOverrides/<n>`
 *   masks that override's value and reason where the result repeats them (its reason, free text, often
 *   names rows). A deduction's count, value and points are the rating itself and stay (a result mask
 *   reaches them).
 * `masked` lists what was masked, as result pointers (`*` where every element was); the result itself,
 * not a copy, when nothing was.
 */
export function redactResult(result: object, rules: Rules, input?: unknown): { value: object; masked: string[] } {
  const plan = planOf(rules);
  const fromEvidence = 'evidence' in result;
  const reachesEvidence = plan.identity || plan.findings.length > 0 || plan.overrides.length > 0;
  if (!rules.resultMask?.length && !plan.institution.length && !(fromEvidence && reachesEvidence))
    return { value: result, masked: [] };
  // Copied only along the paths masked: the rest stays the very objects (frozen parts of the ruleset
  // included, whose canonical text is kept), so the masked copy costs little more than the whole one.
  let value = result as Json;
  const out: string[] = [];
  const mask = (pointer: string) => {
    const r = maskedCopy(value, parsePointer(pointer));
    if (!r.changed) return;
    value = r.value as Json;
    if (!out.includes(pointer)) out.push(pointer);
  };
  for (const p of rules.resultMask ?? []) mask(p);
  for (const p of plan.institution) mask(p);
  if (fromEvidence && plan.identity) for (const p of identity) mask(p);
  if (fromEvidence && plan.findings.length) for (const p of findingPointers(value, plan.findings)) mask(p);
  if (fromEvidence && plan.overrides.length) for (const p of overridePointers(value, plan.overrides, input)) mask(p);
  return out.length ? { value, masked: out } : { value: result, masked: [] };
}

/**
 * maskedCopy returns the value with "[masked]" in place of every value the pointer's tokens name, the
 * objects and arrays on the way copied (the value itself is not changed), and how many it masked (only
 * those not masked already, by a rule before this one, are counted).
 */
export function maskedCopy(root: unknown, tokens: readonly string[], at = 0): { value: unknown; changed: number } {
  if (at >= tokens.length || root === null || typeof root !== 'object') return { value: root, changed: 0 };
  const t = tokens[at];
  const keys = t === wildcard ? Object.keys(root) : Object.hasOwn(root, t) ? [t] : [];
  const node = root as Json;
  let copy: Json | undefined;
  let changed = 0;
  const last = at === tokens.length - 1;
  for (const k of keys) {
    if (last && node[k] === masked) continue;
    const next = last ? { value: masked, changed: 1 } : maskedCopy(node[k], tokens, at + 1);
    if (!next.changed) continue;
    copy ??= (Array.isArray(node) ? [...node] : { ...node }) as Json;
    copy[k] = next.value;
    changed += next.changed;
  }
  return { value: copy ?? root, changed };
}

type Selector = { item?: string; finding?: string };
type OverrideSelector = { index?: string; field?: string };

// What the input rules reach in a result: fields of its institution, the institution's identity in
// the evidence, findings.
function planOf(rules: Rules): {
  institution: string[];
  identity: boolean;
  findings: Selector[];
  overrides: OverrideSelector[];
} {
  const plan = {
    institution: [] as string[],
    identity: false,
    findings: [] as Selector[],
    overrides: [] as OverrideSelector[],
  };
  for (const pointer of [...(rules.drop ?? []), ...(rules.mask ?? [])]) {
    const tokens = parsePointer(pointer);
    if (tokens.length === 0) {
      plan.institution.push('/institution');
      plan.identity = true;
      plan.findings.push({});
      plan.overrides.push({});
    } else if (tokens[0] === 'assessorOverrides' && tokens.length <= 3)
      plan.overrides.push({ index: tokens[1], field: tokens[2] });
    else if (tokens[0] === 'institution') {
      plan.institution.push(pointer);
      if (tokens.length === 1 || tokens[1] === 'name') plan.identity = true;
    } else if (tokens[0] === 'findings' && tokens.length <= 3)
      plan.findings.push({ item: tokens[1], finding: tokens[2] });
  }
  return plan;
}

// The result pointers of what the selected findings are repeated as. A deduction's evidence names its
// finding, not the item it was derived for (a rule may read another item's finding): it is matched by
// name, and only an item's own finding of that name that is not selected keeps it whole.
function findingPointers(result: Json, selectors: Selector[]): string[] {
  const ev = result.evidence as { derived?: Json[]; overridden?: Json[] };
  const pair = (item: unknown, finding: unknown) => `${item}\u0000${finding}`;
  const selects = (item: unknown, finding: unknown) =>
    selectors.some(
      (s) => (s.item === undefined || s.item === item) && (s.finding === undefined || s.finding === finding),
    );
  const out: string[] = [];
  const all = new Set<string>();
  const chosen = new Set<string>();
  const names = new Set<unknown>(selectors.map((s) => s.finding).filter((f) => f !== undefined));
  const visit = (list: Json[] | undefined, at: string, fields: string[]) =>
    (list ?? []).forEach((f, i) => {
      all.add(pair(f.item, f.finding));
      if (!selects(f.item, f.finding)) return;
      chosen.add(pair(f.item, f.finding));
      names.add(f.finding);
      for (const field of fields) out.push(`${at}/${i}/${field}`);
    });
  visit(ev.derived, '/evidence/derived', ['value', 'total']);
  visit(ev.overridden, '/evidence/overridden', ['derivedValue']);
  const items = (result.items ?? []) as { id?: string; deductions?: { evidence?: { finding?: string } }[] }[];
  for (const [i, item] of items.entries())
    for (const [j, d] of (item.deductions ?? []).entries()) {
      const f = d.evidence?.finding;
      if (f === undefined || !names.has(f)) continue;
      const own = pair(item.id, f);
      if (all.has(own) && !chosen.has(own)) continue;
      for (const part of findingParts) out.push(`/items/${i}/deductions/${j}/evidence/${part}`);
    }
  return out;
}

// The result pointers of what the selected overrides of the input are repeated as: the summary's value
// and reason, and the reason in the evidence of each deduction the overridden finding is behind.
function overridePointers(result: Json, selectors: OverrideSelector[], input: unknown): string[] {
  const given = (input as { assessorOverrides?: unknown } | undefined)?.assessorOverrides;
  if (!Array.isArray(given)) return [];
  const fields = new Map<string, Set<string>>();
  for (const s of selectors)
    given.forEach((o: { item?: unknown; finding?: unknown }, n) => {
      if (s.index !== undefined && s.index !== String(n)) return;
      const at = `${o?.item}\u0000${o?.finding}`;
      const set = fields.get(at) ?? new Set<string>();
      for (const f of s.field === undefined ? ['value', 'reason'] : [s.field]) set.add(f);
      fields.set(at, set);
    });
  const out: string[] = [];
  const ev = result.evidence as { overridden?: Json[] };
  const names = new Map<unknown, Set<string>>();
  for (const [i, o] of (ev.overridden ?? []).entries()) {
    const chosen = fields.get(`${o.item}\u0000${o.finding}`);
    if (!chosen) continue;
    for (const f of chosen) if (f === 'value' || f === 'reason') out.push(`/evidence/overridden/${i}/${f}`);
    if (chosen.has('reason')) names.set(o.finding, chosen);
  }
  const items = (result.items ?? []) as { deductions?: { evidence?: { finding?: string; source?: string } }[] }[];
  for (const [i, item] of items.entries())
    for (const [j, d] of (item.deductions ?? []).entries())
      if (d.evidence?.source === 'overridden' && names.has(d.evidence.finding))
        out.push(`/items/${i}/deductions/${j}/evidence/reason`);
  return out;
}
