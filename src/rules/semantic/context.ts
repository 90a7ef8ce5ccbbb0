// Rules stage (semantic checks): the context every check of a ruleset's parts works in: the parts, the
// sink problems go to, and the three checks that many places share (an interpretation named, a clause
// quoted, points precise to the hundredth).
import type { Code } from '../../diagnostics/codes.js';
import type { Severity } from '../../diagnostics/diagnostics.js';
import type { JsonPath } from '../../diagnostics/yaml-source.js';
import { type Message, msg } from '../../diagnostics/message.js';
import type { Grading, Institutions, Interpretation, RuleFileKey, RulesetMeta, ScoringTable } from '../ruleset.js';

/** SemanticProblem: one problem, at a JSON path of one rule file; the loader gives it a line and column. */
export interface SemanticProblem {
  code: Code;
  severity: Severity;
  file: RuleFileKey;
  path: JsonPath;
  /** Kept as a catalogue key and values: the reader's language is chosen when it is shown. */
  message: Message;
}

export interface RulesetParts {
  meta: RulesetMeta;
  table: ScoringTable;
  grading: Grading;
  institutions: Institutions;
  interpretations: Interpretation[];
  sourceText?: string;
}

/** SemanticContext: what each check is given, instead of a list of parameters and callbacks. */
export interface SemanticContext {
  readonly parts: RulesetParts;
  /** report sends a problem to the sink: a catalogue key (`diag.rules.…`) and its values. */
  report(
    code: Code,
    file: RuleFileKey,
    path: JsonPath,
    key: string,
    params?: Message['params'],
    severity?: Severity,
  ): void;
  /** use records that an interpretation is named here, and reports it when interpretations.yaml lacks it. */
  use(id: string | undefined, file: RuleFileKey, path: JsonPath): void;
  /** quoted reports a clause that is not in the source text verbatim. */
  quoted(text: string, file: RuleFileKey, path: JsonPath): void;
  /** precise reports points with more than two decimal places. */
  precise(points: number, file: RuleFileKey, path: JsonPath): void;
  /** The interpretations some part named (for RULE051, interpretations nothing uses). */
  readonly used: ReadonlySet<string>;
}

/** semanticContext makes the context of one ruleset's parts, its problems pushed onto out. */
export function semanticContext(parts: RulesetParts, out: SemanticProblem[]): SemanticContext {
  const interpretationIds = new Set(parts.interpretations.map((i) => i.id));
  const used = new Set<string>();
  const report: SemanticContext['report'] = (code, file, path, key, params, severity = 'error') =>
    out.push({ code, severity, file, path, message: msg(key, params) });
  return {
    parts,
    used,
    report,
    use(id, file, path) {
      if (id === undefined) return;
      used.add(id);
      if (!interpretationIds.has(id))
        report('RULE012', file, path, 'diag.rules.unknownInterpretation', {
          id,
          defined: [...interpretationIds].join(', '),
        });
    },
    quoted(text, file, path) {
      if (parts.sourceText !== undefined && !parts.sourceText.includes(text))
        report('RULE061', file, path, 'diag.rules.notVerbatim', { text: shorten(text) });
    },
    precise(points, file, path) {
      if (Math.abs(Math.round(points * 100) - points * 100) > 1e-6)
        report('RULE013', file, path, 'diag.rules.tooPrecise', { points });
    },
  };
}

/** shorten: a quoted text cut to 50 characters for a message. */
export function shorten(text: string): string {
  return text.length > 50 ? `${text.slice(0, 50)}…` : text;
}

/** duplicates reports every id used a second time among entries (`what` names the kind of entry). */
export function duplicates(
  ctx: SemanticContext,
  entries: [string, JsonPath][],
  file: RuleFileKey,
  what: 'item' | 'rule' | 'interpretation' | 'grade' | 'trigger' | 'measure',
): void {
  const seen = new Set<string>();
  for (const [id, path] of entries) {
    if (seen.has(id))
      ctx.report('RULE010', file, path, 'diag.rules.duplicateId', { what: msg(`diag.rules.entry.${what}`), id });
    seen.add(id);
  }
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
