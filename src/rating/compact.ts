// Rating stage: the compact result the Rego returns: ids and whole hundredths only. The host joins in
// names and clause text from the RuleSet it already holds.
import type { Grade } from '../../generated/types/rating/result.js';

export interface CompactDeduction {
  rule: string;
  /** The rule's place in the table, to list deductions in table order. */
  order: number;
  count: number;
  points: number;
  capped?: boolean;
  zero?: boolean;
  bonus?: boolean;
  value?: number | string;
  tier?: number;
}

export interface CompactItem {
  id: string;
  score: number;
  floored: boolean;
  deductions: CompactDeduction[];
}

export interface CompactRated {
  rated: true;
  institutionType: 'national' | 'local';
  /** Only the items the input moved; every other item keeps its untouched score. */
  items: CompactItem[];
  dimensions: { id: string; score: number }[];
  subtotal: number;
  total: number;
  score: number;
  zeroScore: string[];
  baseGrade: Grade;
  downgrade: string[];
  grade: Grade;
  measures: string;
  interpretations: string[];
}

export interface CompactNotRated {
  rated: false;
  institutionType: 'national' | 'local';
  interpretations: string[];
}

export type CompactResult = CompactRated | CompactNotRated;

/**
 * comparableCompact orders a compact result the way the host reads it (items by id, deductions by
 * rule order, interpretations sorted): the interpreter and the WASM iterate sets and objects in
 * different orders, so two engines are compared in this form.
 */
export function comparableCompact(result: unknown): unknown {
  const r = result as { items?: CompactItem[]; interpretations: string[] };
  return {
    ...r,
    ...(r.items
      ? {
          items: r.items
            .map((i) => ({ ...i, deductions: [...i.deductions].sort((a, b) => a.order - b.order) }))
            .sort((a, b) => (a.id < b.id ? -1 : 1)),
        }
      : {}),
    interpretations: [...r.interpretations].sort(),
  };
}
