// Diff stage: the scoring table, row by row: the total and its cap, dimensions and indicators, and
// for each item its points, texts, findings and rules (deductions, caps, tiers, options, thresholds).
import type { PlacedItem, Rule, RuleSet } from '../rules/ruleset.js';
import { at, type Changes, keyed, same, type Place } from './compare.js';

type Tier = Extract<Rule, { kind: 'tiers' }>['tiers'][number];

/** diffTable adds every change of the scoring table, the items in the order of the newer table. */
export function diffTable(a: RuleSet, b: RuleSet, out: Changes): void {
  const total: Place = { section: 'table', path: 'total' };
  out.value(total, 'total', 'points', a.table.total.points, b.table.total.points, {
    from: a.table.total.clause,
    to: b.table.total.clause,
  });
  out.value(total, 'total', 'clause', a.table.total.clause, b.table.total.clause);
  const cap = { from: a.table.total.cap.clause, to: b.table.total.cap.clause };
  out.value(total, 'cap', 'cap.points', a.table.total.cap.points, b.table.total.cap.points, cap);
  out.value(total, 'cap', 'cap.clause', a.table.total.cap.clause, b.table.total.cap.clause);
  out.value({ section: 'table', path: '' }, 'metadata', 'title', a.table.title, b.table.title);
  out.value({ section: 'table', path: '' }, 'metadata', 'document', a.table.document, b.table.document);

  const dimensions = (rs: RuleSet) => rs.table.dimensions.map((heading) => ({ heading }));
  diffHeadings('dimension', 'dimensions', dimensions(a), dimensions(b), out);
  const indicators = (rs: RuleSet) =>
    rs.table.dimensions.flatMap((d) => d.indicators.map((heading) => ({ heading, dimension: d.id })));
  diffHeadings('indicator', 'indicators', indicators(a), indicators(b), out);

  // Items go by the newer table's order, then those it no longer has.
  const order = [...b.items.keys(), ...[...a.items.keys()].filter((id) => !b.items.has(id))];
  for (const id of order) {
    const pa = a.items.get(id),
      pb = b.items.get(id);
    const p: Place = { section: 'item', item: id, path: `items[${id}]` };
    if (!pa && pb) out.added({ ...p, path: 'items' }, 'item', `[${id}]`, itemSummary(pb), pb.item.criteria);
    else if (pa && !pb) out.removed({ ...p, path: 'items' }, 'item', `[${id}]`, itemSummary(pa), pa.item.criteria);
    else if (pa && pb) diffItem(pa, pb, p, out);
  }
}

function itemSummary(p: PlacedItem): Record<string, unknown> {
  return {
    name: p.item.name,
    maxPoints: p.item.maxPoints,
    indicator: p.indicator.id,
    rules: p.item.rules.map((r) => r.id),
  };
}

function diffItem(pa: PlacedItem, pb: PlacedItem, p: Place, out: Changes): void {
  const a = pa.item,
    b = pb.item;
  const criteria = { from: a.criteria, to: b.criteria };
  out.value(p, 'item', 'indicator', pa.indicator.id, pb.indicator.id, {
    from: pa.indicator.clause,
    to: pb.indicator.clause,
  });
  out.value(p, 'max-points', 'maxPoints', a.maxPoints, b.maxPoints, criteria);
  out.value(p, 'item', 'bonus', a.bonus ?? false, b.bonus ?? false, criteria);
  out.value(p, 'item-text', 'name', a.name, b.name);
  out.value(p, 'item-text', 'assesses', a.assesses, b.assesses);
  out.value(p, 'item-text', 'criteria', a.criteria, b.criteria);
  out.ids(p, 'item', 'interpretations', a.interpretations, b.interpretations, criteria);
  keyed(Object.entries(a.findings), Object.entries(b.findings), ([name]) => name, {
    removed: ([, f], name) => out.removed(p, 'finding', `findings.${name}`, f),
    added: ([, f], name) => out.added(p, 'finding', `findings.${name}`, f),
    both: ([, x], [, y], name) => {
      for (const k of ['type', 'description', 'minimum', 'maximum', 'options'] as const)
        out.value(p, 'finding', `findings.${name}.${k}`, x[k], y[k]);
    },
  });
  keyed(a.rules, b.rules, (r) => r.id, {
    removed: (r, id) => out.removed(p, 'rule', `rules[${id}]`, r, r.clause),
    added: (r, id) => out.added(p, 'rule', `rules[${id}]`, r, r.clause),
    both: (x, y, id) => diffRule(x, y, at(p, `rules[${id}]`), out),
  });
}

