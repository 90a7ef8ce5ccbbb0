// Bench: a fixed, seeded set of realistic inputs (clean, typical mixed, heavy, zero-score, not-rated),
// generated from the ruleset's own findings so every case is one the schema accepts.
import type { RuleSet } from '../rules/ruleset.js';

/** mulberry32: a small seeded PRNG, so the same seed gives the same cases on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type CaseKind = 'clean' | 'typical' | 'heavy' | 'zero-score' | 'not-rated';

export const caseMix: CaseKind[] = ['clean', 'typical', 'typical', 'heavy', 'zero-score', 'not-rated'];

const names = ['中国工商银行', '某市农村商业银行', '某城市商业银行', '上海浦东发展银行', '某村镇银行'];

/** generateCases returns `n` inputs cycling through the case mix. */
export function generateCases(
  rs: RuleSet,
  n: number,
  seed = 20180102,
): { kind: CaseKind; input: Record<string, unknown> }[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const items = [...rs.items.values()].map((p) => p.item);
  const out: { kind: CaseKind; input: Record<string, unknown> }[] = [];
  for (let i = 0; i < n; i++) {
    const kind = caseMix[i % caseMix.length];
    const institution = { name: pick(names) };
    if (kind === 'not-rated') {
      out.push({ kind, input: { institution: { ...institution, newlyConnected: true }, year: 2023 } });
      continue;
    }
    const findings: Record<string, Record<string, unknown>> = {};
    const violations = { clean: 0, typical: 12, heavy: 35, 'zero-score': 8 }[kind];
    for (const item of items)
      for (const [name, f] of Object.entries(item.findings)) {
        const violate = rand() < violations / 60;
        let value: unknown;
        if (f.type === 'percent') value = violate ? Math.round((55 + rand() * 45) * 100) / 100 : 100;
        else if (f.type === 'number') value = violate ? Math.round((94 + rand() * 6) * 100) / 100 : 100;
        else if (f.type === 'choice') value = violate ? pick(f.options ?? []) : f.options![0];
        else if (!violate || item.bonus) continue;
        else if (f.type === 'count') value = 1 + Math.floor(rand() * Math.min(f.maximum ?? 4, 4));
        else value = rand() < 0.3;
        if (value === false) continue;
        const found = findings[item.id] ?? {};
        found[name] = value;
        findings[item.id] = found;
      }
    const circumstances: Record<string, unknown> =
      kind === 'zero-score'
        ? { administrativePenalties: 3 + Math.floor(rand() * 3), penaltiesUnremedied: true }
        : kind === 'heavy'
          ? { seriousViolationsOfOneType: Math.floor(rand() * 4) }
          : {};
    out.push({ kind, input: { institution, year: 2023, findings, circumstances } });
  }
  return out;
}
