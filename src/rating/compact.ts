// Rating stage: the compact result the Rego returns: ids and whole hundredths only. The host joins in
// names and clause text from the RuleSet it already holds. Its shape is schemas/policy/compact-result.schema.json.
import type {
  CompactDeduction,
  CompactItem,
  CompactNotRated,
  CompactRated,
  CompactResult,
} from '../../generated/types/policy/compact-result.js';

export type { CompactDeduction, CompactItem, CompactNotRated, CompactRated, CompactResult };

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
