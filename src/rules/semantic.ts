// Rules stage: checks that the schema cannot express: references resolve, numbers add up, tiers and
// bands leave no gap, every quoted clause is really in the source. Each problem names the file key
// and path, so the loader can give it a line and column.
import type { Code } from '../diagnostics/codes.js';
import type { Severity } from '../diagnostics/diagnostics.js';
import type { JsonPath } from '../diagnostics/yaml-source.js';
import type {
  RuleFileKey,
  ScoringTable,
  Grading,
  Institutions,
  Interpretation,
  RulesetMeta,
  Item,
  Rule,
} from './ruleset.js';

export interface SemanticProblem {
  code: Code;
  severity: Severity;
  file: RuleFileKey;
  path: JsonPath;
  message: string;
}

export interface RulesetParts {
  meta: RulesetMeta;
  table: ScoringTable;
  grading: Grading;
  institutions: Institutions;
  interpretations: Interpretation[];
  sourceText?: string;
}

const findingKinds: Record<Rule['kind'], string[]> = {
  perOccurrence: ['count'],
  fixed: ['flag'],
  bonus: ['flag'],
  zeroIf: ['flag', 'count'],
  tiers: ['percent', 'number'],
  choice: ['choice'],
};

/** checkRuleset returns every semantic problem of a ruleset's parts. */
export function checkRuleset(parts: RulesetParts): SemanticProblem[] {
  const out: SemanticProblem[] = [];
  const report = (code: Code, file: RuleFileKey, path: JsonPath, message: string, severity: Severity = 'error') =>
    out.push({ code, severity, file, path, message });
  const interpretationIds = new Set(parts.interpretations.map((i) => i.id));
  const used = new Set<string>();
  const useInterpretation = (id: string | undefined, file: RuleFileKey, path: JsonPath) => {
    if (id === undefined) return;
    used.add(id);
    if (!interpretationIds.has(id))
      report(
        'RULE012',
        file,
        path,
        `refers to interpretation "${id}", which interpretations.yaml does not define; defined: ${[...interpretationIds].join(', ')}`,
      );
  };
  const quoted = (text: string, file: RuleFileKey, path: JsonPath) => {
    if (parts.sourceText !== undefined && !parts.sourceText.includes(text))
      report(
        'RULE061',
        file,
        path,
        `quotes text that is not in the source verbatim: "${text.length > 50 ? `${text.slice(0, 50)}…` : text}"`,
      );
  };
  const precise = (points: number, file: RuleFileKey, path: JsonPath) => {
    if (Math.abs(Math.round(points * 100) - points * 100) > 1e-6)
      report('RULE013', file, path, `has ${points}: points are counted in hundredths, at most two decimal places`);
  };

  checkTable(parts, report, useInterpretation, quoted, precise);
  checkGrading(parts, report, useInterpretation, quoted);
  useInterpretation(parts.meta.effective.interpretation, 'meta', ['effective', 'interpretation']);
  useInterpretation(parts.institutions.interpretation, 'institutions', ['interpretation']);
  useInterpretation(parts.institutions.branchInterpretation, 'institutions', ['branchInterpretation']);
  quoted(parts.institutions.clause, 'institutions', ['clause']);
  quoted(parts.institutions.listClause, 'institutions', ['listClause']);
  quoted(parts.meta.document.inForce.clause, 'meta', ['document', 'inForce', 'clause']);
  quoted(parts.meta.ratingPeriod.clause, 'meta', ['ratingPeriod', 'clause']);

  parts.interpretations.forEach((i, n) => {
    quoted(i.quote, 'interpretations', ['interpretations', n, 'quote']);
    if (!used.has(i.id))
      report(
        'RULE051',
        'interpretations',
        ['interpretations', n, 'id'],
        `interpretation "${i.id}" is not used by any rule, item, band or trigger`,
      );
  });
  duplicates(
    parts.interpretations.map((i, n) => [i.id, ['interpretations', n, 'id']]),
    'interpretations',
    'interpretation',
    report,
  );
  return out;
}

