// Diagnostics: the one result model of `check` (its diagnostics, rule tests and coverage), beside the
// Diagnostic it collects. Every output format is a pure function of it, and the exit code comes from it.
import type { Diagnostic } from './diagnostics.js';
import type { Message } from './message.js';

/** RuleTestRecord: one YAML rule test and how it went. */
export interface RuleTestRecord {
  /** The ruleset whose tests/ folder holds the test. */
  ruleset: string;
  file: string;
  line: number;
  name: string;
  passed: boolean;
  /** Each failed expectation in English (what tools have always read). */
  failures: string[];
  /** The same failures as catalogue keys and values, in the same order, for the reader's language. */
  failureMessages: Message[];
}

/** CoverageCategory: one kind of element of a ruleset, and which of them the rule tests reach. */
export interface CoverageCategory {
  name: CoverageCategoryName;
  total: number;
  covered: number;
  missing: string[];
}

export type CoverageCategoryName =
  | 'rules'
  | 'tiers'
  | 'choices'
  | 'caps'
  | 'zeroRules'
  | 'downgradeTriggers'
  | 'zeroScoreTriggers'
  | 'grades'
  | 'measures'
  | 'notRated';

export interface RulesetCoverage {
  ruleset: string;
  total: number;
  covered: number;
  categories: CoverageCategory[];
}

/** CheckFindings: everything one `check` run found. */
export interface CheckFindings {
  /**
   * What was checked, as displayed: each ruleset (its id and folder), each Rego folder, each
   * obligations.yaml and each folder of working-day calendars.
   */
  checked: { rulesets: { id: string; dir: string }[]; rego: string[]; obligations: string[]; calendars: string[] };
  /** Every problem, errors and warnings, in the order the stages found them. */
  diagnostics: Diagnostic[];
  ruleTests: { passed: number; failed: number; tests: RuleTestRecord[] };
  /** Present when coverage was asked for. */
  coverage?: RulesetCoverage[];
  /** Information lines: a stage skipped, and why. */
  notes: string[];
}

export function countBySeverity(report: CheckFindings): { errors: number; warnings: number } {
  const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
  return { errors, warnings: report.diagnostics.length - errors };
}

/** exitCode: 1 when the report holds any error (a failed rule test and a coverage gap are errors too), else 0. */
export function exitCode(report: CheckFindings): 0 | 1 {
  return countBySeverity(report).errors > 0 ? 1 : 0;
}
