// CLI: `evaluate FILE|-`: rates one case and prints the breakdown (or JSON with --json); with
// --evidence DIR the countable findings are derived from the evidence first and the result carries
// the rows behind each deduction.
import type { Command } from 'commander';
import { attachEvidence, mergeFindings } from '../evidence/merge.js';
import { Deriver } from '../evidence/service.js';
import type { RatingResult } from '../rating/decorate.js';
import { Rater } from '../rating/rater.js';
import { renderResultHtml } from '../report/html.js';
import { renderProblemsText, renderResultText } from '../report/text.js';
import type { Problem } from '../validation/explain.js';
import { type EvidenceOptions, usersNeeded, withEvidenceOptions, writeJsonAtomically } from './evidence-options.js';
import { defaults, parseJson, readInputText } from './io.js';

interface Options extends EvidenceOptions {
  json?: boolean;
  html?: boolean;
  rules: string;
  wasm: string;
  evidence?: string;
  findingsOut: string;
}

export function registerEvaluate(program: Command): void {
  withEvidenceOptions(
    program
      .command('evaluate')
      .description('rate one access institution for one year from a case file (or - for standard input)')
      .argument('<case>', 'a JSON evaluation input, or - to read standard input')
      .option('--json', 'print the result as JSON')
      .option('--html', 'print the result as an HTML page')
      .option('--rules <dir>', 'folder of rulesets', defaults.rules)
      .option('--wasm <file>', 'compiled policy', defaults.wasm)
      .option('--evidence <dir>', 'derive the countable findings from this evidence folder first')
      .option(
        '--findings-out <file>',
        'with --evidence: where the findings file (every row) is written',
        'findings.json',
      ),
  ).action(async (file: string, opts: Options) => {
    const source = file === '-' ? '<stdin>' : file;
    const parsed = parseJson(await readInputText(file), source);
    if (!parsed.ok) {
      process.stderr.write(`${parsed.message}\n`);
      process.exitCode = 1;
      return;
    }
    const refuse = (problems: Problem[]) => {
      if (opts.json) process.stdout.write(`${JSON.stringify({ problems }, null, 2)}\n`);
      else process.stderr.write(renderProblemsText(source, problems));
      process.exitCode = 1;
    };
    const rater = await Rater.load(opts.rules, opts.wasm);
    if (!opts.evidence) {
      const outcome = rater.evaluate(parsed.value);
      if (!outcome.ok) return refuse(outcome.problems);
      process.stdout.write(render(outcome.result, opts));
      return;
    }
    const c = parsed.value as { institution?: { name?: unknown; region?: unknown }; year?: unknown; ruleset?: unknown };
    if (typeof c?.institution?.name !== 'string' || !Number.isInteger(c.year))
      return refuse([{ path: '', message: 'with --evidence the case still names institution.name and year' }]);
    const deriver = await Deriver.load({
      rules: opts.rules,
      wasm: opts.wasm,
      calendars: opts.calendars,
      headers: opts.headers,
    });
    const derived = await deriver.derive({
      dir: opts.evidence,
      institution: c.institution.name,
      region: typeof c.institution.region === 'string' ? c.institution.region : undefined,
      year: c.year as number,
      asOf: opts.asOf,
      usersNeeded: usersNeeded(opts),
      ruleset: typeof c.ruleset === 'string' ? c.ruleset : undefined,
    });
    const merged = mergeFindings(parsed.value, derived);
    if (!merged.ok) return refuse(merged.problems);
    const outcome = rater.evaluate(merged.input);
    if (!outcome.ok) return refuse(outcome.problems);
    await writeJsonAtomically(opts.findingsOut, derived);
    const result = attachEvidence(outcome.result, outcome.ruleset, derived, merged.evidence, opts.findingsOut);
    process.stdout.write(render(result, opts));
  });
}

function render(result: RatingResult, opts: Options): string {
  if (opts.json) return `${JSON.stringify(result, null, 2)}\n`;
  return opts.html ? renderResultHtml(result) : renderResultText(result);
}