type Report = (code: Code, file: RuleFileKey, path: JsonPath, message: string, severity?: Severity) => void;
type Use = (id: string | undefined, file: RuleFileKey, path: JsonPath) => void;
type Quote = (text: string, file: RuleFileKey, path: JsonPath) => void;
type Precise = (points: number, file: RuleFileKey, path: JsonPath) => void;

function checkTable(parts: RulesetParts, report: Report, use: Use, quoted: Quote, precise: Precise): void {
  const t = parts.table;
  const itemIds: [string, JsonPath][] = [];
  const ruleIds: [string, JsonPath][] = [];
  const declared = new Map<string, Item>();
  t.dimensions.forEach((d) => {
    d.indicators.forEach((ind) => {
      ind.items.forEach((item) => {
        declared.set(item.id, item);
      });
    });
  });
  quoted(t.total.clause, 'table', ['total', 'clause']);
  quoted(t.total.cap.clause, 'table', ['total', 'cap', 'clause']);
  precise(t.total.points, 'table', ['total', 'points']);
  const dimSum = round2(t.dimensions.reduce((s, d) => s + d.maxPoints, 0));
  if (dimSum !== t.total.points)
    report(
      'RULE020',
      'table',
      ['total', 'points'],
      `is ${t.total.points}, but the dimensions' maxPoints add up to ${dimSum}`,
    );

  t.dimensions.forEach((dim, di) => {
    const dp: JsonPath = ['dimensions', di];
    quoted(dim.clause, 'table', [...dp, 'clause']);
    const indSum = round2(dim.indicators.reduce((s, i) => s + i.maxPoints, 0));
    if (indSum !== dim.maxPoints)
      report(
        'RULE020',
        'table',
        [...dp, 'maxPoints'],
        `dimension ${dim.id} has maxPoints ${dim.maxPoints}, but its indicators add up to ${indSum}`,
      );
    dim.indicators.forEach((ind, ii) => {
      const ip: JsonPath = [...dp, 'indicators', ii];
      quoted(ind.clause, 'table', [...ip, 'clause']);
      const itemSum = round2(ind.items.reduce((s, i) => s + i.maxPoints, 0));
      if (itemSum !== ind.maxPoints)
        report(
          'RULE020',
          'table',
          [...ip, 'maxPoints'],
          `indicator ${ind.id} has maxPoints ${ind.maxPoints}, but its items add up to ${itemSum}`,
        );
      ind.items.forEach((item, ti) => {
        const tp: JsonPath = [...ip, 'items', ti];
        itemIds.push([item.id, [...tp, 'id']]);
        precise(item.maxPoints, 'table', [...tp, 'maxPoints']);
        quoted(item.assesses, 'table', [...tp, 'assesses']);
        quoted(item.criteria, 'table', [...tp, 'criteria']);
        (item.interpretations ?? []).forEach((id, n) => {
          use(id, 'table', [...tp, 'interpretations', n]);
        });
        textNumberWarnings(item, tp, report);
        const read = new Set<string>();
        item.rules.forEach((rule, ri) => {
          const rp: JsonPath = [...tp, 'rules', ri];
          ruleIds.push([rule.id, [...rp, 'id']]);
          checkRule(item, rule, rp, declared, read, report, use, quoted, precise);
        });
        for (const name of Object.keys(item.findings))
          if (!read.has(name))
            report(
              'RULE014',
              'table',
              [...tp, 'findings', name],
              `finding "${name}" of item ${item.id} is read by no rule`,
              'error',
            );
      });
    });
  });
  duplicates(itemIds, 'table', 'item', report);
  duplicates(ruleIds, 'table', 'rule', report);
}

