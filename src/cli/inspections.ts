// CLI: `inspections status PLAN_DIR --as-of DATE`: the inspections of annex 4 (征信信息安全巡查试行办法)
// in a folder of yearly plans: what is due, overdue, late, missing or complete, each with its clause.
import { translator } from '../diagnostics/i18n.js';
import { cliLang } from './lang.js';
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { rulesetsDir, wasmPath } from '../artifacts/artifacts.js';
import { readPlanDir } from '../inspections/plans.js';
import { InspectionService } from '../inspections/service.js';
import { calendarsDir } from '../obligations/service.js';
import { civil, formatIsoDate, parseIsoDate, today } from '../obligations/dates.js';
import { Registry, SelectionError } from '../rules/registry.js';
import { diagnosticLine } from '../render/diagnostics/text.js';
import { inspectionsFormats, type InspectionsFormat } from '../render/inspections/formats.js';
import { refuse } from './due.js';
import { explained } from '../diagnostics/explain.js';
import { UsageError } from './io.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';

interface InspectionFlags {
  asOf?: string;
  out?: string;
  format: InspectionsFormat;
  rules?: string;
  calendars: string;
  wasm: string;
}

export function registerInspections(program: Command): void {
  const inspections = program
    .command('inspections')
    .description('the inspections of annex 4 (征信信息安全巡查试行办法): plans, records, deadlines and coverage');
  inspections
    .command('status')
    .description(
      'what is due, overdue, late, missing or complete in a folder of inspection plans, each with its clause',
    )
    .argument('<plan-dir>', 'folder of plan files (*.yaml, *.yml, *.json), one per organizing unit and year')
    .option('--as-of <date>', 'judge as of this day (YYYY-MM-DD); today when left out')
    .option('--out <file>', 'write to this file (required for xlsx on a terminal)')
    .addOption(
      new Option('--format <format>', 'output format').choices(Object.keys(inspectionsFormats)).default('text'),
    )
    .option(
      '--rules <dir>',
      'the ruleset folder holding inspections.yaml (default: the ruleset in force for the year of --as-of)',
    )
    .option('--calendars <dir>', 'folder of working-day calendars, one <year>.yaml each', calendarsDir)
    .option('--wasm <file>', 'compiled policy', wasmPath)
    .action(async (dir: string, flags: InspectionFlags) => {
      const json = flags.format === 'json';
      if (flags.format === 'xlsx' && !flags.out && process.stdout.isTTY)
        throw new UsageError(translator(cliLang())('cli.report.xlsxBinary'));
      const { plans, diagnostics } = await readPlanDir(dir);
      if (diagnostics.some((d) => d.severity === 'error')) {
        if (json) process.stdout.write(`${JSON.stringify({ problems: diagnostics.map(planProblem) }, null, 2)}\n`);
        else process.stderr.write(diagnostics.map((d) => `${diagnosticLine(d, cliLang())}\n`).join(''));
        process.exitCode = 1;
        return;
      }
      const asOf = flags.asOf ?? formatIsoDate(today());
      const rulesetDir = flags.rules ?? (await rulesInForce(asOf, json));
      if (rulesetDir === undefined) return;
      const service = await InspectionService.load({ rulesetDir, calendarsDir: flags.calendars, wasmPath: flags.wasm });
      const outcome = service.status(plans, asOf);
      if (!outcome.ok) return refuse('inspections status', outcome.problems, json);
      const bytes = await inspectionsFormats[flags.format](outcome.result, cliLang());
      if (flags.out) await writeFile(flags.out, bytes);
      else process.stdout.write(bytes);
    });
}

// The folder of the ruleset in force for the year of the day judged (as the server chooses it), or a
// refusal (exit 1) when no ruleset decides that year. A day that is no date is refused by the service.
async function rulesInForce(asOf: string, json: boolean): Promise<string | undefined> {
  const day = parseIsoDate(asOf);
  const year = day === undefined ? civil(today()).year : civil(day).year;
  try {
    return (await Registry.load(rulesetsDir)).select(year).dir;
  } catch (err) {
    if (!(err instanceof SelectionError)) throw err;
    refuse('inspections status', [explained('/asOf', err.said, err.allowed)], json);
    return undefined;
  }
}

// A plan file's problem as --format json gives it: where, the English text, then its catalogue key and
// values (as the refusals of due and calendar carry them), so a tool can say it in its reader's language.
function planProblem(d: Diagnostic) {
  return {
    path: d.path ?? '',
    file: d.file,
    line: d.line,
    message: d.message,
    ...(d.messageId ? { messageId: d.messageId } : {}),
    ...(d.params ? { params: d.params } : {}),
  };
}
