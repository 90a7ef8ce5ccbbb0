// Check stage: runs every ruleset's YAML rule tests (tests/*.yaml) through the compiled policy, as a
// rating would. Rules with errors are not run (their errors are already reported); a ruleset given on
// its own is loaded from a copy when its neighbours do not load.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { RulesError } from '../diagnostics/diagnostics.js';
import type { RuleSet } from '../rules/ruleset.js';
import { Rater } from '../rating/rater.js';
import type { RuleTestRecord } from '../diagnostics/findings.js';
import {
  failureDiagnostics,
  loadRuleTests,
  runRuleTest,
  type RuleTestCase,
  type RuleTestOutcome,
} from './rule-tests.js';
import { rulesetFolders, type Targets } from './targets.js';

/** RuleTestRun: one test, what it gave, and the ruleset folder whose tests/ holds it. */
export interface RuleTestRun {
  dir: string;
  test: RuleTestCase;
  outcome: RuleTestOutcome;
}

/** TestedRuleset: a loaded ruleset and the folder its files were read from. */
export interface TestedRuleset {
  ruleset: RuleSet;
  dir: string;
}

export interface RuleTestsResult {
  runs: RuleTestRun[];
  records: RuleTestRecord[];
  rulesets: TestedRuleset[];
  diagnostics: Diagnostic[];
  notes: string[];
}

/** runRuleTests loads and runs the tests of every target ruleset; blocked tells which folders have rule errors. */
export async function runRuleTests(
  targets: Targets,
  wasm: string,
  root: string,
  blocked: (dir: string) => boolean,
): Promise<RuleTestsResult> {
  const result: RuleTestsResult = { runs: [], records: [], rulesets: [], diagnostics: [], notes: [] };
  const groups = [
    ...targets.rulesetRoots.map((r) => ({
      dirs: rulesetFolders(r),
      blocked: blocked(r),
      load: () => Rater.load(r, wasm),
    })),
    ...targets.rulesets.map((d) => ({ dirs: [d], blocked: blocked(d), load: () => loadAlone(d, wasm) })),
  ];
  for (const group of groups) {
    const suites = [];
    for (const dir of group.dirs) {
      const { cases, diagnostics } = await loadRuleTests(dir, root);
      result.diagnostics.push(...diagnostics);
      suites.push({ dir, cases });
    }
    const shown = group.dirs.map((d) => relative(root, d) || d).join(', ');
    if (group.blocked) {
      result.notes.push(`rule tests of ${shown} not run: the rules have errors`);
      continue;
    }
    let rater: Rater;
    try {
      rater = await group.load();
    } catch (err) {
      if (!(err instanceof RulesError)) throw err;
      result.notes.push(`rule tests of ${shown} not run: the rules do not load`);
      continue;
    }
    for (const dir of group.dirs) {
      const rs = rater.registry.rulesets.find((r) => r.id === basename(dir));
      if (rs) result.rulesets.push({ ruleset: rs, dir });
    }
    for (const { dir, cases } of suites) {
      const outcomes = cases.map((test) => runRuleTest(rater, test));
      result.diagnostics.push(...failureDiagnostics(outcomes));
      outcomes.forEach((outcome, i) => {
        result.runs.push({ dir, test: cases[i], outcome });
        const t = cases[i];
        result.records.push({
          ruleset: basename(dir),
          file: t.file,
          line: t.line,
          name: t.name,
          passed: outcome.failures.length === 0,
          failures: outcome.failures,
          failureMessages: outcome.failureMessages,
        });
      });
    }
  }
  return result;
}

// A ruleset on its own: from its own rulesets folder when that loads, else from a copy beside no other.
async function loadAlone(dir: string, wasm: string): Promise<Rater> {
  try {
    const rater = await Rater.load(dirname(dir), wasm);
    if (rater.registry.rulesets.some((r) => r.dir === dir || r.id === basename(dir))) return rater;
  } catch (err) {
    if (!(err instanceof RulesError)) throw err;
  }
  const tmp = await mkdtemp(join(tmpdir(), 'credit-policy-check-'));
  try {
    await cp(dir, join(tmp, basename(dir)), { recursive: true, filter: (src) => basename(src) !== 'tests' });
    return await Rater.load(tmp, wasm);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
