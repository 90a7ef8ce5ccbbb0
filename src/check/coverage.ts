// Check stage: rule coverage. Lists every element of a ruleset a rule test can reach (rules, tiers,
// choice options, caps, zero rules, triggers, grades, measure results, the not-rated case), marks
// those the decorated results of the rule tests reached, and positions each one missed at its line.
import { join } from 'node:path';
import type { RatingResult } from '../rating/decorate.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { type Message, msg } from '../diagnostics/message.js';
import { said } from '../diagnostics/i18n.js';
import { readablePath } from '../diagnostics/positioned.js';
import { type Grading, ruleFiles, type RuleFileKey, type RuleSet, type Rule } from '../rules/ruleset.js';
import { inBounds } from '../rules/semantic.js';
import { readYamlSource, type JsonPath, type YamlSource } from '../diagnostics/yaml-source.js';
import type { CoverageCategoryName, RulesetCoverage } from '../diagnostics/findings.js';

/** Element: one thing a rule test can reach, with where it is written. */
export interface Element {
  category: CoverageCategoryName;
  id: string;
  file: RuleFileKey;
  path: JsonPath;
  /** What it is, for the message: `tier 1 (gte 96, lt 97) of rule "7.3:data-quality-score"`. */
  label: Message;
}

/** The coverage categories, in report order (each also names its `diag.coverage.missed.*` message). */
export const coverageCategories: CoverageCategoryName[] = [
  'rules',
  'tiers',
  'choices',
  'caps',
  'zeroRules',
  'downgradeTriggers',
  'zeroScoreTriggers',
  'grades',
  'measures',
  'notRated',
];

/** elementsOf lists the elements of a ruleset in the order of its files. */
export function elementsOf(rs: RuleSet): Element[] {
  const out: Element[] = [];
  rs.table.dimensions.forEach((d, di) => {
    d.indicators.forEach((ind, ii) => {
      ind.items.forEach((item, ti) => {
        item.rules.forEach((rule, ri) => {
          out.push(...ruleElements(rule, ['dimensions', di, 'indicators', ii, 'items', ti, 'rules', ri]));
        });
      });
    });
  });
  return [...out, ...gradingElements(rs.grading)];
}

/** element: one element of a rule file. */
function element(
  file: RuleFileKey,
  category: CoverageCategoryName,
  id: string,
  path: JsonPath,
  label: Message,
): Element {
  return { category, id, file, path, label };
}

/** ruleElements: a rule of the scoring table, and its tiers, options, cap or zeroing. */
function ruleElements(rule: Rule, rp: JsonPath): Element[] {
  const of = rule.id;
  const out = [element('table', 'rules', rule.id, rp, msg('diag.coverage.rule', { rule: of, kind: rule.kind }))];
  if (rule.kind === 'tiers')
    rule.tiers.forEach((t, n) => {
      out.push(
        element(
          'table',
          'tiers',
          `${rule.id}#${n}`,
          [...rp, 'tiers', n],
          msg('diag.coverage.tier', { n, bounds: bounds(t.when), rule: of }),
        ),
      );
    });
  if (rule.kind === 'choice')
    rule.options.forEach((o, n) => {
      out.push(
        element(
          'table',
          'choices',
          `${rule.id}=${o.value}`,
          [...rp, 'options', n],
          msg('diag.coverage.option', { value: o.value, rule: of }),
        ),
      );
    });
  if (rule.kind === 'perOccurrence' && rule.cap)
    out.push(
      element(
        'table',
        'caps',
        rule.id,
        [...rp, 'cap'],
        msg('diag.coverage.cap', { points: rule.cap.points, rule: of }),
      ),
    );
  if (rule.kind === 'zeroIf')
    out.push(element('table', 'zeroRules', rule.id, rp, msg('diag.coverage.zeroRule', { rule: rule.id })));
  return out;
}

/** gradingElements: the triggers, grades, measure results and not-rated case of grading.yaml. */
function gradingElements(g: Grading): Element[] {
  const at = (category: CoverageCategoryName, id: string, path: JsonPath, label: Message) =>
    element('grading', category, id, path, label);
  return [
    ...g.downgrade.triggers.map((t, n) =>
      at('downgradeTriggers', t.id, ['downgrade', 'triggers', n], msg('diag.coverage.downgradeTrigger', { id: t.id })),
    ),
    ...g.zeroScore.triggers.map((t, n) =>
      at('zeroScoreTriggers', t.id, ['zeroScore', 'triggers', n], msg('diag.coverage.zeroScoreTrigger', { id: t.id })),
    ),
    ...g.bands.grades.map((b, n) =>
      at('grades', b.grade, ['bands', 'grades', n], msg('diag.coverage.grade', { grade: b.grade })),
    ),
    ...Object.keys(g.measures.results).map((key) =>
      at('measures', key, ['measures', 'results', key], msg('diag.coverage.measures', { result: key })),
    ),
    at('notRated', 'notRated', ['notRated'], msg('diag.coverage.notRated')),
  ];
}

