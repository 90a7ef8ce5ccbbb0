// Rules stage (semantic checks): the scoring table: points add up from items to the total, every rule
// reads a finding its item declares and of the kind it needs, caps and scores stay within an item.
import type { JsonPath } from '../../diagnostics/yaml-source.js';
import type { Item, Rule } from '../ruleset.js';
import { duplicates, round2, type SemanticContext } from './context.js';
import { checkTiers } from './tiers.js';

// The finding types each kind of rule can read (schema identifiers, the same in every language).
const findingKinds: Record<Rule['kind'], string[]> = {
  perOccurrence: ['count'],
  fixed: ['flag'],
  bonus: ['flag'],
  zeroIf: ['flag', 'count'],
  tiers: ['percent', 'number'],
  choice: ['choice'],
};

/** checkTable checks the scoring table's sums, items and rules. */
export function checkTable(ctx: SemanticContext): void {
  const t = ctx.parts.table;
  const itemIds: [string, JsonPath][] = [];
  const ruleIds: [string, JsonPath][] = [];
  const declared = new Map<string, Item>();
  for (const d of t.dimensions)
    for (const ind of d.indicators) for (const item of ind.items) declared.set(item.id, item);
  ctx.quoted(t.total.clause, 'table', ['total', 'clause']);
  ctx.quoted(t.total.cap.clause, 'table', ['total', 'cap', 'clause']);
  ctx.precise(t.total.points, 'table', ['total', 'points']);
  // Each level's points are the sum of the parts below it (RULE020), rounded to cents as the table is.
  const sums = (parts: readonly { maxPoints: number }[], points: number, path: JsonPath, key: string, id?: string) => {
    const sum = round2(parts.reduce((s, p) => s + p.maxPoints, 0));
    if (sum !== points) ctx.report('RULE020', 'table', path, key, { ...(id === undefined ? {} : { id }), points, sum });
  };
  sums(t.dimensions, t.total.points, ['total', 'points'], 'diag.rules.totalSum');

  t.dimensions.forEach((dim, di) => {
    const dp: JsonPath = ['dimensions', di];
    ctx.quoted(dim.clause, 'table', [...dp, 'clause']);
    sums(dim.indicators, dim.maxPoints, [...dp, 'maxPoints'], 'diag.rules.dimensionSum', dim.id);
    dim.indicators.forEach((ind, ii) => {
      const ip: JsonPath = [...dp, 'indicators', ii];
      ctx.quoted(ind.clause, 'table', [...ip, 'clause']);
      sums(ind.items, ind.maxPoints, [...ip, 'maxPoints'], 'diag.rules.indicatorSum', ind.id);
      ind.items.forEach((item, ti) => {
        const tp: JsonPath = [...ip, 'items', ti];
        itemIds.push([item.id, [...tp, 'id']]);
        ctx.precise(item.maxPoints, 'table', [...tp, 'maxPoints']);
        ctx.quoted(item.assesses, 'table', [...tp, 'assesses']);
        ctx.quoted(item.criteria, 'table', [...tp, 'criteria']);
        (item.interpretations ?? []).forEach((id, n) => {
          ctx.use(id, 'table', [...tp, 'interpretations', n]);
        });
        textNumberWarnings(ctx, item, tp);
        const read = new Set<string>();
        item.rules.forEach((rule, ri) => {
          const rp: JsonPath = [...tp, 'rules', ri];
          ruleIds.push([rule.id, [...rp, 'id']]);
          checkRule(ctx, { item, rule, rp, declared, read });
        });
        for (const name of Object.keys(item.findings))
          if (!read.has(name))
            ctx.report('RULE014', 'table', [...tp, 'findings', name], 'diag.rules.findingUnread', {
              name,
              item: item.id,
            });
      });
    });
  });
  duplicates(ctx, itemIds, 'table', 'item');
  duplicates(ctx, ruleIds, 'table', 'rule');
}

/** RuleAt: one rule, its item, where it is, the items declared, and the findings its item's rules read. */
interface RuleAt {
  item: Item;
  rule: Rule;
  rp: JsonPath;
  declared: Map<string, Item>;
  read: Set<string>;
}

