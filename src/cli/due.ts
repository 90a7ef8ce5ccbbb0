// CLI: `due --obligation ID --start DATE`: when an obligation falls due for a reporter, on the
// working-day calendar, and (with --submitted or --as-of) whether it was met.
import { cliLang } from './lang.js';
import type { Command } from 'commander';
import { wasmPath } from '../artifacts/artifacts.js';
import { civil, parseLooseDate } from '../obligations/dates.js';
import { calendarsDir, ObligationService } from '../obligations/service.js';
import { renderDueText } from '../render/obligations/text.js';
import { SelectionError } from '../rules/registry.js';
import { type Explained, explained } from '../diagnostics/explain.js';
import { renderProblemsText } from '../render/rating/text.js';

/** ServiceOptions: the folders every obligations command reads, overridable for tests. */
export interface ServiceFlags {
  rules?: string;
  calendars: string;
  wasm: string;
}

/** withServiceOptions adds --rules, --calendars and --wasm to a command. */
export function withServiceOptions(command: Command): Command {
  return command
    .option(
      '--rules <dir>',
      'the ruleset folder holding obligations.yaml (default: the ruleset in force for the year asked about)',
    )
    .option('--calendars <dir>', 'folder of working-day calendars, one <year>.yaml each', calendarsDir)
    .option('--wasm <file>', 'compiled policy', wasmPath);
}

/** loadService loads the obligations of --rules, or of the ruleset in force for `year` (default: this year). */
export function loadService(flags: ServiceFlags, year?: number): Promise<ObligationService> {
  return ObligationService.load({
    rulesetDir: flags.rules,
    calendarsDir: flags.calendars,
    wasmPath: flags.wasm,
    ...(year !== undefined ? { year } : {}),
  });
}

/** serviceForYear loads the obligations in force for a year, or refuses (exit 1) a year no ruleset decides. */
export async function serviceForYear(
  flags: ServiceFlags & { json?: boolean },
  year: number | undefined,
  at: string,
  source: string,
): Promise<ObligationService | undefined> {
  try {
    return await loadService(flags, year);
  } catch (err) {
    if (!(err instanceof SelectionError)) throw err;
    refuse(source, [explained(at, err.said, err.allowed)], flags.json);
    return undefined;
  }
}

/**
 * refuse prints why a question was refused (JSON on stdout with --json: the English text with its key and
 * values beside it; else a line per problem in the run's language) and sets exit code 1.
 */
export function refuse(source: string, problems: Explained[], json: boolean | undefined): void {
  if (json) process.stdout.write(`${JSON.stringify({ problems }, null, 2)}\n`);
  else process.stderr.write(renderProblemsText(source, problems, cliLang()));
  process.exitCode = 1;
}

interface DueFlags extends ServiceFlags {
  obligation: string;
  start: string;
  reporter?: string;
  institution?: string;
  branchOf?: string;
  submitted?: string;
  asOf?: string;
  json?: boolean;
}

export function registerDue(program: Command): void {
  withServiceOptions(
    program
      .command('due')
      .description(
        'when an obligation of 银发〔2018〕102号 falls due, on the working-day calendar, and whether it was met',
      )
      .requiredOption('--obligation <id>', 'an obligation id of obligations.yaml, e.g. monthly-security-report')
      .requiredOption(
        '--start <date>',
        'the date that starts the clock (YYYY-MM-DD; a month YYYY-MM for a monthly report; a year YYYY for the rating timeline)',
      )
      .option('--reporter <kind>', 'national | local | branch | operator | pboc | pboc-branch | pboc-any-branch')
      .option('--institution <name>', 'the institution, instead of --reporter (a name of annex 1 is national)')
      .option('--branch-of <name>', 'with --institution: the institution it is a branch of')
      .option('--submitted <date>', 'the day it was done: says on time or late')
      .option('--as-of <date>', 'judge a deadline not yet met as of this day (pending or missing)')
      .option('--json', 'print the answer as JSON'),
  ).action(async (flags: DueFlags) => {
    const start = parseLooseDate(flags.start);
    const service = await serviceForYear(flags, start === undefined ? undefined : civil(start).year, '/start', 'due');
    if (!service) return;
    const request: Record<string, unknown> = { obligation: flags.obligation, start: flags.start };
    if (flags.reporter !== undefined) request.reporter = flags.reporter;
    if (flags.institution !== undefined)
      request.institution = { name: flags.institution, ...(flags.branchOf ? { branchOf: flags.branchOf } : {}) };
    if (flags.submitted !== undefined) request.submitted = flags.submitted;
    if (flags.asOf !== undefined) request.asOf = flags.asOf;
    const outcome = service.due(request);
    if (!outcome.ok) return refuse('due', outcome.problems, flags.json);
    process.stdout.write(
      flags.json ? `${JSON.stringify(outcome.result, null, 2)}\n` : renderDueText(outcome.result, cliLang()),
    );
  });
}
