// CLI: the command tree (every subcommand and option), built in one place so that `--help` can be read in
// the run's language and a test can walk every command's help text.
import { Command } from 'commander';
import { registerBatch } from './batch.js';
import { registerCheck } from './check.js';
import { registerDiff } from './diff.js';
import { registerCalendar } from './calendar.js';
import { registerDue } from './due.js';
import { registerEvaluate } from './evaluate.js';
import { registerFindings } from './findings.js';
import { registerReport } from './report.js';
import { registerImpact } from './impact.js';
import { registerInspections } from './inspections.js';
import { registerKeys } from './keys.js';
import { addLangOption } from './lang.js';
import { defaultLang, type Lang } from '../diagnostics/i18n.js';
import { registerReplay } from './replay.js';
import { registerVerifyLog } from './verify-log.js';
import { localiseHelp } from './help.js';

/** buildProgram declares every command, with their help texts from the catalogue in `lang`. */
export function buildProgram(lang: Lang = defaultLang): Command {
  const program = declareProgram();
  localiseHelp(program, lang);
  return program;
}

/** declareProgram declares every command with the English help its code gives. */
export function declareProgram(): Command {
  const program = new Command('credit-policy')
    .description('银发〔2018〕102号 as code: rate access institutions, check and diff the rules')
    .exitOverride();
  addLangOption(program);
  registerEvaluate(program);
  registerFindings(program);
  registerDue(program);
  registerCalendar(program);
  registerReport(program);
  registerInspections(program);
  registerDiff(program);
  registerImpact(program);
  registerVerifyLog(program);
  registerReplay(program);
  registerBatch(program);
  registerCheck(program);
  registerKeys(program);
  return program;
}
