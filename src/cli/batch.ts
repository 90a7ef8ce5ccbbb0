// CLI: `batch FILE|-`: rates NDJSON inputs (one per line) on all cores, NDJSON answers to stdout.
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import { rateStream } from '../rating/batch.js';
import { translator } from '../diagnostics/i18n.js';
import { defaults, UsageError } from './io.js';
import { cliLang } from './lang.js';

export function registerBatch(program: Command): void {
  program
    .command('batch')
    .description('rate many cases: NDJSON in (one evaluation input per line), NDJSON out, on all cores')
    .argument('<cases>', 'an NDJSON file, or - to read standard input')
    .option('--workers <n>', 'worker threads (default: one per core)', (v) => Number.parseInt(v, 10))
    .option('--rules <dir>', 'folder of rulesets', defaults.rules)
    .option('--wasm <file>', 'compiled policy', defaults.wasm)
    .action(async (file: string, opts: { workers?: number; rules: string; wasm: string }) => {
      const t = translator(cliLang());
      if (file !== '-')
        await access(file).catch(() => {
          throw new UsageError(t('cli.noSuchFile', { file }));
        });
      const input = file === '-' ? process.stdin : createReadStream(file);
      const summary = await rateStream(input, process.stdout, {
        rulesetsDir: opts.rules,
        wasmPath: opts.wasm,
        workers: opts.workers,
      });
      process.stderr.write(
        `${t('cli.batch.summary', { lines: summary.lines, rated: summary.rated, refused: summary.refused })}\n`,
      );
      if (summary.refused > 0) process.exitCode = 1;
    });
}
