// CLI: `impact FROM TO CASES`: rates every case of a folder (*.json, and *.ndjson / *.jsonl one case
// a line) under both rulesets and reports what moved, streaming: one line per case as it is rated
// (NDJSON with --json), then the grade distribution before and after.
import { once } from 'node:events';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { caseFiles, countCases, readCases } from '../diff/cases.js';
import { runImpact, type CaseImpact } from '../diff/impact.js';
import { RulesetRater } from '../rating/ruleset-rater.js';
import { PolicyModule } from '../engine/engine.js';
import { renderImpactLine, renderImpactSummary } from '../render/diff/impact.js';
import { load } from './diff.js';
import { defaults, UsageError } from './io.js';
import { cliLang } from './lang.js';

interface ImpactOptions {
  rules: string;
  repo?: string;
  wasm: string;
  json?: boolean;
  all?: boolean;
  progress: boolean;
}

export function registerImpact(program: Command): void {
  program
    .command('impact')
    .description('rate a folder of cases under two rulesets and show what a rules change moves')
    .argument('<from>', 'a ruleset id, a ruleset folder, or rev:path (the folder at a git revision)')
    .argument('<to>', 'the same, for the newer side')
    .argument(
      '<cases>',
      'a folder of cases (*.json one case each, *.ndjson / *.jsonl one case a line), or one such file',
    )
    .option('--rules <dir>', 'folder of rulesets that ids are looked up in', defaults.rules)
    .option('--repo <dir>', 'git repository that rev:path is read from (default: the current folder)')
    .option('--wasm <file>', 'compiled policy', defaults.wasm)
    .option('--json', 'print NDJSON: one line per case, then one line {"summary": …}')
    .option('--all', 'in text, list every case (by default only those that moved)')
    .option('--no-progress', 'no progress bar on standard error')
    .action(async (from: string, to: string, casesPath: string, opts: ImpactOptions) => {
      const spec = { rules: opts.rules, repo: opts.repo };
      const [a, b] = [await load(from, spec), await load(to, spec)];
      let files: string[];
      try {
        files = await caseFiles(casesPath);
      } catch (err) {
        throw new UsageError(
          `cannot read cases from ${casesPath}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message}`,
        );
      }
      const module = await PolicyModule.fromFile(opts.wasm);
      // Each side is pinned: a case is rated under it whatever its year ("what if").
      const [pa, pb] = [
        await RulesetRater.create(module, a, { anyYear: true }),
        await RulesetRater.create(module, b, { anyYear: true }),
      ];

      const bar =
        opts.progress && process.stderr.isTTY
          ? new SingleBar({
              stream: process.stderr,
              format: 'rating {bar} {value}/{total} cases  {eta_formatted} left',
              hideCursor: true,
            })
          : undefined;
      bar?.start(await countCases(files), 0);
      const root = casesPath;
      const onCase = async (c: CaseImpact) => {
        bar?.increment();
        if (opts.json) await write(`${JSON.stringify(c)}\n`);
        else if (opts.all || c.changed || 'unreadable' in c.from) await write(renderImpactLine(c, cliLang()));
      };
      const summary = await runImpact(pa, pb, readCases(files, root), onCase).finally(() => bar?.stop());
      await write(
        opts.json
          ? `${JSON.stringify({ summary })}\n`
          : `${summary.changed || opts.all ? '\n' : ''}${renderImpactSummary(summary, cliLang())}`,
      );
    });
}

/** write respects standard output's back-pressure, so a long run never buffers its output. */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}
