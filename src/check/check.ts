// Check stage: the whole `check` pipeline, top to bottom: resolve the paths, validate every rule file,
// the obligations data and the working-day calendars, check and lint the Rego, run the YAML rule
// tests, and (when asked) measure their coverage. The result is one CheckFindings; the CLI only picks
// its format and exit code.
import { basename, join, relative, resolve, sep } from 'node:path';
import { ensureOpa } from '../toolchain/ensure-opa.js';
import { policiesDir, wasmPath } from '../artifacts/artifacts.js';
import { obligationsFile } from '../obligations/load.js';
import { coverageDiagnostics, coverageOf } from './coverage.js';
import { lintRego, findRegal, regalVersion } from './regal.js';
import { obligationsFolders, validateObligations } from './obligations.js';
import { checkRego } from './rego.js';
import type { CheckFindings } from '../diagnostics/findings.js';
import { validateRules } from './rules.js';
import { runRuleTests } from './run-rule-tests.js';
import { resolveTargets, rulesetFolders, type Targets } from './targets.js';
import type { PolicyData } from '../../generated/types/policy/data.js';
import { compilePolicyData } from '../rules/compile.js';
import { loadRuleset } from '../rules/load.js';

export interface CheckOptions {
  /** Ruleset folders, folders of rulesets, policies folders, calendars folders or Rego folders; the repo's policies/ by default. */
  paths?: readonly string[];
  /** Measure rule coverage; every element no rule test reaches is an error (COV001). */
  coverage?: boolean;
  /** Files are shown relative to this folder (the working folder by default). */
  cwd?: string;
  /** The compiled policy the rule tests run on. */
  wasm?: string;
  /** The OPA binary; found or installed (ensureOpa) when needed and not given. */
  opa?: string;
  /** The Regal binary; looked for when undefined, not run when null. */
  regal?: string | null;
}

/** runCheck runs every check on the paths and returns all that was found. */
export async function runCheck(opts: CheckOptions = {}): Promise<CheckFindings> {
  const root = opts.cwd ?? process.cwd();
  const targets = resolveTargets(opts.paths?.length ? opts.paths : [policiesDir], root);
  const shown = (dir: string) => relative(root, dir) || '.';
  const report: CheckFindings = {
    checked: {
      rulesets: [...targets.rulesetRoots.flatMap(rulesetFolders), ...targets.rulesets].map((dir) => ({
        id: basename(dir),
        dir: shown(dir),
      })),
      rego: targets.rego.map(shown),
      obligations: obligationsFolders(targets).map((dir) => shown(join(dir, obligationsFile))),
      calendars: targets.calendars.map(shown),
    },
    diagnostics: [],
    ruleTests: { passed: 0, failed: 0, tests: [] },
    notes: [],
  };
  const rules = await validateRules(targets, root);
  report.diagnostics.push(...rules, ...(await validateObligations(targets, root)));
  // Only the rule files hold back a ruleset's rule tests: rating reads neither obligations.yaml nor the calendars.
  const blocked = (dir: string) => rules.some((d) => d.severity === 'error' && isUnder(resolve(root, d.file), dir));

  if (targets.rego.length) {
    report.diagnostics.push(
      ...(await checkRego(opts.opa ?? ensureOpa(), targets.rego, root, await compiledOf(targets))),
    );
    const regal = opts.regal === null ? undefined : (opts.regal ?? findRegal()?.bin);
    if (regal) {
      const lint = lintRego(regal, targets.rego, root);
      report.diagnostics.push(...lint.diagnostics);
      report.notes.push(...lint.notes);
    } else if (opts.regal !== null) {
      report.notes.push(
        `Rego lint skipped: regal is not installed (\`node dist/check/ensure-regal.js\` builds Regal ${regalVersion} with go)`,
      );
    }
  }

  const tests = await runRuleTests(targets, opts.wasm ?? wasmPath, root, blocked);
  report.diagnostics.push(...tests.diagnostics);
  report.notes.push(...tests.notes);
  report.ruleTests = {
    passed: tests.records.filter((t) => t.passed).length,
    failed: tests.records.filter((t) => !t.passed).length,
    tests: tests.records,
  };

  if (opts.coverage) {
    report.coverage = [];
    const cases = tests.runs.flatMap((r) =>
      r.outcome.result ? [{ input: r.test.input, result: r.outcome.result }] : [],
    );
    for (const { ruleset, dir } of tests.rulesets) {
      const { coverage, missed } = coverageOf(ruleset, cases);
      report.coverage.push(coverage);
      report.diagnostics.push(...(await coverageDiagnostics(dir, shown(dir), missed)));
    }
  }
  return report;
}

// The policy data of the first ruleset checked that loads: the Rego tests run on what its rules compile
// to. None among the targets (only Rego folders given): checkRego takes the repo's ruleset in force.
async function compiledOf(targets: Targets): Promise<PolicyData | undefined> {
  for (const dir of [...targets.rulesetRoots.flatMap(rulesetFolders), ...targets.rulesets]) {
    try {
      return compilePolicyData(await loadRuleset(dir));
    } catch {
      // Its problems are the rule files' diagnostics; the next ruleset, or the default, serves the tests.
    }
  }
  return undefined;
}

function isUnder(file: string, dir: string): boolean {
  return file === dir || file.startsWith(`${dir}${sep}`);
}
