// Rules stage: reads a ruleset's derivation.yaml (optional: a ruleset without one derives nothing),
// validates it against its schema, checks that each derived item and finding exists in the scoring
// table with a matching type and that every quoted clause is in the source, and compiles the data
// document the derivation policy (policies/derive) reads.
import type { Derivation } from '../../generated/types/rules/derivation.js';
import { compileSchema } from '../validation/ajv.js';
import { type Explained, explainMessages, pointerSegments } from '../diagnostics/explain.js';
import { asMessage, type Message, msg } from '../diagnostics/message.js';
import { said } from '../diagnostics/i18n.js';
import type { Code } from '../diagnostics/codes.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { notVerbatim } from '../diagnostics/quotes.js';
import type { ScoringTable } from './ruleset.js';
import { indexItems } from './ruleset.js';
import { parseYamlSource, type JsonPath, type YamlSource } from '../diagnostics/yaml-source.js';

export type { Derivation };

export const derivationFile = 'derivation.yaml';

const findingTypeFor: Record<string, string[]> = {
  count: ['count'],
  flag: ['flag'],
  percent: ['percent', 'number'],
  deviation: ['percent', 'number'],
};

let validate: ReturnType<typeof compileSchema> | undefined;

/** validateDerivation checks a derivation document against its schema (an overlay's, after overrides). */
export function validateDerivation(data: unknown): Explained[] {
  validate ??= compileSchema('rules/derivation.schema.json');
  return validate(data) ? [] : explainMessages(validate.errors, data);
}

/** inspectDerivation parses and checks derivation.yaml text; `label` names it in diagnostics. */
export function inspectDerivation(
  label: string,
  text: string,
  table: ScoringTable,
  sourceText: string | undefined,
): { derivation?: Derivation; diagnostics: Diagnostic[] } {
  const { source, diagnostics } = parseYamlSource(label, text);
  if (!source) return { diagnostics };
  validate ??= compileSchema('rules/derivation.schema.json');
  const at = (code: Code, path: JsonPath, message: Message) =>
    diagnostics.push(positioned(source, code, path, message));
  if (!validate(source.data)) {
    for (const p of explainMessages(validate.errors, source.data)) at('RULE003', pointerSegments(p.path), asMessage(p));
    return { diagnostics };
  }
  const d = source.data as Derivation;
  for (const p of checkDerivation(d, table, sourceText)) at(p.code, p.path, p.message);
  return diagnostics.some((x) => x.severity === 'error') ? { diagnostics } : { derivation: d, diagnostics };
}

/** DerivationProblem: a semantic problem of derivation.yaml, by its path in the document. */
export interface DerivationProblem {
  code: Code;
  path: JsonPath;
  message: Message;
}

/** checkDerivation checks what the schema cannot: items and findings exist, types fit, clauses are quoted. */
export function checkDerivation(
  d: Derivation,
  table: ScoringTable,
  sourceText: string | undefined,
): DerivationProblem[] {
  const out: DerivationProblem[] = [];
  const at = (code: Code, path: JsonPath, key: string | Message, params?: Message['params']) =>
    out.push({ code, path, message: typeof key === 'string' ? msg(key, params) : key });
  const items = indexItems(table);
  const quoted = (clause: string, path: JsonPath) => {
    const problem = notVerbatim(clause, sourceText);
    if (problem) at('RULE061', path, problem);
  };
  quoted(d.period.clause, ['period', 'clause']);
  const seen = new Set<string>();
  d.items.forEach((di, n) => {
    if (seen.has(di.id)) at('RULE010', ['items', n, 'id'], 'diag.derivation.twice', { id: di.id });
    seen.add(di.id);
    const placed = items.get(di.id);
    if (!placed) {
      at('RULE011', ['items', n, 'id'], 'diag.derivation.unknownItem', { id: di.id });
      return;
    }
    quoted(di.clause, ['items', n, 'clause']);
    for (const [name, how] of Object.entries(di.derives)) {
      const f = placed.item.findings?.[name];
      if (!f)
        at('RULE011', ['items', n, 'derives', name], 'diag.derivation.unknownFinding', {
          id: di.id,
          name,
          declared: Object.keys(placed.item.findings ?? {}).join(', '),
        });
      else if (!findingTypeFor[how].includes(f.type))
        at('RULE013', ['items', n, 'derives', name], 'diag.derivation.type', { how, id: di.id, name, type: f.type });
      if (how === 'deviation' && di.needs !== 'usersNeeded')
        at('RULE013', ['items', n, 'needs'], 'diag.derivation.deviationNeeds');
    }
    for (const [name, p] of Object.entries(di.parameters)) quoted(p.clause, ['items', n, 'parameters', name, 'clause']);
  });
  return out;
}

/** compileDerivationData is what the derivation policy receives as data.derivation. */
export function compileDerivationData(d: Derivation): { derivation: { items: Record<string, unknown> } } {
  const items: Record<string, unknown> = {};
  for (const di of d.items)
    items[di.id] = {
      derives: di.derives,
      params: Object.fromEntries(Object.entries(di.parameters).map(([k, p]) => [k, p.value])),
    };
  return { derivation: { items } };
}

function positioned(source: YamlSource, code: Code, path: JsonPath, message: Message): Diagnostic {
  const { line, column } = source.locate(path, message.key.startsWith('diag.schema.unknownKey'));
  return { code, severity: 'error', file: source.file, line, column, path: path.join('.'), ...said(message) };
}
