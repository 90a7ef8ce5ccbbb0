// CLI: `evaluate FILE|-`: rates one case and prints the breakdown, or the result as JSON, or the
// printable report as HTML or PDF (`--format`). With --evidence DIR the countable findings are derived
// from the evidence first and the result carries the rows behind each deduction.
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { createDecisionLog, type Decision } from '../audit/log.js';
import { attachEvidence, mergeFindings, reportRows } from '../evidence/merge.js';
import { Deriver } from '../evidence/service.js';
import type { RatingResult } from '../rating/decorate.js';
import { Rater } from '../rating/rater.js';
import { BrowserUnavailable, PdfPrinter, PrinterBusy } from '../render/pdf/browser.js';
import { renderResultPdf } from '../render/pdf/rating.js';
import { renderResultHtml } from '../render/rating/html.js';
import { renderProblemsText, renderResultText } from '../render/rating/text.js';
import type { Problem } from '../diagnostics/explain.js';
import { type EvidenceOptions, usersNeeded, withEvidenceOptions, writeJsonAtomically } from './evidence-options.js';
import { defaults, parseJson, readInputText, UsageError, writeOutput } from './io.js';
import { translator } from '../diagnostics/i18n.js';
import { cliLang } from './lang.js';

const formats = ['text', 'json', 'html', 'pdf'] as const;
type Format = (typeof formats)[number];

interface EvaluateFlags extends EvidenceOptions {
  evidence?: string;
  findingsOut: string;
  json?: boolean;
  format?: string;
  out?: string;
  rules: string;
  wasm: string;
  decisionLog?: string;
  decisionKey?: string;
}

export function registerEvaluate(program: Command): void {
  const command = program
    .command('evaluate')
    .description('rate one access institution for one year from a case file (or - for standard input)')
    .argument('<case>', 'a JSON evaluation input, or - to read standard input')
    .option('--json', 'print the result as JSON (the same as --format json)')
    .option('--format <format>', 'text | json | html | pdf (the printable report; pdf needs Chromium)')
    .option('--out <file>', 'write the output to this file (required for pdf on a terminal)')
    .option('--rules <dir>', 'folder of rulesets', defaults.rules)
    .option('--wasm <file>', 'compiled policy', defaults.wasm)
    .option('--evidence <dir>', 'derive the countable findings from this evidence folder first')
    .option('--findings-out <file>', 'with --evidence: where the findings file (every row) is written', 'findings.json')
    .option(
      '--decision-log <file>',
      'append the rating to this decision log (with --evidence, with the findings it rated, so replay reproduces it)',
    )
    .option(
      '--decision-key <file>',
      "the log's Ed25519 signing key (default: decision-key.pem beside the log, made when missing)",
    );
  withEvidenceOptions(command).action(async (file: string, opts: EvaluateFlags) => {
    const format = formatOf(opts);
    if (format === 'pdf' && !opts.out && process.stdout.isTTY)
      throw new UsageError(translator(cliLang())('cli.pdf.binary'));
    const source = file === '-' ? '<stdin>' : file;
    const parsed = parseJson(await readInputText(file), source);
    if (!parsed.ok) {
      process.stderr.write(`${parsed.message}\n`);
      process.exitCode = 1;
      return;
    }
    const refuse = (problems: Problem[]) => {
      if (format === 'json') process.stdout.write(`${JSON.stringify({ problems }, null, 2)}\n`);
      else process.stderr.write(renderProblemsText(source, problems));
      process.exitCode = 1;
    };
    const rater = await Rater.load(opts.rules, opts.wasm);
    let r: RatingResult;
    // The result a readable report is made from: the same, but listing more rows behind each deduction.
    let shown: RatingResult | undefined;
    let inputEvidence: Decision['inputEvidence'];
    if (!opts.evidence) {
      const outcome = rater.evaluate(parsed.value);
      if (!outcome.ok) return refuse(outcome.problems);
      r = outcome.result;
    } else {
      const c = parsed.value as {
        institution?: { name?: unknown; region?: unknown };
        year?: unknown;
        ruleset?: unknown;
      };
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
      r = attachEvidence(outcome.result, outcome.ruleset, derived, merged.evidence, opts.findingsOut);
      if (format !== 'json')
        shown = attachEvidence(outcome.result, outcome.ruleset, derived, merged.evidence, opts.findingsOut, reportRows);
      inputEvidence = { derived, findingsFile: opts.findingsOut };
    }
    if (opts.decisionLog) await logDecision(opts.decisionLog, opts.decisionKey, parsed.value, r, inputEvidence);
    const output =
      format === 'pdf'
        ? await printPdf(shown ?? r)
        : format === 'json'
          ? `${JSON.stringify(r, null, 2)}\n`
          : format === 'html'
            ? renderResultHtml(shown ?? r, cliLang())
            : renderResultText(shown ?? r, cliLang());
    // Written whole once rendered: a failed PDF leaves no file behind.
    if (opts.out) await writeOutput(opts.out, output);
    else process.stdout.write(output);
  });
}

/** logDecision appends one rating (and, from evidence, the findings it rated) to a signed decision log. */
async function logDecision(
  path: string,
  key: string | undefined,
  input: unknown,
  result: RatingResult,
  inputEvidence: Decision['inputEvidence'],
): Promise<void> {
  const log = await createDecisionLog({
    path,
    privateKeyPath: key ?? join(dirname(path), 'decision-key.pem'),
    createKey: key === undefined,
    onKeyCreated: (priv, pub) =>
      process.stderr.write(`${translator(cliLang())('cli.signingKeyMade', { priv, pub })}\n`),
  });
  try {
    await log.append({
      caller: `cli:${userInfo().username}`,
      input,
      result,
      ...(inputEvidence ? { inputEvidence } : {}),
    });
  } finally {
    await log.close();
  }
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

async function printPdf(r: Parameters<typeof renderResultPdf>[1]): Promise<Uint8Array> {
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
