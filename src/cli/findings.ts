// CLI: `findings derive DIR`: derives the countable findings from an inspector's evidence folder and
// writes the findings file with every row behind each finding.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { draftMonthlyReports } from '../evidence/annex2.js';
import { Deriver } from '../evidence/service.js';
import { defaultHeadersFile, loadTableSpecs } from '../evidence/tables.js';
import { translator } from '../diagnostics/i18n.js';
import { checkReports, type MonthlyReport } from '../obligations/reports.js';
import { renderFindingsText } from '../render/findings-text.js';
import { renderReportDiagnostics } from '../render/obligations/text.js';
import { loadService, type ServiceFlags, withServiceOptions } from './due.js';
import { type EvidenceOptions, usersNeeded, withEvidenceOptions, writeJsonAtomically } from './evidence-options.js';
import { defaults, UsageError } from './io.js';
import { cliLang } from './lang.js';

interface DeriveOptions extends EvidenceOptions {
  institution: string;
  region?: string;
  year: string;
  out: string;
  json?: boolean;
  rules: string;
  wasm: string;
  ruleset?: string;
}

interface Annex2Options extends ServiceFlags {
  institution: string;
  region: string;
  year: string;
  reportingUnit: string;
  signedBy: string;
  reviewedBy: string;
  preparedBy: string;
  outDir: string;
  headers?: string;
}

export function registerFindings(program: Command): void {
  const findings = program.command('findings').description('findings derived from evidence');
  registerDerive(findings);
  registerAnnex2(findings);
}

function registerDerive(findings: Command): void {
  withEvidenceOptions(
    findings
      .command('derive')
      .description("derive the countable findings from an inspector's evidence folder (CSV or NDJSON tables)")
      .argument(
        '<evidence-dir>',
        'folder of evidence tables: users, staff, queries, authorizations, training, disputes, filings, incidents',
      )
      .requiredOption('--institution <name>', 'the access institution')
      .requiredOption('--year <year>', 'the year being rated')
      .option('--region <region>', 'where it is supervised (selects a regional overlay)')
      .option('--out <file>', 'the findings file to write', 'findings.json')
      .option('--json', 'print the findings file to standard output as well')
      .option('--ruleset <id>', 'pin a ruleset by id')
      .option('--rules <dir>', 'folder of rulesets', defaults.rules)
      .option('--wasm <file>', 'compiled policy', defaults.wasm),
  ).action(derive);
}

function registerAnnex2(findings: Command): void {
  withServiceOptions(
    findings
      .command('annex2')
      .description(
        'draft the monthly 征信信息安全情况统计表 (annex 2) of each month of a year from the incidents table, zero reports included',
      )
      .argument('<evidence-dir>', 'folder holding the incidents table (风险事件)')
      .requiredOption('--institution <name>', "机构名称 (the institution's name)")
      .requiredOption('--region <region>', '地区 (the region)')
      .requiredOption('--year <year>', 'the year whose months are drafted')
      .requiredOption('--reporting-unit <name>', '填表单位 (the reporting unit)')
      .requiredOption('--signed-by <name>', '签发人 (signed by)')
      .requiredOption('--reviewed-by <name>', '复核人 (reviewed by)')
      .requiredOption('--prepared-by <name>', '填表人 (prepared by)')
      .requiredOption('--out-dir <dir>', 'where the twelve drafts are written, one <YYYY-MM>.json each')
      .option('--headers <file>', 'the header mapping (default: policies/evidence/headers.yaml)'),
  ).action(annex2);
}

/** yearOf reads --year as a whole number, refusing anything else as a usage error. */
function yearOf(text: string): number {
  const year = Number(text);
  if (!Number.isInteger(year)) throw new UsageError(translator(cliLang())('cli.findings.badYear', { year: text }));
  return year;
}

async function derive(dir: string, o: DeriveOptions): Promise<void> {
  const year = yearOf(o.year);
  const deriver = await Deriver.load({ rules: o.rules, wasm: o.wasm, calendars: o.calendars, headers: o.headers });
  const result = await deriver.derive({
    dir,
    institution: o.institution,
    region: o.region,
    year,
    asOf: o.asOf,
    usersNeeded: usersNeeded(o),
    ruleset: o.ruleset,
  });
  await writeJsonAtomically(o.out, result);
  process.stdout.write(o.json ? `${JSON.stringify(result, null, 2)}\n` : renderFindingsText(result, o.out, cliLang()));
}

async function annex2(dir: string, o: Annex2Options): Promise<void> {
  const year = yearOf(o.year);
  const drafts = await draftAnnex2(dir, year, o);
  if (!(await draftsPass(drafts, year, o))) return;
  await mkdir(o.outDir, { recursive: true });
  for (const d of drafts) await writeJsonAtomically(join(o.outDir, `${d.period}.json`), d);
  process.stdout.write(annex2Summary(drafts, o.outDir));
}

/** draftAnnex2 drafts the twelve monthly reports of a year from the incidents table. */
async function draftAnnex2(dir: string, year: number, o: Annex2Options): Promise<MonthlyReport[]> {
  const specs = await loadTableSpecs(o.headers ?? defaultHeadersFile(o.rules ?? defaults.rules));
  return draftMonthlyReports({
    dir,
    institution: o.institution,
    region: o.region,
    year,
    specs,
    signatories: {
      reportingUnit: o.reportingUnit,
      signedBy: o.signedBy,
      reviewedBy: o.reviewedBy,
      preparedBy: o.preparedBy,
    },
  });
}

/**
 * draftsPass puts the drafts through the same validation as `report validate`, before anything is
 * written; on an error it prints the diagnostics, sets exit code 1 and returns false.
 */
async function draftsPass(drafts: MonthlyReport[], year: number, o: Annex2Options): Promise<boolean> {
  const service = await loadService(o);
  const check = checkReports(
    service,
    drafts.map((d) => ({ source: `${d.period}.json`, value: d })),
    Date.UTC(year + 1, 11, 31) / 86_400_000,
  );
  if (!check.diagnostics.some((d) => d.severity === 'error')) return true;
  process.stderr.write(renderReportDiagnostics(check.diagnostics));
  process.exitCode = 1;
  return false;
}

/** annex2Summary: a line per month (its count of incidents, or that it is a zero report) and where they went. */
function annex2Summary(drafts: MonthlyReport[], outDir: string): string {
  const t = translator(cliLang());
  const lines = drafts.map((d) => {
    const total = Object.values(d.counts).reduce((a, b) => a + b, 0);
    return total
      ? t('cli.findings.month', { period: d.period, count: total })
      : t('cli.findings.zero', { period: d.period });
  });
  return `${lines.join('\n')}\n${t('cli.findings.written', { dir: outDir })}\n`;
}