function bounds(w: { gte?: number; gt?: number; lte?: number; lt?: number }): string {
  return Object.entries(w)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** TestedCase: an input a rule test evaluated and the result it got. */
export interface TestedCase {
  input: unknown;
  result: RatingResult;
}

/** reachedBy gives the keys (`category:id`) of the elements a set of results reached. */
export function reachedBy(rs: RuleSet, cases: readonly TestedCase[]): Set<string> {
  const hit = new Set<string>();
  const mark = (category: CoverageCategoryName, id: string) => hit.add(`${category}:${id}`);
  for (const { input, result: r } of cases) {
    if (r.ruleset.id !== rs.id) continue;
    if (!r.rated) {
      mark('notRated', 'notRated');
      continue;
    }
    for (const item of r.items)
      for (const d of item.deductions) {
        mark('rules', d.rule);
        if (d.capped) mark('caps', d.rule);
        if (d.zero && rs.rules.get(d.rule)?.rule.kind === 'zeroIf') mark('zeroRules', d.rule);
      }
    // A tier or choice decides the item's points whenever its value is read, deducting or not.
    for (const { rule, item } of rs.rules.values()) {
      if (rule.kind !== 'tiers' && rule.kind !== 'choice') continue;
      const deduction = r.items.find((i) => i.id === item.id)?.deductions.find((d) => d.rule === rule.id);
      const value = deduction?.value ?? findingValue(input, item.id, rule.finding);
      const option = optionOf(rule, value);
      if (option === undefined) continue;
      mark('rules', rule.id);
      mark(rule.kind === 'tiers' ? 'tiers' : 'choices', `${rule.id}${option}`);
    }
    for (const t of r.zeroScore?.triggers ?? []) mark('zeroScoreTriggers', t.id);
    for (const t of r.downgrade?.triggers ?? []) mark('downgradeTriggers', t.id);
    if (r.grade) mark('grades', r.grade);
    if (r.measures) mark('measures', r.measures.result);
  }
  return hit;
}

// The tier (`#i`, the first whose bounds hold, as the policy takes it) or option (`=value`) a value selects.
function optionOf(rule: Extract<Rule, { kind: 'tiers' | 'choice' }>, value: unknown): string | undefined {
  if (rule.kind === 'tiers') {
    if (typeof value !== 'number') return undefined;
    const i = rule.tiers.findIndex((t) => inBounds(value, t.when));
    return i < 0 ? undefined : `#${i}`;
  }
  return rule.options.some((o) => o.value === value) ? `=${String(value)}` : undefined;
}

function findingValue(input: unknown, item: string, finding: string): unknown {
  const findings = (input as { findings?: Record<string, Record<string, unknown> | undefined> } | null)?.findings;
  return findings?.[item]?.[finding];
}

/** coverageOf summarises, per category, what the cases reached and what they missed. */
export function coverageOf(
  rs: RuleSet,
  cases: readonly TestedCase[],
): { coverage: RulesetCoverage; missed: Element[] } {
  const elements = elementsOf(rs);
  const hit = reachedBy(rs, cases);
  const missed = elements.filter((e) => !hit.has(`${e.category}:${e.id}`));
  const cats = coverageCategories
    .map((name) => {
      const all = elements.filter((e) => e.category === name);
      const missing = missed.filter((e) => e.category === name).map((e) => e.id);
      return { name, total: all.length, covered: all.length - missing.length, missing };
    })
    .filter((c) => c.total > 0);
  const total = elements.length;
  return { coverage: { ruleset: rs.id, total, covered: total - missed.length, categories: cats }, missed };
}

/** coverageDiagnostics positions each missed element (COV001) in the rule file that declares it. */
export async function coverageDiagnostics(
  dir: string,
  displayDir: string,
  missed: readonly Element[],
): Promise<Diagnostic[]> {
  const sources = new Map<RuleFileKey, YamlSource | undefined>();
  const out: Diagnostic[] = [];
  for (const e of missed) {
    if (!sources.has(e.file))
      sources.set(
        e.file,
        (await readYamlSource(join(dir, ruleFiles[e.file]), join(displayDir, ruleFiles[e.file]))).source,
      );
    const source = sources.get(e.file);
    const at = source ? source.locate(e.path) : undefined;
    out.push({
      code: 'COV001',
      severity: 'error',
      file: source?.file ?? join(displayDir, ruleFiles[e.file]),
      line: at?.line,
      column: at?.column,
      path: source ? readablePath(source.data, e.path) : undefined,
      ...said(msg(`diag.coverage.missed.${e.category}`, { what: e.label })),
    });
  }
  return out;
}
