// Check stage: runs the rule tests that policy staff write in YAML beside a ruleset, and says for
// each failing expectation what was expected, what came out, and at which line of which file.
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { RuleTestFile, RuleTest, Expectation } from '../../generated/types/rules/rule-tests.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { readablePath } from '../diagnostics/positioned.js';
import { readYamlSource, type YamlSource } from '../diagnostics/yaml-source.js';
import type { RatingResult } from '../rating/decorate.js';
import type { Rater } from '../rating/rater.js';
import { compileSchema } from '../validation/ajv.js';
import { explainMessages, pointerSegments } from '../diagnostics/explain.js';
import { type Message, type MessageParam, msg } from '../diagnostics/message.js';
import { renderMessage, said } from '../diagnostics/i18n.js';

export interface RuleTestCase {
  file: string;
  index: number;
  name: string;
  line: number;
  input: unknown;
  expect: Expectation;
}

export interface RuleTestOutcome {
  test: RuleTestCase;
  /** Each failed expectation in English (as the check JSON lists them). */
  failures: string[];
  /** The same failures as catalogue keys and values, for the text in the reader's language. */
  failureMessages: Message[];
  result?: RatingResult;
}

let validateFile: ReturnType<typeof compileSchema> | undefined;

/** loadRuleTests reads tests/*.yaml of a ruleset folder; problems with the files are diagnostics. */
export async function loadRuleTests(
  rulesetDir: string,
  displayRoot = process.cwd(),
): Promise<{ cases: RuleTestCase[]; diagnostics: Diagnostic[] }> {
  const dir = join(rulesetDir, 'tests');
  let names: string[] = [];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return { cases: [], diagnostics: [] };
  }
  validateFile ??= compileSchema('rules/rule-tests.schema.json');
  const cases: RuleTestCase[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const { source, diagnostics: found } = await readYamlSource(path, relative(displayRoot, path));
    diagnostics.push(...found);
    if (!source) continue;
    if (!validateFile(source.data)) {
      for (const p of explainMessages(validateFile.errors, source.data)) {
        // As for rule files: an unknown key is shown at the key, and paths read `tests[0].expect`.
        const segments = pointerSegments(p.path);
        const unknownKey = p.message.startsWith('unknown key');
        const { line, column } = source.locate(segments, unknownKey);
        const path = readablePath(source.data, unknownKey ? segments.slice(0, -1) : segments);
        diagnostics.push({
          code: 'TEST001',
          severity: 'error',
          file: source.file,
          line,
          column,
          path,
          message: p.message,
          messageId: p.messageId,
          params: p.params,
        });
      }
      continue;
    }
    cases.push(...casesOf(source));
  }
  return { cases, diagnostics };
}

function casesOf(source: YamlSource): RuleTestCase[] {
  const file = source.data as RuleTestFile;
  return file.tests.map((t: RuleTest, index) => ({
    file: source.file,
    index,
    name: t.name,
    line: source.locate(['tests', index]).line,
    input: merge(file.base ?? {}, t.input ?? {}),
    expect: t.expect,
  }));
}

