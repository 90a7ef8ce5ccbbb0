// Evidence stage: the one error shape of evidence files, positioned at file:row:column so an
// inspector can find the cell in the spreadsheet the export came from.
import { type Message, msg } from '../diagnostics/message.js';
import { said } from '../diagnostics/i18n.js';
import type { Code } from '../diagnostics/codes.js';
import { type Diagnostic, formatDiagnostic } from '../diagnostics/diagnostics.js';

export type { Diagnostic };

/** EvidenceError carries every problem found in the evidence files (never a half-derived result). */
export class EvidenceError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`evidence has ${diagnostics.length} problem(s):\n${diagnostics.map(formatDiagnostic).join('\n')}`);
    this.name = 'EvidenceError';
  }
}

/** problem builds one evidence diagnostic; `line` is the table's row (the header is row 1). */
export function problem(
  code: Code,
  file: string,
  message: Message | string,
  row?: number,
  column?: string,
): Diagnostic {
  return {
    code,
    severity: 'error',
    file,
    ...(row !== undefined ? { line: row } : {}),
    ...(column !== undefined ? { path: column } : {}),
    ...said(message),
  };
}

/** Collector gathers problems up to a bound, so a broken million-row file gives a readable list. */
export class Collector {
  readonly diagnostics: Diagnostic[] = [];
  private dropped = 0;
  constructor(private readonly limit = 50) {}

  add(d: Diagnostic): void {
    if (this.diagnostics.length < this.limit) this.diagnostics.push(d);
    else this.dropped++;
  }

  get count(): number {
    return this.diagnostics.length + this.dropped;
  }

  /** throwIfAny ends the run with every problem kept (and how many more were not listed). */
  throwIfAny(): void {
    if (this.count === 0) return;
    const all = [...this.diagnostics];
    if (this.dropped > 0)
      all.push({
        code: 'EVID000',
        severity: 'error',
        file: '',
        ...said(msg('diag.evidence.more', { count: this.dropped })),
      });
    throw new EvidenceError(all);
  }
}
