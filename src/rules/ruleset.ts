// Rules stage: the loaded, validated form of one ruleset folder, with the indexes later stages need.
import type { RulesetMeta } from '../../generated/types/rules/ruleset.js';
import type { ScoringTable, Dimension, Indicator, Item, Rule } from '../../generated/types/rules/scoring-table.js';
import type { Grading } from '../../generated/types/rules/grading.js';
import type { Institutions } from '../../generated/types/rules/institutions.js';
import type { Interpretation } from '../../generated/types/rules/interpretations.js';
import type { Derivation } from '../../generated/types/rules/derivation.js';

export type { RulesetMeta, ScoringTable, Dimension, Indicator, Item, Rule, Grading, Institutions, Interpretation };

/** The rule files of one ruleset folder, by the key each is known under. */
export const ruleFiles = {
  meta: 'ruleset.yaml',
  table: 'scoring-table.yaml',
  grading: 'grading.yaml',
  institutions: 'institutions.yaml',
  interpretations: 'interpretations.yaml',
} as const;

export type RuleFileKey = keyof typeof ruleFiles;

/** PlacedItem: an item with the indicator and dimension it belongs to. */
export interface PlacedItem {
  item: Item;
  indicator: Indicator;
  dimension: Dimension;
}

/** RuleSet: everything one folder under policies/rulesets/ says, validated and indexed. */
export interface RuleSet {
  id: string;
  dir: string;
  /** sha256 over the exact bytes of the rule files, so a decision names the rules that made it. */
  hash: string;
  files: { name: string; sha256: string }[];
  meta: RulesetMeta;
  table: ScoringTable;
  grading: Grading;
  institutions: Institutions;
  interpretations: Interpretation[];
  /** derivation.yaml: how findings are derived from evidence tables (absent: none are). */
  derivation?: Derivation;
  items: Map<string, PlacedItem>;
  rules: Map<string, { rule: Rule; item: Item }>;
}

/** indexItems lists every item of the table in order, with its place in the table. */
export function indexItems(table: ScoringTable): Map<string, PlacedItem> {
  const items = new Map<string, PlacedItem>();
  for (const dimension of table.dimensions)
    for (const indicator of dimension.indicators)
      for (const item of indicator.items) items.set(item.id, { item, indicator, dimension });
  return items;
}

export function indexRules(table: ScoringTable): Map<string, { rule: Rule; item: Item }> {
  const rules = new Map<string, { rule: Rule; item: Item }>();
  for (const { item } of indexItems(table).values()) for (const rule of item.rules) rules.set(rule.id, { rule, item });
  return rules;
}
