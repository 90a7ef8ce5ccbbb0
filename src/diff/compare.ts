// Diff stage: the small tools every part of the semantic diff uses: deep equality on parsed values,
// matching two lists by their ids, and emitting a change with its clause on both sides.
import type { Change, ChangeKind, Section } from './model.js';

/** same compares parsed values; key order in a mapping never matters. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => same(x, (b as unknown[])[i]));
  const ak = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bk = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ak.length === bk.length &&
    ak.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** sameSet compares two lists of ids as sets (their order carries no meaning). */
export function sameSet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = [...(a ?? [])].sort(),
    y = [...(b ?? [])].sort();
  return same(x, y);
}

/** Place: where changes are being collected: section, item and the path prefix. */
export interface Place {
  section: Section;
  item?: string;
  path: string;
}

/** Changes collects the changes of one diff in the order they are found. */
export class Changes {
  readonly list: Change[] = [];

  /** value records a changed value (or one added or removed, when a side is undefined). */
  value(
    place: Place,
    kind: ChangeKind,
    field: string,
    from: unknown,
    to: unknown,
    clause: { from?: string; to?: string } = {},
  ): void {
    if (same(from, to)) return;
    const action = from === undefined ? 'added' : to === undefined ? 'removed' : 'changed';
    this.push(place, kind, action, field, from, to, clause);
  }

  /** ids records a changed list of ids (interpretation references), compared as sets. */
  ids(
    place: Place,
    kind: ChangeKind,
    field: string,
    from: readonly string[] | undefined,
    to: readonly string[] | undefined,
    clause: { from?: string; to?: string } = {},
  ): void {
    if (sameSet(from, to)) return;
    this.push(place, kind, 'changed', field, from ?? [], to ?? [], clause);
  }

  added(place: Place, kind: ChangeKind, field: string, to: unknown, clause?: string): void {
    this.push(place, kind, 'added', field, undefined, to, { to: clause });
  }

  removed(place: Place, kind: ChangeKind, field: string, from: unknown, clause?: string): void {
    this.push(place, kind, 'removed', field, from, undefined, { from: clause });
  }

  private push(
    place: Place,
    kind: ChangeKind,
    action: Change['action'],
    field: string,
    from: unknown,
    to: unknown,
    clause: { from?: string; to?: string },
  ): void {
    const path = [place.path, field].filter(Boolean).join(field.startsWith('[') ? '' : '.');
    const change: Change = { section: place.section, kind, action, path, clause: {} };
    if (place.item !== undefined) change.item = place.item;
    if (from !== undefined) change.from = from;
    if (to !== undefined) change.to = to;
    if (clause.from !== undefined) change.clause.from = clause.from;
    if (clause.to !== undefined) change.clause.to = clause.to;
    this.list.push(change);
  }
}

/** keyed matches two lists by key and calls back for entries on one side only and on both. */
export function keyed<T>(
  from: readonly T[],
  to: readonly T[],
  key: (t: T) => string,
  on: { removed: (t: T, k: string) => void; added: (t: T, k: string) => void; both: (a: T, b: T, k: string) => void },
): void {
  const bs = new Map(to.map((t) => [key(t), t]));
  const as = new Map(from.map((t) => [key(t), t]));
  for (const [k, a] of as) {
    const b = bs.get(k);
    if (b === undefined) on.removed(a, k);
    else on.both(a, b, k);
  }
  for (const [k, b] of bs) if (!as.has(k)) on.added(b, k);
}

/** at extends a place's path by a field or an `[id]`. */
export function at(place: Place, step: string): Place {
  const path = step.startsWith('[') || !place.path ? `${place.path}${step}` : `${place.path}.${step}`;
  return { ...place, path };
}
