// CLI: `evaluate FILE|-`: rates one case and prints the breakdown (or JSON with --json).
import type { Command } from 'commander';
import { Rater } from '../rating/rater.js';
import { renderProblemsText, renderResultText } from '../report/rating/text.js';
import { defaults, parseJson, readInputText } from './io.js';

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('rate one access institution for one year from a case file (or - for standard input)')
    .argument('<case>', 'a JSON evaluation input, or - to read standard input')
    .option('--json', 'print the result as JSON')
    .option('--rules <dir>', 'folder of rulesets', defaults.rules)
    .option('--wasm <file>', 'compiled policy', defaults.wasm)
    .action(async (file: string, opts: { json?: boolean; rules: string; wasm: string }) => {
      const source = file === '-' ? '<stdin>' : file;
      const parsed = parseJson(await readInputText(file), source);
      if (!parsed.ok) {
        process.stderr.write(`${parsed.message}\n`);
        process.exitCode = 1;
        return;
      }
      const rater = await Rater.load(opts.rules, opts.wasm);
      const outcome = rater.evaluate(parsed.value);
      if (!outcome.ok) {
        if (opts.json) process.stdout.write(`${JSON.stringify({ problems: outcome.problems }, null, 2)}\n`);
        else process.stderr.write(renderProblemsText(source, outcome.problems));
        process.exitCode = 1;
        return;
      }
      process.stdout.write(
        opts.json ? `${JSON.stringify(outcome.result, null, 2)}\n` : renderResultText(outcome.result),
      );
    });
}
