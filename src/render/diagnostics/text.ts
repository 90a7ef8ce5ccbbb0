// Render stage: `check` as text for a terminal: one `file:line:col: severity CODE: path message` line
// per problem, the notes, the coverage table when asked for, and a summary line.
import { type Diagnostic, formatDiagnostic, where } from '../../diagnostics/diagnostics.js';
import { type CheckFindings, exitCode, countBySeverity, type RulesetCoverage } from '../../diagnostics/findings.js';
import { defaultLang, displayWidth, type Lang, padDisplay, translator } from '../../diagnostics/i18n.js';
import { localText } from '../../diagnostics/i18n.js';
import { codeInfo } from './codes.js';

/** renderCheckText renders the whole report (Chinese by default); it ends with a newline. */
export function renderCheckText(report: CheckFindings, lang: Lang = defaultLang): string {
  const t = translator(lang);
  const lines = report.diagnostics.map((d) => diagnosticLine(d, lang));
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

/**
 * diagnosticLine is formatDiagnostic's line in the language asked for. In Chinese (the default of
 * `check`'s text output) the severity, the code's title and the message are Chinese (a message from
 * outside the catalogue, such as a tool's, stays as the tool wrote it).
 */
export function diagnosticLine(d: Diagnostic, lang: Lang = defaultLang): string {
  if (lang !== 'zh') return formatDiagnostic(d);
  const t = translator('zh');
  const subject = d.path ? `${d.path} ` : '';
  return `${where(d)}: ${t(`common.severity.${d.severity}`)} ${d.code}（${codeInfo(d.code, 'zh').title}）: ${subject}${localText(d, 'zh')}`;
}

/** summaryLine: one line a person reads first, in the language asked for (Chinese by default). */
export function summaryLine(report: CheckFindings, lang: Lang = defaultLang): string {
  const t = translator(lang);
  const { errors, warnings } = countBySeverity(report);
  const parts = [t('check.errors', { count: errors }), t('check.warnings', { count: warnings })];
  parts.push(t('check.ruleTests', { passed: report.ruleTests.passed, failed: report.ruleTests.failed }));
  for (const c of report.coverage ?? [])
    parts.push(
      t('check.coverage', {
        ruleset: c.ruleset,
        covered: c.covered,
        total: c.total,
        percent: percent(c.covered, c.total),
      }),
    );
  const sep = lang === 'zh' ? '；' : '; ';
  return t(exitCode(report) ? 'check.failed' : 'check.passed', { parts: parts.join(sep) });
}

export function percent(covered: number, total: number): string {
  return total === 0 ? '100%' : `${Math.floor((covered / total) * 1000) / 10}%`;
}