function checkRule(ctx: SemanticContext, { item, rule, rp, declared, read }: RuleAt): void {
  ctx.quoted(rule.clause, 'table', [...rp, 'clause']);
  (rule.interpretations ?? []).forEach((id, n) => {
    ctx.use(id, 'table', [...rp, 'interpretations', n]);
  });
  const ownerId = rule.kind === 'zeroIf' && rule.ofItem ? rule.ofItem : item.id;
  const owner = declared.get(ownerId);
  if (!owner) {
    ctx.report('RULE011', 'table', [...rp, 'ofItem'], 'diag.rules.unknownItem', { id: ownerId });
    return;
  }
  const finding = owner.findings[rule.finding];
  if (!finding) {
    ctx.report('RULE011', 'table', [...rp, 'finding'], 'diag.rules.unknownFinding', {
      name: rule.finding,
      item: owner.id,
      declared: Object.keys(owner.findings).join(', ') || '—',
    });
    return;
  }
  if (owner === item) read.add(rule.finding);
  if (!findingKinds[rule.kind].includes(finding.type))
    ctx.report('RULE011', 'table', [...rp, 'finding'], 'diag.rules.findingKind', {
      kind: rule.kind,
      needs: findingKinds[rule.kind].join(' | '),
      name: rule.finding,
      type: finding.type,
    });
  if ('points' in rule) ctx.precise(rule.points, 'table', [...rp, 'points']);
  if (rule.kind === 'perOccurrence' && rule.cap) {
    ctx.precise(rule.cap.points, 'table', [...rp, 'cap', 'points']);
    ctx.quoted(rule.cap.clause, 'table', [...rp, 'cap', 'clause']);
    if (rule.cap.points > item.maxPoints)
      ctx.report('RULE021', 'table', [...rp, 'cap', 'points'], 'diag.rules.capAboveMax', {
        cap: rule.cap.points,
        max: item.maxPoints,
      });
  }
  if (rule.kind === 'zeroIf' && finding.type === 'count' && rule.atLeast === undefined)
    ctx.report('RULE011', 'table', [...rp], 'diag.rules.zeroIfNeedsAtLeast', { name: rule.finding });
  if (rule.kind === 'tiers')
    checkTiers(ctx, item, rule, rp, {
      lo: finding.minimum ?? 0,
      hi: finding.type === 'percent' && finding.maximum === undefined ? 100 : (finding.maximum ?? null),
    });
  if (rule.kind === 'choice') {
    const options = rule.options.map((o) => o.value);
    const allowed = finding.options ?? [];
    if (options.join() !== allowed.join() && [...options].sort().join() !== [...allowed].sort().join())
      ctx.report('RULE023', 'table', [...rp, 'options'], 'diag.rules.choiceOptions', {
        options: options.join(', '),
        name: rule.finding,
        allowed: allowed.join(', '),
      });
    rule.options.forEach((o, n) => {
      ctx.quoted(o.clause, 'table', [...rp, 'options', n, 'clause']);
      if (o.score > item.maxPoints)
        ctx.report('RULE023', 'table', [...rp, 'options', n, 'score'], 'diag.rules.scoreAboveMax', {
          score: o.score,
          max: item.maxPoints,
        });
    });
  }
  if (rule.kind === 'bonus' && !item.bonus)
    ctx.report('RULE011', 'table', [...rp, 'kind'], 'diag.rules.bonusOnBonusItem');
}

// 16 and 17 say 得5分 where 分值 is 3 and 4, 18 says 加2分 where it is 3: a reviewer must see these.
function textNumberWarnings(ctx: SemanticContext, item: Item, tp: JsonPath): void {
  const verb = item.bonus ? '加' : '得';
  for (const m of item.criteria.matchAll(new RegExp(`${verb}(\\d+(?:\\.\\d+)?)分`, 'g'))) {
    const named = Number(m[1]);
    if (item.bonus ? named !== item.maxPoints : named > item.maxPoints) {
      const readings = [...(item.interpretations ?? []), ...item.rules.flatMap((r) => r.interpretations ?? [])];
      ctx.report(
        'RULE060',
        'table',
        [...tp, 'criteria'],
        readings.length ? 'diag.rules.textNumberRead' : 'diag.rules.textNumber',
        { says: m[0], max: item.maxPoints, ...(readings.length ? { readings: readings.join(', ') } : {}) },
        'warning',
      );
    }
  }
}
