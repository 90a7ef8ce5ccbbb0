// Bench: what every section of `npm run bench` is given (the rules, the seeded inputs, the command
// line) and what it gives back (its lines for BENCHMARKS.md, its rows of the summary, its missed targets).
import type { Rater } from '../rating/rater.js';
import type { RuleSet } from '../rules/ruleset.js';
import type { generateCases } from './cases.js';

export interface BenchContext {
  rater: Rater;
  rs: RuleSet;
  cases: ReturnType<typeof generateCases>;
  /** The cases' inputs as request bodies. */
  bodies: string[];
  /** `--name=value` options of the command line, without the dashes. */
  args: Map<string, string>;
}

export interface SummaryRow {
  measure: string;
  ours: string;
  /** OPA's server's figure and ours / OPA, where the section compares with it. */
  opa?: string;
  ratio?: string;
  target: string;
  met: boolean;
}

export interface SectionResult {
  /** Its part of BENCHMARKS.md, starting with its `## ` heading. */
  lines: string[];
  rows: SummaryRow[];
  /** Targets missed, each as a phrase for the "Missed" list. */
  gaps: string[];
  /** A partial measurement (such as the trail section's service runs alone): printed, not written to BENCHMARKS.md. */
  skipReport?: boolean;
}

export interface Section {
  /** The name `--only=` chooses it by. */
  name: string;
  run(ctx: BenchContext): Promise<SectionResult>;
}

/** numberArg reads `--name=N`, or the default. */
export function numberArg(ctx: BenchContext, name: string, fallback: number): number {
  const v = ctx.args.get(name);
  return v === undefined ? fallback : Number(v);
}
