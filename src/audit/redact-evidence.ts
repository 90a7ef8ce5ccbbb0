// Audit stage: what a decision log keeps of a rating's evidence. The derived findings of a rating made
// from evidence repeat parts of its input (the institution's name, the findings' values) and add the rows
// behind them, so a rule that masks or drops an input field masks its counterparts there too.
import type { DecisionEntry } from '../../generated/types/audit/decision-log.js';
import { masked, parsePointer } from './redact.js';

type InputEvidence = NonNullable<DecisionEntry['inputEvidence']>;
type Derived = InputEvidence['derived'];

/**
 * The input pointers that reach into the evidence (a pointer that names a parent, such as `/institution`
 * or `/findings`, reaches what its children do):
 * - `/institution/name`: the findings' `institution`, the evidence files' names (`tables[].file`, which
 *   an operator often names after the institution), the CLI's `findingsFile`, and every row's `key` (the
 *   institution's own user, staff and query ids, which name it to whoever holds its files; an idle
 *   stretch's bounding query rows too). A row's table and number stay, and the files' sha256.
 * - `/findings/<item>/<finding>`: that finding's value in `findings` and in `derived` (with its counts),
 *   and the keys of the rows behind it.
 * Other pointers (`/year`, `/institution/region`, …) have no counterpart there.
 *
 * redactEvidence returns a copy of the evidence with the counterparts of the dropped and masked input
 * fields masked (a findings file keeps its shape, so a dropped field's counterpart is masked too), and
 * the rules that masked something; the evidence itself when no rule reaches into it.
 */
export function redactEvidence(
  evidence: InputEvidence,
  rules: { drop?: readonly string[]; mask?: readonly string[] },
): { value: InputEvidence; applied: string[] } {
  const pointers = [...(rules.drop ?? []), ...(rules.mask ?? [])];
  const reaching = pointers.filter((p) => p !== '' && reaches(parsePointer(p)));
  if (!reaching.length) return { value: evidence, applied: [] };
  const value = structuredClone(evidence);
  const applied = reaching.filter((p) => maskCounterparts(value, parsePointer(p)));
  return { value, applied };
}

function reaches(tokens: string[]): boolean {
  if (tokens[0] === 'institution') return tokens.length === 1 || tokens[1] === 'name';
  return tokens[0] === 'findings' && tokens.length <= 3;
}

// Masks what the pointer's field is repeated as; false when the evidence holds none of it.
function maskCounterparts(evidence: InputEvidence, tokens: string[]): boolean {
  const d: Derived = evidence.derived;
  if (tokens[0] === 'institution') {
    d.institution = masked;
    for (const t of d.tables) t.file = masked;
    if (evidence.findingsFile !== undefined) evidence.findingsFile = masked;
    for (const f of d.derived) maskKeys(f.rows);
    return true;
  }
  const [, item, finding] = tokens;
  let hit = false;
  const findings = d.findings as Record<string, Record<string, unknown>>;
  for (const [i, values] of Object.entries(findings)) {
    if (item !== undefined && i !== item) continue;
    for (const f of Object.keys(values))
      if (finding === undefined || f === finding) {
        values[f] = masked;
        hit = true;
      }
  }
  for (const f of d.derived) {
    if ((item !== undefined && f.item !== item) || (finding !== undefined && f.finding !== finding)) continue;
    hit = true;
    const counts = f as unknown as Record<string, unknown>;
    for (const field of ['value', 'counted', 'total']) if (field in counts) counts[field] = masked;
    maskKeys(f.rows);
  }
  return hit;
}

// A row's key, and the keys of the query rows that bound an idle stretch (5.4): ids of the institution.
function maskKeys(rows: Derived['derived'][number]['rows']): void {
  for (const r of rows ?? []) {
    r.key = masked;
    for (const end of [r.stretch?.after, r.stretch?.before]) if (typeof end === 'object') end.key = masked;
  }
}