function checkRule(
  item: Item,
  rule: Rule,
  rp: JsonPath,
  declared: Map<string, Item>,
  read: Set<string>,
  report: Report,
  use: Use,
  quoted: Quote,
  precise: Precise,
): void {
  quoted(rule.clause, 'table', [...rp, 'clause']);
  (rule.interpretations ?? []).forEach((id, n) => {
    use(id, 'table', [...rp, 'interpretations', n]);
  });
  const ownerId = rule.kind === 'zeroIf' && rule.ofItem ? rule.ofItem : item.id;
  const owner = declared.get(ownerId);
  if (!owner) {
    report('RULE011', 'table', [...rp, 'ofItem'], `refers to item "${ownerId}", which the table does not have`);
    return;
  }
  const finding = owner.findings[rule.finding];
  if (!finding) {
    report(
      'RULE011',
      'table',
      [...rp, 'finding'],
      `reads finding "${rule.finding}", which item ${owner.id} does not declare; declared: ${Object.keys(owner.findings).join(', ') || 'none'}`,
    );
    return;
  }
  if (owner === item) read.add(rule.finding);
  if (!findingKinds[rule.kind].includes(finding.type))
    report(
      'RULE011',
      'table',
      [...rp, 'finding'],
      `a ${rule.kind} rule reads a ${findingKinds[rule.kind].join(' or ')} finding, but "${rule.finding}" is a ${finding.type}`,
    );
  if ('points' in rule) precise(rule.points, 'table', [...rp, 'points']);
  if (rule.kind === 'perOccurrence' && rule.cap) {
    precise(rule.cap.points, 'table', [...rp, 'cap', 'points']);
    quoted(rule.cap.clause, 'table', [...rp, 'cap', 'clause']);
    if (rule.cap.points > item.maxPoints)
      report(
        'RULE021',
        'table',
        [...rp, 'cap', 'points'],
        `caps the deduction at ${rule.cap.points}, above the item's maxPoints ${item.maxPoints}`,
      );
  }
  if (rule.kind === 'zeroIf' && finding.type === 'count' && rule.atLeast === undefined)
    report('RULE011', 'table', [...rp], `reads count "${rule.finding}"; a zeroIf rule on a count needs atLeast`);
  if (rule.kind === 'tiers')
    checkTiers(
      item,
      rule,
      rp,
      report,
      use,
      quoted,
      precise,
      finding.minimum ?? 0,
      finding.type === 'percent' && finding.maximum === undefined ? 100 : (finding.maximum ?? null),
    );
  if (rule.kind === 'choice') {
    const options = rule.options.map((o) => o.value);
    const allowed = finding.options ?? [];
    if (options.join() !== allowed.join() && [...options].sort().join() !== [...allowed].sort().join())
      report(
        'RULE023',
        'table',
        [...rp, 'options'],
        `gives scores for ${options.join(', ')}, but finding "${rule.finding}" allows ${allowed.join(', ')}`,
      );
    rule.options.forEach((o, n) => {
      quoted(o.clause, 'table', [...rp, 'options', n, 'clause']);
      if (o.score > item.maxPoints)
        report(
          'RULE023',
          'table',
          [...rp, 'options', n, 'score'],
          `scores ${o.score}, above the item's maxPoints ${item.maxPoints}`,
        );
    });
  }
  if (rule.kind === 'bonus' && !item.bonus)
    report('RULE011', 'table', [...rp, 'kind'], `a bonus rule belongs to an item marked bonus: true`);
}

