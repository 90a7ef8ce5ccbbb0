// Evidence stage: sums the policy's marks into totals per item and finding, keeping every row behind
// each (table, row number, key, why) for the findings file.
import type { EvidenceRow } from '../../generated/types/evidence/findings.js';
import type { Mark, Totals } from './policy.js';
import type { Row } from './read.js';

export type { EvidenceRow };

type How = 'count' | 'flag' | 'percent' | 'deviation';

/** Tally accumulates marks for the (item, finding) pairs being derived. */
export class Tally {
  readonly totals: Totals = {};
  private readonly rows = new Map<string, EvidenceRow[]>();
  /** detail adds what a mark says beyond its row (the bounds of an idle stretch). */
  detail?: (table: string, row: Row, mark: Mark) => Partial<EvidenceRow> | undefined;

  /** `wanted` maps item → finding → how, for the pairs derived in this run. */
  constructor(private readonly wanted: Map<string, Map<string, How>>) {}

  add(table: string, chunk: readonly Row[], marks: readonly Mark[]): void {
    for (const m of marks) {
      const how = this.wanted.get(m.item)?.get(m.finding);
      if (!how) continue;
      const byFinding = this.totals[m.item] ?? {};
      this.totals[m.item] = byFinding;
      const t = byFinding[m.finding] ?? { hits: 0, counted: 0 };
      byFinding[m.finding] = t;
      const counted = m.why === 'counted';
      if (counted) t.counted++;
      else t.hits++;
      // A deviation is traced to the rows it counts; anything else to the rows that lower it.
      if (counted !== (how === 'deviation')) continue;
      const r = chunk[m.i];
      const k = `${m.item}\u0000${m.finding}`;
      (this.rows.get(k) ?? this.rows.set(k, []).get(k)!).push({
        table,
        row: r.row,
        key: r.key,
        why: m.why,
        ...this.detail?.(table, r, m),
      });
    }
  }

  rowsOf(item: string, finding: string): EvidenceRow[] {
    // By table, row and why: the policy's marks come as a set, in no order one may rely on, and a row
    // marked twice for a finding (two reasons) must list the same way however the rows were chunked.
    return (this.rows.get(`${item}\u0000${finding}`) ?? []).sort((a, b) =>
      a.table !== b.table
        ? a.table < b.table
          ? -1
          : 1
        : a.row !== b.row
          ? a.row - b.row
          : a.why < b.why
            ? -1
            : a.why > b.why
              ? 1
              : // Two idle stretches of one user: in the order of their days.
                (a.stretch?.from ?? '').localeCompare(b.stretch?.from ?? ''),
    );
  }
}
