// Render stage: `check` as GitHub Actions workflow commands, so each problem is annotated on the line
// of the pull request it belongs to.
import type { CheckFindings } from '../../diagnostics/findings.js';
import { codeInfo } from './codes.js';
import type { Diagnostic } from '../../diagnostics/diagnostics.js';
import { defaultLang, type Lang } from '../../diagnostics/i18n.js';
import { localText } from '../../diagnostics/i18n.js';
import { coverageLines, summaryLine } from './text.js';

/** escapeData escapes a workflow command's message: %, CR and LF. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** escapeProperty escapes a property value: the same, and also : and , which separate properties. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(d: Diagnostic, lang: Lang): string {
  const props = [`file=${escapeProperty(d.file)}`];
  if (d.line !== undefined) props.push(`line=${d.line}`);
  if (d.column !== undefined) props.push(`col=${d.column}`);
  // The title starts with the stable code; in Chinese the code's title follows it.
  props.push(`title=${escapeProperty(lang === 'zh' ? `${d.code} ${codeInfo(d.code, 'zh').title}` : d.code)}`);
  const text = localText(d, lang);
  const message = d.path ? `${d.path} ${text}` : text;
  return `::${d.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeData(message)}`;
}

/** renderCheckGithub: one annotation per problem, a notice per note, then the plain summary. */
export function renderCheckGithub(report: CheckFindings, lang: Lang = defaultLang): string {
  const lines = report.diagnostics.map((d) => annotation(d, lang));
  for (const note of report.notes) lines.push(`::notice::${escapeData(note)}`);
  for (const c of report.coverage ?? []) lines.push(...coverageLines(c, lang));
  lines.push(summaryLine(report, lang));
  return `${lines.join('\n')}\n`;
}
