// Render stage: what every rendering of a semantic diff shares: the changes in groups (metadata,
// overrides, the table, item by item, grading by article, institutions, interpretations), a label
// per kind, and a short form of each value (bounds as ≥ and <, rules by kind and points), all in the
// language of the translate function they are given.
import type { Change, ChangeKind, RulesetDiff } from '../../diff/diff.js';
import type { T } from '../../diagnostics/i18n.js';

/** ChangeGroup: the changes shown under one heading, each with its path inside the group. */
export interface ChangeGroup {
  title: string;
  changes: { change: Change; where: string }[];
}

/** kindLabel: the name of a kind of change in one language. */
export function kindLabel(kind: ChangeKind, t: T): string {
  return t(`diff.kind.${kind}`);
}

export const actionMark: Record<Change['action'], string> = { added: '+', removed: '-', changed: '~' };

const gradingGroups = new Set(['bands', 'circumstances', 'downgrade', 'zeroScore', 'measures', 'notRated']);

/** groupChanges puts the changes under headings, in the order the diff found them. */
export function groupChanges(diff: RulesetDiff, t: T): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  const put = (title: string, change: Change, where: string) => {
    let g = groups.get(title);
    if (!g) {
      g = { title, changes: [] };
      groups.set(title, g);
    }
    g.changes.push({ change, where });
  };
  for (const c of diff.changes) {
    if (c.kind === 'override') put(t('diff.group.overrides'), c, c.path);
    else if (c.section === 'metadata') put(t('diff.group.metadata'), c, c.path);
    else if (c.section === 'table') put(t('diff.group.table'), c, c.path);
    else if (c.section === 'item') {
      const prefix = `items[${c.item}]`;
      const where = c.path.startsWith(`${prefix}.`)
        ? c.path.slice(prefix.length + 1)
        : c.path === `items[${c.item}]`
          ? t('diff.theItem')
          : c.path;
      put(t('diff.group.item', { id: c.item, name: diff.itemNames[c.item!] ?? '' }).trim(), c, where);
    } else if (c.section === 'grading') {
      const head = c.path.split(/[.[]/)[0];
      put(t(gradingGroups.has(head) ? `diff.group.${head}` : 'diff.group.grading'), c, c.path);
    } else if (c.section === 'institutions') put(t('diff.group.institutions'), c, c.path);
    else if (c.section === 'derivation') put(t('diff.group.derivation'), c, c.path);
    else put(t('diff.group.interpretations'), c, c.path);
  }
  return [...groups.values()];
}

/** brief renders a value short enough for one line: bounds as inequalities, rules by kind and points. */
export function brief(v: unknown, t: T): string {
  if (v === undefined) return '—';
  if (v === null) return t('diff.none');
  if (typeof v === 'string') return v;
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return v.every((x) => typeof x !== 'object') ? `[${v.join(', ')}]` : json(v);
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length && keys.every((k) => ['gte', 'gt', 'lte', 'lt'].includes(k)))
    return bounds(o as Record<string, number>, t);
  if (keys.length === 1 && keys[0] === 'zero') return t('diff.brief.zero');
  if (keys.length === 1 && (keys[0] === 'score' || keys[0] === 'deduct'))
    return t(`diff.brief.${keys[0]}`, { n: o[keys[0]] });
  if (typeof o.kind === 'string' && typeof o.id === 'string') {
    const parts: string[] = [String(o.kind)];
    if (o.points !== undefined) parts.push(t('diff.brief.points', { n: o.points }));
    if (o.cap && typeof o.cap === 'object')
      parts.push(t('diff.brief.cap', { n: (o.cap as { points: number }).points }));
    if (o.atLeast !== undefined) parts.push(t('diff.brief.atLeast', { n: o.atLeast }));
    if (Array.isArray(o.tiers)) parts.push(t('diff.brief.tiers', { n: o.tiers.length }));
    parts.push(t('diff.brief.reads', { finding: o.finding }));
    return parts.join(t('diff.listSeparator'));
  }
  if (typeof o.grade === 'string' && typeof o.from === 'number') return `${o.grade}: ${o.from}–${o.to}`;
  if (typeof o.text === 'string' && typeof o.id === 'string')
    return `${o.text}${o.discretionary ? t('diff.brief.discretionary') : ''}`;
  if (typeof o.path === 'string' && typeof o.id === 'string') {
    const op = 'set' in o ? `set ${json(o.set)}` : 'add' in o ? `add ${json(o.add)}` : 'remove';
    return `${o.path}: ${op}`;
  }
  if (typeof o.reading === 'string')
    return `${o.about}: ${t('lang') === 'zh' && typeof o.readingZh === 'string' ? o.readingZh : o.reading}`;
  if (typeof o.type === 'string' && typeof o.description === 'string') return `${o.type}: ${o.description}`;
  if (typeof o.name === 'string' && typeof o.maxPoints === 'number') return `${o.name} (${o.maxPoints} points)`;
  return json(v);
}

