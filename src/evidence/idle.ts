// Evidence stage: the idle stretches of each user (5.4), gathered from a query log that need not be
// sorted. Every query is kept as a few typed-array cells (user, day, row, key bytes), so a log of
// millions of rows stays small; the policy decides which stretch is a violation.
import type { EvidenceRow } from '../../generated/types/evidence/findings.js';
import { formatIsoDate } from '../obligations/dates.js';
import type { Points } from './points.js';
import type { Mark } from './policy.js';
import type { Row } from './read.js';

/** The end of a stretch that is no query: where the log or the period gives the bound. */
export type Bound = 'created' | 'lastQuery' | 'period-start' | 'period-end' | 'as-of';

/**
 * Stretch: the days strictly between `from` and `to` had no query; `from` and `to` are two queries' days
 * (their indices in the log in `after` and `before`) or bounds. A lock on or after `lockFrom` (the last
 * activity, even when `from` was moved to the period's start) counts for it.
 */
export interface Stretch {
  from: number;
  to: number;
  lockFrom: number;
  after: number | Bound;
  before: number | Bound;
}

const grow = <T extends Int32Array | Uint32Array>(a: T, need: number, make: (n: number) => T): T => {
  if (need <= a.length) return a;
  const b = make(Math.max(need, a.length * 2));
  b.set(a);
  return b;
};

/** QueryDays keeps every query's user, day, row and key compactly, then orders them per user. */
export class QueryDays {
  private user = new Int32Array(1024);
  private day = new Int32Array(1024);
  private row = new Int32Array(1024);
  private keyEnd = new Uint32Array(1024);
  private keys = Buffer.alloc(16 * 1024);
  private n = 0;
  private order: Uint32Array | undefined;
  private start: Uint32Array | undefined;

  constructor(private readonly userIndex: Map<string, number>) {}

  add(user: string, day: number, row: number, key: string): void {
    const u = this.userIndex.get(user);
    if (u === undefined) return;
    const i = this.n++;
    this.user = grow(this.user, this.n, (n) => new Int32Array(n));
    this.day = grow(this.day, this.n, (n) => new Int32Array(n));
    this.row = grow(this.row, this.n, (n) => new Int32Array(n));
    this.keyEnd = grow(this.keyEnd, this.n, (n) => new Uint32Array(n));
    const at = i === 0 ? 0 : this.keyEnd[i - 1];
    const len = Buffer.byteLength(key);
    if (at + len > this.keys.length) {
      const b = Buffer.alloc(Math.max(at + len, this.keys.length * 2));
      this.keys.copy(b, 0, 0, at);
      this.keys = b;
    }
    this.keys.write(key, at);
    this.user[i] = u;
    this.day[i] = day;
    this.row[i] = row;
    this.keyEnd[i] = at + len;
    this.order = undefined;
  }

  /**
   * stretches gives a user's idle stretches from `open` to `close`, between consecutive query days
   * with at least one day without a query in between (a stretch of no idle day is no stretch).
   */
  stretches(u: number, open: { day: number; bound: Bound }, close: { day: number; bound: Bound }): Stretch[] {
    const out: Stretch[] = [];
    let prev: { day: number; at: number | Bound } = { day: open.day, at: open.bound };
    const s = this.sorted();
    for (let k = s.start[u]; k < s.start[u + 1]; k++) {
      const q = s.order[k];
      const d = this.day[q];
      if (d > close.day) break;
      // A query before the opening (a log reaching back before the creation) opens nothing.
      if (d < prev.day) continue;
      if (d - prev.day > 1) out.push({ from: prev.day, to: d, lockFrom: prev.day, after: prev.at, before: q });
      prev = { day: d, at: q };
    }
    if (close.day - prev.day > 1)
      out.push({ from: prev.day, to: close.day, lockFrom: prev.day, after: prev.at, before: close.bound });
    return out;
  }

  /** ref names the query at index q as a row of the findings file. */
  ref(q: number): Omit<EvidenceRow, 'why'> {
    const at = q === 0 ? 0 : this.keyEnd[q - 1];
    return { table: 'queries', row: this.row[q], key: this.keys.toString('utf8', at, this.keyEnd[q]) };
  }

  // Counting sort by user, then each user's queries by day: no per-query object is made.
  private sorted(): { order: Uint32Array; start: Uint32Array } {
    if (this.order && this.start) return { order: this.order, start: this.start };
    const users = this.userIndex.size;
    const start = new Uint32Array(users + 1);
    for (let i = 0; i < this.n; i++) start[this.user[i] + 1]++;
    for (let u = 0; u < users; u++) start[u + 1] += start[u];
    const fill = start.slice(0, users);
    const order = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) order[fill[this.user[i]]++] = i;
    const day = this.day;
    for (let u = 0; u < users; u++) order.subarray(start[u], start[u + 1]).sort((a, b) => day[a] - day[b] || a - b);
    this.order = order;
    this.start = start;
    return { order, start };
  }
}

/**
 * inPeriod keeps the stretches with an idle day in the period starting on day `from`, and moves an
 * earlier start to the day before it: days before the period are not counted, a lock since counts.
 */
export function inPeriod(stretches: Stretch[], from: number): Stretch[] {
  const out: Stretch[] = [];
  for (const st of stretches) {
    if (st.to <= from) continue;
    if (st.from >= from - 1) out.push(st);
    else out.push({ ...st, from: from - 1, after: typeof st.after === 'number' ? st.after : 'period-start' });
  }
  return out;
}

/** IdleSource: where a user's query days come from (the log decides when one is supplied). */
export interface IdleSource {
  log: QueryDays | undefined;
  users: Map<string, number>;
  points: Points;
  /** The period's first and last day and the as-of day. */
  from: number;
  to: number;
  asOf: number;
}

/**
 * userStretches gives a user's idle stretches in the period: from its creation (or the period's start)
 * to its first query, between its queries, and from its last query to the period's end or the as-of
 * day, whichever is first. Without a log, the users table's lastQuery column is the only query known.
 */
export function userStretches(src: IdleSource, r: Row): Stretch[] {
  const created = src.points.of(r.values.created as string).day;
  // The as-of day and the day after the period are the first days not counted.
  const close =
    src.asOf <= src.to + 1
      ? { day: src.asOf, bound: 'as-of' as const }
      : { day: src.to + 1, bound: 'period-end' as const };
  const open = { day: created, bound: 'created' as Bound };
  let all: Stretch[];
  const u = src.users.get(r.key);
  if (src.log && u !== undefined) all = src.log.stretches(u, open, close);
  else {
    const last = r.values.lastQuery as string | null;
    const day = last ? src.points.of(last).day : undefined;
    if (day !== undefined && day > created) {
      open.day = day;
      open.bound = 'lastQuery';
    }
    all =
      close.day - open.day > 1
        ? [{ from: open.day, to: close.day, lockFrom: open.day, after: open.bound, before: close.bound }]
        : [];
  }
  return inPeriod(all, src.from);
}

/** stretchDetail names the stretch a 5.4 mark is for (`s`, its index): its idle days and its bounds. */
export function stretchDetail(src: IdleSource, r: Row, m: Mark): Pick<EvidenceRow, 'stretch'> | undefined {
  if (m.s === undefined) return undefined;
  const st = userStretches(src, r)[m.s];
  if (!st) return undefined;
  const end = (b: number | Bound) => (typeof b === 'number' ? src.log!.ref(b) : b);
  return {
    stretch: {
      from: formatIsoDate(st.from + 1),
      to: formatIsoDate(st.to - 1),
      days: st.to - st.from - 1,
      after: end(st.after),
      before: end(st.before),
    },
  };
}
