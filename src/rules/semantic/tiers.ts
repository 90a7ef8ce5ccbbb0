// Rules stage (semantic checks): tiers are a decision table over one number: every reachable value
// must fall in exactly one tier, and each tier has exactly one outcome within the item's points.
import type { JsonPath } from '../../diagnostics/yaml-source.js';
import type { Item, Rule } from '../ruleset.js';
import type { SemanticContext } from './context.js';

/** checkTiers checks one tiers rule over the range [lo, hi] its finding allows (hi null: unbounded). */
export function checkTiers(
  ctx: SemanticContext,
  item: Item,
  rule: Extract<Rule, { kind: 'tiers' }>,
  rp: JsonPath,
  { lo, hi }: { lo: number; hi: number | null },
): void {
  rule.tiers.forEach((tier, n) => {
    const tp: JsonPath = [...rp, 'tiers', n];
    ctx.quoted(tier.clause, 'table', [...tp, 'clause']);
    (tier.interpretations ?? []).forEach((id, k) => {
      ctx.use(id, 'table', [...tp, 'interpretations', k]);
    });
    const outcomes = ['score', 'deduct', 'zero'].filter((k) => k in tier);
    if (outcomes.length !== 1)
      ctx.report('RULE022', 'table', tp, 'diag.rules.tierOutcome', { has: outcomes.join(', ') || '—' });
    for (const k of ['score', 'deduct'] as const) {
      const v = tier[k];
      if (v === undefined) continue;
      ctx.precise(v, 'table', [...tp, k]);
      if (v > item.maxPoints)
        ctx.report('RULE023', 'table', [...tp, k], 'diag.rules.tierAboveMax', {
          key: k,
          value: v,
          max: item.maxPoints,
        });
    }
  });
  // Probe the boundaries and the points between them; each probe must hit exactly one tier.
  const bounds = new Set<number>([lo, ...(hi === null ? [] : [hi])]);
  for (const t of rule.tiers) for (const v of Object.values(t.when)) bounds.add(v);
  const sorted = [...bounds].filter((b) => b >= lo && (hi === null || b <= hi)).sort((a, b) => a - b);
  const probes = new Set<number>(sorted);
  sorted.forEach((b, i) => {
    if (i + 1 < sorted.length) probes.add((b + sorted[i + 1]) / 2);
  });
  probes.add((hi ?? sorted[sorted.length - 1] + 1) + (hi === null ? 1 : 0));
  if (hi !== null) probes.delete(hi + 1);
  for (const p of [...probes].sort((a, b) => a - b)) {
    if (p < lo || (hi !== null && p > hi)) continue;
    const hits = rule.tiers.map((t, n) => (inBounds(p, t.when) ? n : -1)).filter((n) => n >= 0);
    if (hits.length === 0) ctx.report('RULE022', 'table', [...rp, 'tiers'], 'diag.rules.tierGap', { value: p });
    if (hits.length > 1)
      ctx.report('RULE022', 'table', [...rp, 'tiers'], 'diag.rules.tierOverlap', { tiers: hits.join(' / '), value: p });
  }
}

/** inBounds: whether a value meets every bound of a tier's `when`. */
export function inBounds(v: number, w: { gte?: number; gt?: number; lte?: number; lt?: number }): boolean {
  return (
    (w.gte === undefined || v >= w.gte) &&
    (w.gt === undefined || v > w.gt) &&
    (w.lte === undefined || v <= w.lte) &&
    (w.lt === undefined || v < w.lt)
  );
}
