// Diagnostics: the one result model of `check` (its diagnostics, rule tests and coverage), beside the
// Diagnostic it collects. Every output format is a pure function of it, and the exit code comes from it.
import type { Diagnostic } from './diagnostics.js';

import type {
  CheckFindings as CheckFindingsJson,
  CoverageCategory,
  CoverageCategoryName,
  RuleTestRecord,
  RulesetCoverage,
} from '../../generated/types/check/check-report.js';

// The shapes of the report are written once in schemas/check/check-report.schema.json (what
// `check --format json` prints); RuleTestRecord is one YAML rule test and how it went, CoverageCategory
// one kind of element of a ruleset and which of them the rule tests reach.
export type { CoverageCategory, CoverageCategoryName, RulesetCoverage, RuleTestRecord };

/** CheckFindings: everything one `check` run found; its diagnostics' codes are codes.ts's closed set. */
export type CheckFindings = Omit<CheckFindingsJson, 'diagnostics'> & { diagnostics: Diagnostic[] };

export function countBySeverity(report: CheckFindings): { errors: number; warnings: number } {
  const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
  return { errors, warnings: report.diagnostics.length - errors };
}

/** exitCode: 1 when the report holds any error (a failed rule test and a coverage gap are errors too), else 0. */
export function exitCode(report: CheckFindings): 0 | 1 {
  return countBySeverity(report).errors > 0 ? 1 : 0;
}
