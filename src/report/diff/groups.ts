// Report stage: what every rendering of a semantic diff shares: the changes in groups (metadata,
// overrides, the table, item by item, grading by article, institutions, interpretations), a label
// per kind, and a short form of each value (bounds as ≥ and <, rules by kind and points).
import type { Change, ChangeKind, RulesetDiff } from '../../diff/diff.js';

/** ChangeGroup: the changes shown under one heading, each with its path inside the group. */
export interface ChangeGroup {
  title: string;
  changes: { change: Change; where: string }[];
}

export const kindLabel: Record<ChangeKind, string> = {
  metadata: 'metadata',
  override: 'override',
  total: 'total',
  dimension: 'dimension',
  indicator: 'indicator',
  item: 'item',
  'max-points': 'max points',
  'item-text': 'item text',
  finding: 'finding',
  rule: 'rule',
  deduction: 'deduction',
  cap: 'cap',
  tier: 'tier',
  option: 'option',
  threshold: 'threshold',
  band: 'band',
  circumstance: 'circumstance',
  trigger: 'trigger',
  measure: 'measure',
  'not-rated': 'not rated',
  institution: 'institution',
  interpretation: 'interpretation',
};

export const actionMark: Record<Change['action'], string> = { added: '+', removed: '-', changed: '~' };

const gradingTitles: Record<string, string> = {
  bands: 'Grades (第十四条)',
  circumstances: 'Circumstances the triggers read',
  downgrade: 'Downgrade (第十五条)',
  zeroScore: 'Zero score (第十六条)',
  measures: 'Measures (第十七条)',
  notRated: 'Not rated (第九条)',
};

/** groupChanges puts the changes under headings, in the order the diff found them. */
export function groupChanges(diff: RulesetDiff): ChangeGroup[] {
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
    if (c.kind === 'override') put('Overrides', c, c.path);
    else if (c.section === 'metadata') put('Metadata', c, c.path);
    else if (c.section === 'table') put('Scoring table', c, c.path);
    else if (c.section === 'item') {
      const prefix = `items[${c.item}]`;
      const where = c.path.startsWith(`${prefix}.`)
        ? c.path.slice(prefix.length + 1)
        : c.path === `items[${c.item}]`
          ? '(the item)'
          : c.path;
      put(`Item ${c.item} ${diff.itemNames[c.item!] ?? ''}`.trim(), c, where);
    } else if (c.section === 'grading') {
      const head = c.path.split(/[.[]/)[0];
      put(gradingTitles[head] ?? 'Grading', c, c.path);
    } else if (c.section === 'institutions') put('Institutions (附件1, 第二十一条)', c, c.path);
    else put('Interpretations', c, c.path);
  }
  return [...groups.values()];
}

/** brief renders a value short enough for one line: bounds as inequalities, rules by kind and points. */
export function brief(v: unknown): string {
  if (v === undefined) return '—';
  if (v === null) return 'none';
  if (typeof v === 'string') return v;
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return v.every((x) => typeof x !== 'object') ? `[${v.join(', ')}]` : json(v);
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length && keys.every((k) => ['gte', 'gt', 'lte', 'lt'].includes(k)))
    return bounds(o as Record<string, number>);
  if (keys.length === 1 && keys[0] === 'zero') return '不得分 (zero)';
  if (keys.length === 1 && (keys[0] === 'score' || keys[0] === 'deduct')) return `${keys[0]} ${o[keys[0]]}`;
  if (typeof o.kind === 'string' && typeof o.id === 'string') {
    const parts: string[] = [String(o.kind)];
    if (o.points !== undefined) parts.push(`${o.points} points`);
    if (o.cap && typeof o.cap === 'object') parts.push(`cap ${(o.cap as { points: number }).points}`);
    if (o.atLeast !== undefined) parts.push(`at least ${o.atLeast}`);
    if (Array.isArray(o.tiers)) parts.push(`${o.tiers.length} tiers`);
    parts.push(`reads ${o.finding}`);
    return parts.join(', ');
  }
  if (typeof o.grade === 'string' && typeof o.from === 'number') return `${o.grade}: ${o.from}–${o.to}`;
  if (typeof o.text === 'string' && typeof o.id === 'string')
    return `${o.text}${o.discretionary ? ' (discretionary)' : ''}`;
  if (typeof o.path === 'string' && typeof o.id === 'string') {
    const op = 'set' in o ? `set ${json(o.set)}` : 'add' in o ? `add ${json(o.add)}` : 'remove';
    return `${o.path}: ${op}`;
  }
  if (typeof o.reading === 'string') return `${o.about}: ${o.reading}`;
  if (typeof o.type === 'string' && typeof o.description === 'string') return `${o.type}: ${o.description}`;
  if (typeof o.name === 'string' && typeof o.maxPoints === 'number') return `${o.name} (${o.maxPoints} points)`;
  return json(v);
}

/** shown renders one side of a change: `brief`, except that no end year is "open" and no region "national". */
export function shown(c: Change, side: 'from' | 'to'): string {
  const v = c[side];
  if (v === null && c.path.endsWith('untilYear')) return 'open';
  if (v === null && c.path === 'region') return 'national';
  return brief(v);
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
export function clauseLines(c: Change): { label: string; text: string }[] {
  const { from, to } = c.clause;
  if (c.action === 'added') return to === undefined ? [] : [{ label: 'clause', text: to }];
  if (c.action === 'removed') return from === undefined ? [] : [{ label: 'clause', text: from }];
  if (from !== undefined && from === to) return [{ label: 'clause', text: from }];
  const out: { label: string; text: string }[] = [];
  if (from !== undefined) out.push({ label: 'clause before', text: from });
  if (to !== undefined) out.push({ label: 'clause after', text: to });
  return out;
}

/** headline is the one-line summary of a diff: how many changes, of which kinds. */
export function headline(diff: RulesetDiff): string {
  if (diff.same) return 'No change: the two rulesets are the same rules.';
  const kinds = Object.entries(diff.counts)
    .map(([k, n]) => `${n} ${kindLabel[k as ChangeKind]}`)
    .join(', ');
  return `${diff.changes.length} change${diff.changes.length === 1 ? '' : 's'}: ${kinds}`;
}

function bounds(b: Record<string, number>): string {
  const parts: string[] = [];
  if (b.gte !== undefined) parts.push(`≥ ${b.gte}`);
  if (b.gt !== undefined) parts.push(`> ${b.gt}`);
  if (b.lte !== undefined) parts.push(`≤ ${b.lte}`);
  if (b.lt !== undefined) parts.push(`< ${b.lt}`);
  return parts.join(' and ');
}

function json(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
