// Diagnostics: the one shape every problem takes, whether it comes from YAML syntax, the schema, a
// semantic check, the Rego tool chain or a rule test, so every output format prints all of them.
import type { Diagnostic as DiagnosticJson } from '../../generated/types/diagnostics/diagnostic.js';
import type { Code, Severity } from './codes.js';

export type { Severity };

/**
 * Diagnostic: one problem found in a rule file or an input, positioned where a person can find it. Its shape
 * is schemas/diagnostics/diagnostic.schema.json's; here `code` is one of the closed set declared in codes.ts
 * (docs/codes.md), which the schema only says the form of. `message` is in English (logs, the API, and
 * readers that predate the catalogue read it).
 */
export type Diagnostic = Omit<DiagnosticJson, 'code'> & { code: Code };

/**
 * formatDiagnostic renders `file:line:col: severity CODE: path message`, in the style of compilers: the
 * English line that errors, logs and machine readers use (render/diagnostics/text.ts has the Chinese one).
 */
export function formatDiagnostic(d: Diagnostic): string {
  return `${where(d)}: ${d.severity} ${d.code}: ${d.path ? `${d.path} ` : ''}${d.message}`;
}

/** where: `file:line:col`, leaving out what is not known. */
export function where(d: Diagnostic): string {
  return [d.file, d.line, d.column].filter((x) => x !== undefined && x !== '').join(':');
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
