// CLI: `report validate|aggregate|render|status FILE…`: the monthly security statistics reports of
// annex 2, read from JSON files (one report or a list of them each, or - for standard input).
import type { Command } from 'commander';
import { parseIsoDate, today, type Day } from '../obligations/dates.js';
import { ObligationError } from '../obligations/errors.js';
import { aggregate, checkReports, monthsOfYear, timeliness, type SourcedReport } from '../obligations/reports.js';
import type { ObligationService } from '../obligations/service.js';
import { renderReportDiagnostics, renderTimelinessText } from '../render/obligations/text.js';
import { renderAnnex2Csv } from '../render/annex2/csv.js';
import { renderAnnex2Html } from '../render/annex2/html.js';
import { annex2Table, type Signatories } from '../render/annex2/layout.js';
import { renderAnnex2Xlsx } from '../render/annex2/xlsx.js';
import { loadService, refuse, withServiceOptions, type ServiceFlags } from './due.js';
import { translator } from '../diagnostics/i18n.js';
import { parseJson, readInputText, UsageError, writeOutput } from './io.js';
import { cliLang } from './lang.js';

interface ReportFlags extends ServiceFlags {
  json?: boolean;
  asOf?: string;
  period?: string;
}

/** readReports reads each file as one report or a list of reports; `file[i]` names the i-th of a list. */
async function readReports(files: string[]): Promise<SourcedReport[]> {
  const out: SourcedReport[] = [];
  for (const file of files) {
    const label = file === '-' ? '<stdin>' : file;
    const parsed = parseJson(await readInputText(file), label);
    if (!parsed.ok) throw new UsageError(parsed.message);
    if (Array.isArray(parsed.value))
      parsed.value.forEach((value, i) => {
        out.push({ source: `${label}[${i}]`, value });
      });
    else out.push({ source: label, value: parsed.value });
  }
  return out;
}

function day(text: string | undefined, flag: string): Day | undefined {
  if (text === undefined) return undefined;
  const d = parseIsoDate(text);
  if (d === undefined) throw new UsageError(translator(cliLang())('cli.report.badDate', { flag, text }));
  return d;
}

/** checked reads and checks the reports; it prints the problems and returns undefined when there are errors. */
async function checked(service: ObligationService, files: string[], flags: ReportFlags, quiet = false) {
  const check = checkReports(service, await readReports(files), day(flags.asOf, '--as-of') ?? today(), {
    series: false,
  });
  const errors = check.diagnostics.filter((d) => d.severity === 'error').length;
  if (!quiet || errors) process.stderr.write(renderReportDiagnostics(check.diagnostics));
  if (errors) process.exitCode = 1;
  return errors ? undefined : check;
}

export function registerReport(program: Command): void {
  const report = program
    .command('report')
    .description('the monthly security statistics reports of annex 2 (征信信息安全情况统计表)');
  registerValidate(report);
  registerAggregate(report);
  registerRender(report);
  registerStatus(report);
}

/** `report validate`: the problems of the reports, as text or JSON. */
function registerValidate(report: Command): void {
  withServiceOptions(
    report
      .command('validate')
      .description(
        'check reports: whole counts from 0, a remark for every count above 0, one report per month, explicit corrections',
      )
      .argument('<files...>', 'JSON files of reports (one report or a list each), or - for standard input')
      .option('--as-of <date>', 'refuse months not over on this day (default today)')
      .option('--json', 'print the problems as JSON'),
  ).action(async (files: string[], flags: ReportFlags) => {
    const service = await loadService(flags);
    const items = await readReports(files);
    const check = checkReports(service, items, day(flags.asOf, '--as-of') ?? today());
    const errors = check.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = check.diagnostics.length - errors;
    if (flags.json)
      process.stdout.write(
        `${JSON.stringify(
          {
            valid: errors === 0,
            reports: check.reports.length,
            effective: check.effective.map((r) => r.id),
            problems: check.diagnostics,
          },
          null,
          2,
        )}\n`,
      );
    else {
      process.stderr.write(renderReportDiagnostics(check.diagnostics));
      const t = translator(cliLang());
      const effective = errors ? '' : t('cli.report.effective', { count: check.effective.length });
      process.stdout.write(`${t('cli.report.validated', { reports: items.length, errors, warnings, effective })}\n`);
    }
    if (errors) process.exitCode = 1;
  });
}