// Tiers are a decision table over one number: every reachable value must fall in exactly one tier.
function checkTiers(
  item: Item,
  rule: Extract<Rule, { kind: 'tiers' }>,
  rp: JsonPath,
  report: Report,
  use: Use,
  quoted: Quote,
  precise: Precise,
  lo: number,
  hi: number | null,
): void {
  rule.tiers.forEach((tier, n) => {
    const tp: JsonPath = [...rp, 'tiers', n];
    quoted(tier.clause, 'table', [...tp, 'clause']);
    (tier.interpretations ?? []).forEach((id, k) => {
      use(id, 'table', [...tp, 'interpretations', k]);
    });
    const outcomes = ['score', 'deduct', 'zero'].filter((k) => k in tier);
    if (outcomes.length !== 1)
      report(
        'RULE022',
        'table',
        tp,
        `needs exactly one of score, deduct or zero; has ${outcomes.join(', ') || 'none'}`,
      );
    for (const k of ['score', 'deduct'] as const) {
      const v = tier[k];
      if (v === undefined) continue;
      precise(v, 'table', [...tp, k]);
      if (v > item.maxPoints)
        report('RULE023', 'table', [...tp, k], `${k} ${v} is above the item's maxPoints ${item.maxPoints}`);
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
    if (hits.length === 0) report('RULE022', 'table', [...rp, 'tiers'], `no tier covers the value ${p}`);
    if (hits.length > 1)
      report('RULE022', 'table', [...rp, 'tiers'], `tiers ${hits.join(' and ')} overlap at the value ${p}`);
  }
}

export function inBounds(v: number, w: { gte?: number; gt?: number; lte?: number; lt?: number }): boolean {
  return (
    (w.gte === undefined || v >= w.gte) &&
    (w.gt === undefined || v > w.gt) &&
    (w.lte === undefined || v <= w.lte) &&
    (w.lt === undefined || v < w.lt)
  );
}

// 16 and 17 say 得5分 where 分值 is 3 and 4, 18 says 加2分 where it is 3: a reviewer must see these.
function textNumberWarnings(item: Item, tp: JsonPath, report: Report): void {
  const verb = item.bonus ? '加' : '得';
  for (const m of item.criteria.matchAll(new RegExp(`${verb}(\\d+(?:\\.\\d+)?)分`, 'g'))) {
    const named = Number(m[1]);
    if (item.bonus ? named !== item.maxPoints : named > item.maxPoints) {
      const readings = [...(item.interpretations ?? []), ...item.rules.flatMap((r) => r.interpretations ?? [])];
      report(
        'RULE060',
        'table',
        [...tp, 'criteria'],
        `says ${m[0]} but maxPoints is ${item.maxPoints}${readings.length ? ` (read as: ${readings.join(', ')})` : ''}`,
        'warning',
      );
    }
  }
}

function checkGrading(parts: RulesetParts, report: Report, use: Use, quoted: Quote): void {
  const g = parts.grading;
  const total = parts.table.total.points;
  quoted(g.bands.clause, 'grading', ['bands', 'clause']);
  use(g.bands.interpretation, 'grading', ['bands', 'interpretation']);
  const bands = g.bands.grades.map((b, n) => ({ ...b, n })).sort((a, b) => b.from - a.from);
  g.bands.grades.forEach((b, n) => {
    quoted(b.clause, 'grading', ['bands', 'grades', n, 'clause']);
    if (b.description) quoted(b.description, 'grading', ['bands', 'grades', n, 'description']);
    if (b.from > b.to)
      report(
        'RULE030',
        'grading',
        ['bands', 'grades', n],
        `band ${b.grade} runs from ${b.from} to ${b.to}: from must not exceed to`,
      );
  });
  if (bands.length && bands[0].to < total)
    report(
      'RULE030',
      'grading',
      ['bands', 'grades', bands[0].n, 'to'],
      `the highest band ends at ${bands[0].to}; scores up to ${total} get no grade`,
    );
  if (bands.length && bands[bands.length - 1].from > 0)
    report(
      'RULE030',
      'grading',
      ['bands', 'grades', bands[bands.length - 1].n, 'from'],
      `the lowest band starts at ${bands[bands.length - 1].from}; scores from 0 get no grade`,
    );
  for (let i = 0; i + 1 < bands.length; i++) {
    const upper = bands[i],
      lower = bands[i + 1];
    const path: JsonPath = ['bands', 'grades', lower.n, 'to'];
    if (lower.to >= upper.from)
      report(
        'RULE030',
        'grading',
        path,
        `bands ${lower.grade} (to ${lower.to}) and ${upper.grade} (from ${upper.from}) overlap`,
      );
    else if (upper.from - lower.to > 1)
      report('RULE030', 'grading', path, `scores between ${lower.to} and ${upper.from} fall in no band`);
    else if (upper.from > lower.to && !g.bands.interpretation)
      report(
        'RULE030',
        'grading',
        path,
        `scores between ${lower.to} and ${upper.from} (such as ${lower.to + 0.5}) fall in no band; add bands.interpretation to say which band takes them`,
      );
  }
  duplicates(
    g.bands.grades.map((b, n) => [b.grade, ['bands', 'grades', n, 'grade']]),
    'grading',
    'grade',
    report,
  );

  const circumstances = g.circumstances;
  const triggerIds: [string, JsonPath][] = [];
  for (const [section, list] of [
    ['downgrade', g.downgrade.triggers],
    ['zeroScore', g.zeroScore.triggers],
  ] as const) {
    quoted(g[section].clause, 'grading', [section, 'clause']);
    list.forEach((t, n) => {
      const tp: JsonPath = [section, 'triggers', n];
      triggerIds.push([t.id, [...tp, 'id']]);
      quoted(t.clause, 'grading', [...tp, 'clause']);
      (t.interpretations ?? []).forEach((id, k) => {
        use(id, 'grading', [...tp, 'interpretations', k]);
      });
      t.conditions.forEach((c, k) => {
        const cp: JsonPath = [...tp, 'conditions', k];
        const decl = circumstances[c.circumstance];
        if (!decl)
          report(
            'RULE040',
            'grading',
            [...cp, 'circumstance'],
            `refers to circumstance "${c.circumstance}", which is not declared under circumstances; declared: ${Object.keys(circumstances).join(', ')}`,
          );
        else if (decl.type === 'count' && c.atLeast === undefined)
          report('RULE040', 'grading', cp, `reads count "${c.circumstance}" and needs atLeast`);
        else if (decl.type === 'flag' && c.atLeast !== undefined)
          report(
            'RULE040',
            'grading',
            [...cp, 'atLeast'],
            `"${c.circumstance}" is a flag; atLeast applies only to counts`,
          );
      });
    });
  }
  duplicates(triggerIds, 'grading', 'trigger', report);
  use(g.downgrade.floorInterpretation, 'grading', ['downgrade', 'floorInterpretation']);
  use(g.downgrade.onceInterpretation, 'grading', ['downgrade', 'onceInterpretation']);
  use(g.zeroScore.interpretation, 'grading', ['zeroScore', 'interpretation']);
  use(g.notRated.interpretation, 'grading', ['notRated', 'interpretation']);
  quoted(g.notRated.clause, 'grading', ['notRated', 'clause']);

  quoted(g.measures.clause, 'grading', ['measures', 'clause']);
  const results = g.measures.results;
  for (const grade of [...g.bands.grades.map((b) => b.grade), 'zero'])
    if (!results[grade])
      report(
        'RULE031',
        'grading',
        ['measures', 'results'],
        `has no measures for result "${grade}"; every grade and "zero" needs an entry`,
      );
  const measureIds: [string, JsonPath][] = [];
  for (const [key, set] of Object.entries(results)) {
    quoted(set.clause, 'grading', ['measures', 'results', key, 'clause']);
    if (set.includes !== undefined && !results[set.includes])
      report(
        'RULE031',
        'grading',
        ['measures', 'results', key, 'includes'],
        `includes the measures of "${set.includes}", which has no entry; entries: ${Object.keys(results).join(', ')}`,
      );
    set.measures.forEach((m, n) => {
      measureIds.push([m.id, ['measures', 'results', key, 'measures', n, 'id']]);
    });
  }
  duplicates(measureIds, 'grading', 'measure', report);
}

function duplicates(entries: [string, JsonPath][], file: RuleFileKey, what: string, report: Report): void {
  const seen = new Set<string>();
  for (const [id, path] of entries) {
    if (seen.has(id)) report('RULE010', file, path, `${what} id "${id}" is used twice; ids must be unique`);
    seen.add(id);
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
