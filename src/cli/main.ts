#!/usr/bin/env node
// CLI: the project's command. Each subcommand is a thin adapter over the pipeline in src/.
import { CommanderError } from 'commander';
import { EngineError } from '../engine/errors.js';
import { EvidenceError } from '../evidence/errors.js';
import { BatchSetupError } from '../rating/batch.js';
import { RulesError } from '../diagnostics/diagnostics.js';
import { diagnosticLine } from '../render/diagnostics/text.js';
import { translator } from '../diagnostics/i18n.js';
import { OutputError, UsageError } from './io.js';
import { cliLang, langFromArgv } from './lang.js';
import { buildProgram } from './program.js';

const program = buildProgram(langFromArgv(process.argv));

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
    return;
  }
  // Bad evidence is bad input, like a refused case: exit 1 with every positioned problem.
  if (err instanceof EvidenceError) {
    const head = translator(cliLang())('cli.evidenceErrors', { count: err.diagnostics.length });
    process.stderr.write(`${[head, ...err.diagnostics.map((d) => diagnosticLine(d, cliLang()))].join('\n')}\n`);
    process.exitCode = 1;
    return;
  }
  if (err instanceof OutputError) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
    return;
  }
  if (err instanceof RulesError) {
    // The rule files' problems, each in the run's language.
    const errors = err.diagnostics.filter((d) => d.severity === 'error');
    const head = translator(cliLang())('cli.rulesErrors', { count: errors.length });
    process.stderr.write(`${[head, ...errors.map((d) => diagnosticLine(d, cliLang()))].join('\n')}\n`);
    process.exitCode = 2;
    return;
  }
  if (err instanceof EngineError || err instanceof UsageError || err instanceof BatchSetupError) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`${translator(cliLang())('cli.internalError', { detail })}\n`);
  process.exitCode = 70;
});
