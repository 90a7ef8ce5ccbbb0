// Render stage: `check` as text for a terminal: one `file:line:col: severity CODE: path message` line
// per problem, the notes, the coverage table when asked for, and a summary line.
import { percent, summaryLine, type CheckFindings, type RulesetCoverage } from '../../diagnostics/findings.js';
import { formatDiagnostic } from '../../diagnostics/diagnostics.js';
import { defaultLang, displayWidth, type Lang, padDisplay, translator } from '../../i18n/i18n.js';

/** renderCheckText renders the whole report (Chinese by default); it ends with a newline. */
export function renderCheckText(report: CheckFindings, lang: Lang = defaultLang): string {
  const t = translator(lang);
  const lines = report.diagnostics.map((d) => formatDiagnostic(d, lang));
  for (const note of report.notes) lines.push(t('check.info', { note }));
  for (const c of report.coverage ?? []) lines.push(...coverageLines(c, lang));
  lines.push(summaryLine(report, lang));
  return `${lines.join('\n')}\n`;
}

/** coverageLines: covered/total per category, and what is missing. */
export function coverageLines(c: RulesetCoverage, lang: Lang = defaultLang): string[] {
  const t = translator(lang);
  const name = (k: string) => t(`check.category.${k}`);
  // Chinese characters take two columns in a terminal; pad by display width so the counts line up.
  const width = Math.max(...c.categories.map((k) => displayWidth(name(k.name))));
  return [
    t('check.coverage', {
      ruleset: c.ruleset,
      covered: c.covered,
      total: c.total,
      percent: percent(c.covered, c.total),
    }),
    ...c.categories.map((k) => {
      const label = padDisplay(name(k.name), width);
      const counts = `${k.covered}/${k.total}`.padStart(7);
      return `  ${label} ${counts}${k.missing.length ? `  ${t('check.missing', { list: k.missing.join(', ') })}` : ''}`;
    }),
  ];
}
