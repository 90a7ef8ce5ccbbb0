// Inspections stage: reads inspections.yaml of a ruleset folder (the numbers of annex 4, kept with
// positions), validates it against its schema and against the source text, and compiles the data
// document the Rego of policies/inspections reads as data.annex4.
import { type Message, msg } from '../i18n/message.js';
import type {
  InspectionInterpretation,
  InspectionRulesFile,
} from '../../generated/types/inspections/inspection-rules.js';
import type { Code } from '../diagnostics/codes.js';
import { hasErrors, RulesError, type Diagnostic } from '../diagnostics/diagnostics.js';
import { positioned as at } from '../diagnostics/positioned.js';
import type { JsonPath } from '../diagnostics/yaml-source.js';
import { readDutyFile } from '../obligations/rule-file.js';

export type { InspectionRulesFile };

export const inspectionsFile = 'inspections.yaml';

/** InspectionRules: inspections.yaml of one ruleset, validated, with its text for the hash. */
export interface InspectionRules {
  file: string;
  text: string;
  doc: InspectionRulesFile;
  interpretations: Map<string, InspectionInterpretation>;
}

/** inspectInspectionRules loads a ruleset folder's inspections.yaml with all its diagnostics. */
export async function inspectInspectionRules(
  rulesetDir: string,
  displayRoot = process.cwd(),
): Promise<{ rules?: InspectionRules; diagnostics: Diagnostic[] }> {
  const { file, diagnostics } = await readDutyFile<InspectionRulesFile>(
    rulesetDir,
    inspectionsFile,
    'inspections/inspection-rules.schema.json',
    displayRoot,
  );
  if (!file) return { diagnostics };
  const { source, doc, sourceText } = file;
  const report = (code: Code, path: JsonPath, message: Message) => diagnostics.push(at(source, code, path, message));
  const quoted = (text: string, path: JsonPath) => {
    if (sourceText !== undefined && !sourceText.includes(text))
      report(
        'OBL020',
        path,
        msg('diag.rules.notVerbatim', { text: text.length > 50 ? `${text.slice(0, 50)}…` : text }),
      );
  };
  const declared = new Set(doc.interpretations.map((i) => i.id));
  const used = new Set<string>();
  for (const section of ['plan', 'team', 'report', 'rectification', 'coverage'] as const) {
    const s = doc[section];
    quoted(s.clause, [section, 'clause']);
    s.interpretations.forEach((id, n) => {
      used.add(id);
      if (!declared.has(id))
        report(
          'OBL011',
          [section, 'interpretations', n],
          msg('diag.obligations.unknownInterpretation', { id, defined: [...declared].join(', ') }),
        );
    });
  }
  quoted(doc.rectification.feedbackClause, ['rectification', 'feedbackClause']);
  doc.rectification.recipients.forEach((r, n) => {
    quoted(r, ['rectification', 'recipients', n]);
  });
  const ids = new Set<string>();
  doc.interpretations.forEach((i, n) => {
    if (ids.has(i.id))
      report('OBL010', ['interpretations', n, 'id'], msg('diag.obligations.duplicateInterpretation', { id: i.id }));
    ids.add(i.id);
    quoted(i.quote, ['interpretations', n, 'quote']);
    if (!used.has(i.id))
      report('OBL012', ['interpretations', n, 'id'], msg('diag.inspections.interpretationUnused', { id: i.id }));
  });
  if (hasErrors(diagnostics)) return { diagnostics };
  return {
    rules: {
      file: source.file,
      text: source.text,
      doc,
      interpretations: new Map(doc.interpretations.map((i) => [i.id, i])),
    },
    diagnostics,
  };
}

/** loadInspectionRules loads inspections.yaml or throws RulesError with every problem found. */
export async function loadInspectionRules(rulesetDir: string): Promise<InspectionRules> {
  const { rules, diagnostics } = await inspectInspectionRules(rulesetDir);
  if (!rules) throw new RulesError(diagnostics);
  return rules;
}

/** compileAnnex4Data is what `setData` receives: numbers only, as data.annex4. */
export function compileAnnex4Data(rules: InspectionRules): { annex4: { teamAtLeast: number } } {
  return { annex4: { teamAtLeast: rules.doc.team.atLeast } };
}
