// CLI: `check [paths...]`: validates the rule files, checks and lints the Rego, runs the YAML rule
// tests and, with --coverage, measures what they reach. The exit code comes from the report: 1 when
// it holds an error, 0 otherwise (warnings allowed); 2 for a path `check` cannot use.
import { type Command, Option } from 'commander';
import { runCheck } from '../check/check.js';
import { exitCode } from '../diagnostics/findings.js';
import { TargetError } from '../check/targets.js';
import { checkFormats, type CheckFormat } from '../render/diagnostics/formats.js';
import { defaults, UsageError } from './io.js';
import { cliLang } from './lang.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description("check rule files, Rego and rule tests (default: the repo's policies/)")
    .argument('[paths...]', 'ruleset folders, folders of rulesets, policies folders, Rego folders or calendars folders')
    .addOption(new Option('--format <format>', 'output format').choices(Object.keys(checkFormats)).default('text'))
    .option(
      '--coverage',
      'measure which rules, tiers, options, caps, triggers, grades and measures the rule tests reach; a gap is an error',
    )
    .option('--wasm <file>', 'compiled policy the rule tests run on', defaults.wasm)
    .option('--no-regal', 'do not lint the Rego with Regal even when it is installed')
    .action(
      async (paths: string[], opts: { format: CheckFormat; coverage?: boolean; wasm: string; regal: boolean }) => {
        let report: Awaited<ReturnType<typeof runCheck>>;
        try {
          report = await runCheck({
            paths,
            coverage: opts.coverage === true,
            wasm: opts.wasm,
            regal: opts.regal ? undefined : null,
          });
        } catch (err) {
          if (err instanceof TargetError) throw new UsageError(err.message);
          throw err;
        }
        process.stdout.write(checkFormats[opts.format](report, cliLang()));
        process.exitCode = exitCode(report);
      },
    );
}