function diffRule(a: Rule, b: Rule, p: Place, out: Changes): void {
  const clause = { from: a.clause, to: b.clause };
  if (a.kind !== b.kind) {
    // A rule that changes kind is a different rule: show it whole on both sides.
    out.value(p, 'rule', '', a, b, clause);
    return;
  }
  out.value(p, 'rule', 'clause', a.clause, b.clause);
  out.value(p, 'rule', 'finding', a.finding, b.finding, clause);
  out.ids(p, 'rule', 'interpretations', a.interpretations, b.interpretations, clause);
  switch (a.kind) {
    case 'perOccurrence': {
      const y = b as typeof a;
      out.value(p, 'deduction', 'points', a.points, y.points, clause);
      out.value(p, 'cap', 'cap.points', a.cap?.points, y.cap?.points, {
        from: a.cap?.clause ?? a.clause,
        to: y.cap?.clause ?? y.clause,
      });
      if (a.cap && y.cap) out.value(p, 'cap', 'cap.clause', a.cap.clause, y.cap.clause);
      break;
    }
    case 'fixed':
    case 'bonus':
      out.value(p, 'deduction', 'points', a.points, (b as typeof a).points, clause);
      break;
    case 'zeroIf': {
      const y = b as typeof a;
      out.value(p, 'threshold', 'atLeast', a.atLeast, y.atLeast, clause);
      out.value(p, 'rule', 'ofItem', a.ofItem, y.ofItem, clause);
      break;
    }
    case 'tiers':
      diffTiers(a.tiers, (b as typeof a).tiers, p, out);
      break;
    case 'choice':
      keyed(a.options, (b as typeof a).options, (o) => o.value, {
        removed: (o, v) => out.removed(p, 'option', `options[${v}]`, o, o.clause),
        added: (o, v) => out.added(p, 'option', `options[${v}]`, o, o.clause),
        both: (x, y, v) => {
          out.value(p, 'option', `options[${v}].score`, x.score, y.score, { from: x.clause, to: y.clause });
          out.value(p, 'option', `options[${v}].clause`, x.clause, y.clause);
        },
      });
      break;
  }
}

type Heading = { id: string; name: string; maxPoints: number; clause: string };

/**
 * diffHeadings: dimensions or indicators by id: one added or removed with its name and points, or
 * each field that changed (an indicator's dimension too).
 */
function diffHeadings(
  kind: 'dimension' | 'indicator',
  list: string,
  a: { heading: Heading; dimension?: string }[],
  b: { heading: Heading; dimension?: string }[],
  out: Changes,
): void {
  const place: Place = { section: 'table', path: list };
  const brief = (h: Heading) => ({ name: h.name, maxPoints: h.maxPoints });
  keyed(a, b, (r) => r.heading.id, {
    removed: ({ heading: h }, id) => out.removed(place, kind, `[${id}]`, brief(h), h.clause),
    added: ({ heading: h }, id) => out.added(place, kind, `[${id}]`, brief(h), h.clause),
    both: ({ heading: x, dimension: xd }, { heading: y, dimension: yd }, id) => {
      const p: Place = { section: 'table', path: `${list}[${id}]` };
      const clause = { from: x.clause, to: y.clause };
      if (kind === 'indicator') out.value(p, kind, 'dimension', xd, yd, clause);
      out.value(p, kind, 'name', x.name, y.name, clause);
      out.value(p, kind, 'maxPoints', x.maxPoints, y.maxPoints, clause);
      out.value(p, kind, 'clause', x.clause, y.clause);
    },
  });
}

/**
 * diffTiers pairs tiers first by identical bounds (a tier whose bounds did not move), then the rest
 * by position, so a moved bound shows as that tier's bound changing, not as every tier replaced.
 */
function diffTiers(a: Tier[], b: Tier[], p: Place, out: Changes): void {
  const pairs: [number, number][] = [];
  const usedB = new Set<number>();
  const unpairedA: number[] = [];
  a.forEach((t, i) => {
    const j = b.findIndex((u, k) => !usedB.has(k) && same(t.when, u.when));
    if (j >= 0) {
      pairs.push([i, j]);
      usedB.add(j);
    } else unpairedA.push(i);
  });
  const restB = b.map((_, k) => k).filter((k) => !usedB.has(k));
  while (unpairedA.length && restB.length) pairs.push([unpairedA.shift()!, restB.shift()!]);
  for (const [i, j] of pairs.sort((x, y) => x[1] - y[1])) {
    const x = a[i],
      y = b[j];
    const clause = { from: x.clause, to: y.clause };
    const tp = `tiers[${j}]`;
    out.value(p, 'tier', `${tp}.when`, x.when, y.when, clause);
    out.value(p, 'tier', `${tp}.outcome`, outcome(x), outcome(y), clause);
    out.value(p, 'tier', `${tp}.clause`, x.clause, y.clause);
    out.ids(p, 'tier', `${tp}.interpretations`, x.interpretations, y.interpretations, clause);
  }
  for (const i of unpairedA) out.removed(p, 'tier', `tiers[${i}]`, a[i], a[i].clause);
  for (const j of restB) out.added(p, 'tier', `tiers[${j}]`, b[j], b[j].clause);
}

function outcome(t: Tier): Record<string, unknown> {
  if (t.zero) return { zero: true };
  if (t.score !== undefined) return { score: t.score };
  return { deduct: t.deduct ?? 0 };
}
