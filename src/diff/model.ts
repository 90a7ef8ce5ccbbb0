// Diff stage: the semantic diff of two rulesets as data, keyed by ids: what changed, where, from
// what to what, and the clause text on both sides. Every report format renders this one model.

/** ChangeKind: what sort of rule a change touches; reports group and label changes by it. */
export type ChangeKind =
  | 'metadata'
  | 'override'
  | 'total'
  | 'dimension'
  | 'indicator'
  | 'item'
  | 'max-points'
  | 'item-text'
  | 'finding'
  | 'rule'
  | 'deduction'
  | 'cap'
  | 'tier'
  | 'option'
  | 'threshold'
  | 'band'
  | 'circumstance'
  | 'trigger'
  | 'measure'
  | 'not-rated'
  | 'institution'
  | 'interpretation'
  | 'derivation';

/** Section: the part of a ruleset a change is in (its file, or `item` for one row of the table). */
export type Section = 'metadata' | 'table' | 'item' | 'grading' | 'institutions' | 'interpretations' | 'derivation';

/** Change: one difference between two rulesets. */
export interface Change {
  section: Section;
  kind: ChangeKind;
  action: 'added' | 'removed' | 'changed';
  /** The item a change of the table's rows belongs to, so reports go item by item. */
  item?: string;
  /** Where, by ids: `rules[5.2:user-not-registered].cap.points`, `bands[B].from`, `triggers[art15-5]…`. */
  path: string;
  from?: unknown;
  to?: unknown;
  /** The clause text this number or text sits beside, on each side (absent where that side has none). */
  clause: { from?: string; to?: string };
}

/** RulesetRef: one side of a diff. */
export interface RulesetRef {
  id: string;
  hash: string;
  /** What the caller named: an id, a folder, or `rev:path`. */
  source: string;
  title: string;
  effective: { fromYear: number; untilYear: number | null };
  region: string | null;
}

/** RulesetDiff: every change from one ruleset to another, in a stable order. */
export interface RulesetDiff {
  from: RulesetRef;
  to: RulesetRef;
  /** True when the two rulesets are the same rules (same model), whatever their bytes. */
  same: boolean;
  changes: Change[];
  /** The name of every item a change belongs to (the newer name where both sides have it). */
  itemNames: Record<string, string>;
  /** How many changes of each kind. */
  counts: Partial<Record<ChangeKind, number>>;
}
