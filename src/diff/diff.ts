// Diff stage: the semantic diff of two rulesets, top to bottom. The parsed and validated models are
// compared by ids (items, rules, bands, triggers, measures, interpretations), never the YAML text, so
// reordering keys or reformatting a file is no change.
import type { RuleSet } from '../rules/ruleset.js';
import { Changes } from './compare.js';
import { diffDerivation } from './derivation.js';
import { diffInstitutions, diffInterpretations, diffMeta } from './documents.js';
import { diffGrading } from './grading.js';
import type { ChangeKind, RulesetDiff, RulesetRef } from './model.js';
import { diffTable } from './table.js';

export type { Change, ChangeKind, RulesetDiff, RulesetRef, Section } from './model.js';

/** diffRulesets lists every change from `a` to `b`; `sources` says how the caller named each side. */
export function diffRulesets(a: RuleSet, b: RuleSet, sources: { from?: string; to?: string } = {}): RulesetDiff {
  const out = new Changes();
  diffMeta(a, b, out);
  diffTable(a, b, out);
  diffGrading(a, b, out);
  diffInstitutions(a, b, out);
  diffInterpretations(a, b, out);
  diffDerivation(a, b, out);
  const counts: Partial<Record<ChangeKind, number>> = {};
  for (const c of out.list) counts[c.kind] = (counts[c.kind] ?? 0) + 1;
  const itemNames: Record<string, string> = {};
  for (const c of out.list)
    if (c.item !== undefined) itemNames[c.item] = (b.items.get(c.item) ?? a.items.get(c.item))!.item.name;
  return {
    from: ref(a, sources.from),
    to: ref(b, sources.to),
    same: out.list.length === 0,
    changes: out.list,
    itemNames,
    counts,
  };
}

function ref(rs: RuleSet, source: string | undefined): RulesetRef {
  const { fromYear, untilYear } = rs.meta.effective;
  return {
    id: rs.id,
    hash: rs.hash,
    source: source ?? rs.id,
    title: rs.meta.title,
    effective: { fromYear, untilYear },
    region: rs.meta.region,
  };
}