/** `report aggregate`: one month's effective reports summed, as JSON. */
function registerAggregate(report: Command): void {
  withServiceOptions(
    report
      .command('aggregate')
      .description("sum one month's effective reports: institutions → region → nation (JSON)")
      .argument('<files...>', 'JSON files of reports, or - for standard input')
      .option('--period <month>', 'the month to sum (YYYY-MM), when the reports cover several')
      .option('--as-of <date>', 'refuse months not over on this day (default today)'),
  ).action(async (files: string[], flags: ReportFlags) => {
    const service = await loadService(flags);
    const check = await checked(service, files, flags, true);
    if (!check) return;
    const summed = aggregate(service, check.effective, flags.period);
    if (!summed.ok) throw new UsageError(summed.message);
    process.stdout.write(`${JSON.stringify(summed.result, null, 2)}\n`);
  });
}

/** `report render`: the annex 2 table of one month as CSV, .xlsx or HTML. */
function registerRender(report: Command): void {
  withServiceOptions(
    report
      .command('render')
      .description('write the annex 2 table of one month as CSV, .xlsx (laid out like the form) or printable HTML')
      .argument('<files...>', 'JSON files of reports, or - for standard input')
      .requiredOption('--format <format>', 'csv | xlsx | html')
      .option('--out <file>', 'write to this file (required for xlsx on a terminal)')
      .option('--period <month>', 'the month (YYYY-MM), when the reports cover several')
      .option('--reporting-unit <name>', '填表单位 of the table (default: that of the only report)')
      .option('--signed-by <name>', '签发人 (signed by)')
      .option('--reviewed-by <name>', '复核人 (reviewed by)')
      .option('--prepared-by <name>', '填表人 (prepared by)')
      .option('--as-of <date>', 'refuse months not over on this day (default today)'),
  ).action(async (files: string[], flags: ReportFlags & { format: string; out?: string } & Partial<Signatories>) => {
    if (!['csv', 'xlsx', 'html'].includes(flags.format))
      throw new UsageError(translator(cliLang())('cli.report.badFormat', { format: flags.format }));
    if (flags.format === 'xlsx' && !flags.out && process.stdout.isTTY)
      throw new UsageError(translator(cliLang())('cli.report.xlsxBinary'));
    const service = await loadService(flags);
    const check = await checked(service, files, flags, true);
    if (!check) return;
    const summed = aggregate(service, check.effective, flags.period);
    if (!summed.ok) throw new UsageError(summed.message);
    const signatories: Partial<Signatories> = {};
    for (const k of ['reportingUnit', 'signedBy', 'reviewedBy', 'preparedBy'] as const)
      if (flags[k]) signatories[k] = flags[k];
    const table = annex2Table(service.set.doc.monthlyReport, summed.result, signatories);
    const bytes =
      flags.format === 'xlsx'
        ? await renderAnnex2Xlsx(table)
        : flags.format === 'csv'
          ? renderAnnex2Csv(table)
          : renderAnnex2Html(table);
    if (flags.out) await writeOutput(flags.out, bytes);
    else process.stdout.write(bytes);
  });
}

/** `report status`: each reporter's months against their due dates. */
function registerStatus(report: Command): void {
  withServiceOptions(
    report
      .command('status')
      .description("each reporter's months against their due dates (三（二）): on time, late, missing or pending")
      .argument('<files...>', 'JSON files of reports, or - for standard input')
      .option('--year <year>', 'the months of this year')
      .option('--from <month>', 'the first month (YYYY-MM)')
      .option('--to <month>', 'the last month (YYYY-MM)')
      .option('--as-of <date>', 'judge months not reported as of this day (default today)')
      .option('--json', 'print the statuses as JSON'),
  ).action(async (files: string[], flags: ReportFlags & { year?: string; from?: string; to?: string }) => {
    const range = flags.year
      ? /^\d{4}$/.test(flags.year)
        ? monthsOfYear(Number(flags.year))
        : undefined
      : flags.from && flags.to
        ? { from: flags.from, to: flags.to }
        : undefined;
    if (!range) throw new UsageError(translator(cliLang())('cli.report.range'));
    const service = await loadService(flags);
    const check = await checked(service, files, flags, true);
    if (!check) return;
    try {
      const rows = timeliness(
        service,
        check.reports.map((r) => r.report),
        range.from,
        range.to,
        day(flags.asOf, '--as-of') ?? today(),
      );
      process.stdout.write(flags.json ? `${JSON.stringify(rows, null, 2)}\n` : renderTimelinessText(rows, cliLang()));
    } catch (err) {
      if (err instanceof ObligationError)
        return refuse('report status', [{ path: err.path, message: err.message }], flags.json);
      throw err;
    }
  });
}
