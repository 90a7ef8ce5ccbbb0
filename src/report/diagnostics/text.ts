// Report stage: `check` as text for a terminal: one `file:line:col: severity CODE: path message` line
// per problem, the notes, the coverage table when asked for, and a summary line.
import { percent, summaryLine, type CheckReport, type RulesetCoverage } from '../../check/report.js';
import { formatDiagnostic } from '../../diagnostics/diagnostics.js';

const categoryNames: Record<string, string> = {
  rules: 'rules',
  tiers: 'tiers',
  choices: 'choice options',
  caps: 'caps',
  zeroRules: 'zero rules',
  downgradeTriggers: 'downgrade triggers',
  zeroScoreTriggers: 'zero-score triggers',
  grades: 'grades',
  measures: 'measure results',
  notRated: 'not rated',
};

/** renderCheckText renders the whole report; it ends with a newline. */
export function renderCheckText(report: CheckReport): string {
  const lines = report.diagnostics.map(formatDiagnostic);
  for (const note of report.notes) lines.push(`info: ${note}`);
  for (const c of report.coverage ?? []) lines.push(...coverageLines(c));
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

/** coverageLines: covered/total per category, and what is missing. */
export function coverageLines(c: RulesetCoverage): string[] {
  const width = Math.max(...c.categories.map((k) => (categoryNames[k.name] ?? k.name).length));
  return [
    `coverage of ${c.ruleset}: ${c.covered}/${c.total} (${percent(c.covered, c.total)})`,
    ...c.categories.map((k) => {
      const name = (categoryNames[k.name] ?? k.name).padEnd(width);
      const counts = `${k.covered}/${k.total}`.padStart(7);
      return `  ${name} ${counts}${k.missing.length ? `  missing: ${k.missing.join(', ')}` : ''}`;
    }),
  ];
}
