// Inspections stage: reads inspections.yaml of a ruleset folder (the numbers of annex 4, kept with
// positions), validates it against its schema and against the source text, and compiles the data
// document the Rego of policies/inspections reads as data.annex4.
import { type Message, msg } from '../diagnostics/message.js';
import type {
  InspectionInterpretation,
  InspectionRulesFile,
} from '../../generated/types/inspections/inspection-rules.js';
import type { Code } from '../diagnostics/codes.js';
import { hasErrors, RulesError, type Diagnostic } from '../diagnostics/diagnostics.js';
import { positioned as at } from '../diagnostics/positioned.js';
import type { JsonPath } from '../diagnostics/yaml-source.js';
import { dutyChecks, readDutyFile } from '../obligations/rule-file.js';

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
  const { quoted, use, interpretations } = dutyChecks(doc, sourceText, report);
  for (const section of ['plan', 'team', 'report', 'rectification', 'coverage'] as const) {
    const s = doc[section];
    quoted(s.clause, [section, 'clause']);
    use(s.interpretations, [section, 'interpretations']);
  }
  quoted(doc.rectification.feedbackClause, ['rectification', 'feedbackClause']);
  doc.rectification.recipients.forEach((r, n) => {
    quoted(r, ['rectification', 'recipients', n]);
  });
  interpretations(msg('diag.obligations.usedBy.inspections'));
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