/** changeValue: a changed value as one line: the new value, the old one, or `old → new`. */
export function changeValue(c: Change, t: T): string {
  if (c.action === 'added') return shown(c, 'to', t);
  if (c.action === 'removed') return shown(c, 'from', t);
  return `${shown(c, 'from', t)} → ${shown(c, 'to', t)}`;
}

/** shown renders one side of a change: `brief`, except that no end year is "open" and no region "national". */
export function shown(c: Change, side: 'from' | 'to', t: T): string {
  const v = c[side];
  if (v === null && c.path.endsWith('untilYear')) return t('diff.open');
  if (v === null && c.path === 'region') return t('diff.national');
  return brief(v, t);
}

/** isText: a change of a long text, shown as before/after lines rather than inline. */
export function isText(c: Change): boolean {
  const long = (v: unknown) => typeof v === 'string' && v.length > 30;
  return (
    (long(c.from) || long(c.to)) &&
    (c.from === undefined || typeof c.from === 'string') &&
    (c.to === undefined || typeof c.to === 'string')
  );
}

/**
 * clauseLines are the clause text a change sits beside: once when both sides have the same, the new
 * side's for an addition, the old side's for a removal, and else both, labelled.
 */
export function clauseLines(c: Change, t: T): { label: string; text: string }[] {
  const { from, to } = c.clause;
  if (c.action === 'added') return to === undefined ? [] : [{ label: t('diff.clause'), text: to }];
  if (c.action === 'removed') return from === undefined ? [] : [{ label: t('diff.clause'), text: from }];
  if (from !== undefined && from === to) return [{ label: t('diff.clause'), text: from }];
  const out: { label: string; text: string }[] = [];
  if (from !== undefined) out.push({ label: t('diff.clauseBefore'), text: from });
  if (to !== undefined) out.push({ label: t('diff.clauseAfter'), text: to });
  return out;
}

/** headline is the one-line summary of a diff: how many changes, of which kinds. */
export function headline(diff: RulesetDiff, t: T): string {
  if (diff.same) return t('diff.same');
  const kinds = Object.entries(diff.counts)
    .map(([k, n]) => `${n} ${kindLabel(k as ChangeKind, t)}`)
    .join(t('diff.listSeparator'));
  return t('diff.headline', { count: diff.changes.length, kinds });
}

function bounds(b: Record<string, number>, t: T): string {
  const parts: string[] = [];
  if (b.gte !== undefined) parts.push(`≥ ${b.gte}`);
  if (b.gt !== undefined) parts.push(`> ${b.gt}`);
  if (b.lte !== undefined) parts.push(`≤ ${b.lte}`);
  if (b.lt !== undefined) parts.push(`< ${b.lt}`);
  return parts.join(t('diff.brief.and'));
}

function json(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