/** merge lays `over` onto `base`: mappings merge key by key, anything else replaces. */
export function merge(base: unknown, over: unknown): unknown {
  if (!isMapping(base) || !isMapping(over)) return over;
  const out: Record<string, unknown> = { ...base };
  // Own keys only, written as data properties: a test file's "__proto__" key stays a key (and is refused as input).
  for (const [k, v] of Object.entries(over))
    Object.defineProperty(out, k, {
      value: Object.hasOwn(out, k) ? merge(out[k], v) : v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** outcomeOf: an outcome whose failures are given as messages, with their English text beside them. */
function outcomeOf(test: RuleTestCase, failureMessages: Message[], result?: RatingResult): RuleTestOutcome {
  const failures = failureMessages.map((m) => renderMessage(m, 'en'));
  return { test, failures, failureMessages, ...(result ? { result } : {}) };
}

/** runRuleTest evaluates one case and compares every stated expectation. */
export function runRuleTest(rater: Rater, test: RuleTestCase): RuleTestOutcome {
  const outcome = rater.evaluate(test.input);
  const failures: Message[] = [];
  const e = test.expect;
  if (!outcome.ok) {
    // The rater's problems are its own (English) text.
    if (!e.refused)
      return outcomeOf(test, [
        msg('diag.test.refused', { problems: outcome.problems.map((p) => `${p.path} ${p.message}`).join('; ') }),
      ]);
    const paths = new Set(outcome.problems.map((p) => p.path));
    for (const p of e.refused)
      if (!paths.has(p)) failures.push(msg('diag.test.noProblemAt', { path: p, paths: [...paths].join(', ') }));
    return outcomeOf(test, failures);
  }
  if (e.refused) return outcomeOf(test, [msg('diag.test.notRefused')], outcome.result);
  const r = outcome.result;
  // `what` names the expectation: a key of the test file as written, or a message.
  const check = (what: MessageParam, expected: unknown, actual: unknown) => {
    if (JSON.stringify(expected) !== JSON.stringify(actual))
      failures.push(
        msg('diag.test.mismatch', {
          what,
          expected: JSON.stringify(expected),
          actual: JSON.stringify(actual) ?? 'undefined',
        }),
      );
  };
  if (e.rated !== undefined) check('rated', e.rated, r.rated);
  if (e.score !== undefined) check('score', e.score, r.score);
  if (e.subtotal !== undefined) check('subtotal', e.subtotal, r.subtotal);
  if (e.grade !== undefined) check('grade', e.grade, r.grade);
  if (e.baseGrade !== undefined) check('baseGrade', e.baseGrade, r.downgrade?.baseGrade ?? r.grade);
  if (e.institutionType !== undefined)
    check(msg('diag.test.what.institutionType'), e.institutionType, r.institution.type);
  for (const [id, score] of Object.entries(e.items ?? {}))
    check(msg('diag.test.what.item', { id }), score, r.items.find((i) => i.id === id)?.score);
  for (const [id, score] of Object.entries(e.dimensions ?? {}))
    check(msg('diag.test.what.dimension', { id }), score, r.dimensions.find((d) => d.id === id)?.score);
  const deductions = new Map(r.items.flatMap((i) => i.deductions.map((d) => [d.rule, d] as const)));
  for (const [rule, points] of Object.entries(e.deductions ?? {})) {
    const d = deductions.get(rule);
    if (!d) failures.push(msg('diag.test.notApplied', { rule, points }));
    else check(msg('diag.test.what.rule', { rule }), points, d.zero ? 0 : d.points);
  }
  if (e.capped)
    check(
      msg('diag.test.what.capped'),
      [...e.capped].sort(),
      [...deductions.values()]
        .filter((d) => d.capped)
        .map((d) => d.rule)
        .sort(),
    );
  if (e.floored)
    check(
      msg('diag.test.what.floored'),
      [...e.floored].sort(),
      r.items
        .filter((i) => i.floored)
        .map((i) => i.id)
        .sort(),
    );
  if (e.zeroScore) check(msg('diag.test.what.zeroScore'), e.zeroScore, r.zeroScore?.triggers.map((t) => t.id) ?? []);
  if (e.downgrade) check(msg('diag.test.what.downgrade'), e.downgrade, r.downgrade?.triggers.map((t) => t.id) ?? []);
  if (e.measures !== undefined) check('measures', e.measures, r.measures?.result ?? null);
  for (const id of e.interpretations ?? [])
    if (!r.interpretations.some((i) => i.id === id))
      failures.push(
        msg('diag.test.notListed', {
          id,
          listed: r.interpretations.map((i) => i.id).join(', ') || msg('diag.test.none'),
        }),
      );
  return outcomeOf(test, failures, r);
}

/** failureDiagnostics positions failed tests at their line, for every check output format. */
export function failureDiagnostics(outcomes: RuleTestOutcome[]): Diagnostic[] {
  return outcomes
    .filter((o) => o.failures.length)
    .map((o) => ({
      code: 'TEST002',
      severity: 'error' as const,
      file: o.test.file,
      line: o.test.line,
      column: 5,
      path: `tests[${o.test.index}]`,
      // The failures name fields of the test file and values (`score: expected 8.5, got 9`): `failures` is
      // their English text (as the JSON has always had it), `details` the same as messages, which the text
      // of either language is made from.
      ...said(
        msg('diag.test.failed', {
          name: o.test.name,
          failures: o.failures.join('; '),
          details: o.failureMessages.reduceRight((rest, first) => msg('diag.test.failureSeparator', { first, rest })),
        }),
      ),
    }));
}
