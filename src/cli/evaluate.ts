// CLI: `evaluate FILE|-`: rates one case and prints the breakdown, or the result as JSON, or the
// printable report as HTML or PDF (`--format`).
import type { Command } from 'commander';
import { translator } from '../i18n/i18n.js';
import type { RatingResult } from '../rating/decorate.js';
import { Rater } from '../rating/rater.js';
import { BrowserUnavailable, PdfPrinter, PrinterBusy } from '../report/pdf/browser.js';
import { renderResultPdf } from '../report/pdf/rating.js';
import { renderResultHtml } from '../report/rating/html.js';
import { renderProblemsText, renderResultText } from '../report/rating/text.js';
import { defaults, parseJson, readInputText, UsageError, writeOutput } from './io.js';
import { cliLang } from './lang.js';

const formats = ['text', 'json', 'html', 'pdf'] as const;
type Format = (typeof formats)[number];

interface EvaluateFlags {
  json?: boolean;
  format?: string;
  out?: string;
  rules: string;
  wasm: string;
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('rate one access institution for one year from a case file (or - for standard input)')
    .argument('<case>', 'a JSON evaluation input, or - to read standard input')
    .option('--json', 'print the result as JSON (the same as --format json)')
    .option('--format <format>', 'text | json | html | pdf (the printable report; pdf needs Chromium)')
    .option('--out <file>', 'write the output to this file (required for pdf on a terminal)')
    .option('--rules <dir>', 'folder of rulesets', defaults.rules)
    .option('--wasm <file>', 'compiled policy', defaults.wasm)
    .action(async (file: string, opts: EvaluateFlags) => {
      const t = translator(cliLang());
      const format = formatOf(opts);
      if (format === 'pdf' && !opts.out && process.stdout.isTTY) throw new UsageError(t('cli.pdf.binary'));
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
        if (format === 'json') process.stdout.write(`${JSON.stringify({ problems: outcome.problems }, null, 2)}\n`);
        else process.stderr.write(renderProblemsText(source, outcome.problems));
        process.exitCode = 1;
        return;
      }
      const r = outcome.result;
      const output =
        format === 'pdf'
          ? await printPdf(r)
          : format === 'json'
            ? `${JSON.stringify(r, null, 2)}\n`
            : format === 'html'
              ? renderResultHtml(r, cliLang())
              : renderResultText(r, cliLang());
      // Written whole once rendered: a failed PDF leaves no file behind.
      if (opts.out) await writeOutput(opts.out, output);
      else process.stdout.write(output);
    });
}

function formatOf(opts: EvaluateFlags): Format {
  const t = translator(cliLang());
  if (opts.json && opts.format && opts.format !== 'json')
    throw new UsageError(t('cli.format.jsonAndFormat', { format: opts.format }));
  const format = opts.format ?? (opts.json ? 'json' : 'text');
  if (!(formats as readonly string[]).includes(format))
    throw new UsageError(t('cli.format.unknown', { formats: formats.join(', '), format }));
  return format as Format;
}

async function printPdf(r: RatingResult): Promise<Uint8Array> {
  const t = translator(cliLang());
  const printer = new PdfPrinter({ idleClose: 0, concurrency: 1 });
  try {
    return await renderResultPdf(printer, r, cliLang());
  } catch (err) {
    if (err instanceof BrowserUnavailable)
      throw new UsageError(t(`cli.pdf.${err.reason}`, { path: err.path, detail: err.detail, hint: t('cli.pdf.hint') }));
    if (err instanceof PrinterBusy) throw new UsageError(err.message);
    throw err;
  } finally {
    await printer.close();
  }
}
