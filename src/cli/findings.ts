// CLI: `findings derive DIR`: derives the countable findings from an inspector's evidence folder and
// writes the findings file with every row behind each finding.
import type { Command } from 'commander';
import { Deriver } from '../evidence/service.js';
import { renderFindingsText } from '../render/findings-text.js';
import { type EvidenceOptions, usersNeeded, withEvidenceOptions, writeJsonAtomically } from './evidence-options.js';
import { defaults, UsageError } from './io.js';

interface Options extends EvidenceOptions {
  institution: string;
  region?: string;
  year: string;
  out: string;
  json?: boolean;
  rules: string;
  wasm: string;
  ruleset?: string;
}

export function registerFindings(program: Command): void {
  const findings = program.command('findings').description('findings derived from evidence');
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
  ).action(async (dir: string, o: Options) => {
    const year = Number(o.year);
    if (!Number.isInteger(year)) throw new UsageError(`--year is "${o.year}"; it must be a year such as 2024`);
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
    process.stdout.write(o.json ? `${JSON.stringify(result, null, 2)}\n` : renderFindingsText(result, o.out));
  });
}
