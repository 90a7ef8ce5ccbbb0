// Diagnostics: the one shape every problem takes, whether it comes from YAML syntax, the schema, a
// semantic check, the Rego tool chain or a rule test, so every output format prints all of them.
import { type Lang, translator } from '../i18n/i18n.js';
import { localText, type MessageParam } from '../i18n/message.js';
import { type Code, codeInfo, type Severity } from './codes.js';

export type { Severity };

/** Diagnostic: one problem found in a rule file or an input, positioned where a person can find it. */
export interface Diagnostic {
  /** One of the closed set declared in codes.ts (docs/codes.md). */
  code: Code;
  severity: Severity;
  file: string;
  line?: number;
  column?: number;
  /** Readable path inside the document, e.g. `items[5.6].rules[0].points`. */
  path?: string;
  /** The message in English (logs, the API, and readers that predate the catalogue read this). */
  message: string;
  /** The message's catalogue key (`diag.…`): stable across languages, what a tool matches on. */
  messageId?: string;
  /** The values the message interpolates, by name. */
  params?: Record<string, MessageParam>;
}

/**
 * formatDiagnostic renders `file:line:col: severity CODE: path message`, in the style of compilers. In
 * Chinese (asked for by `check`'s text output, the default there) the severity, the code's title and
 * the message are Chinese. Anything but 'zh' (also an index, as from `.map`) gives the English line that
 * logs and machine readers use.
 */
export function formatDiagnostic(d: Diagnostic, lang?: Lang | number): string {
  const where = [d.file, d.line, d.column].filter((x) => x !== undefined && x !== '').join(':');
  const subject = d.path ? `${d.path} ` : '';
  if (lang !== 'zh') return `${where}: ${d.severity} ${d.code}: ${subject}${d.message}`;
  const t = translator('zh');
  return `${where}: ${t(`common.severity.${d.severity}`)} ${d.code}（${codeInfo(d.code, 'zh').title}）: ${subject}${localText(d, 'zh')}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** RulesError carries the diagnostics of rule files that could not be loaded. */
export class RulesError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(
      `rule files have ${diagnostics.filter((d) => d.severity === 'error').length} error(s):\n` +
        diagnostics.map((d) => formatDiagnostic(d)).join('\n'),
    );
    this.name = 'RulesError';
  }
}
