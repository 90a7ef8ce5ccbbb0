// Obligations stage: reads one of a ruleset folder's duty files (obligations.yaml, inspections.yaml)
// with positions, validates it against its schema and reads the source text its quotes are held to.
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Code } from '../diagnostics/codes.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { notVerbatim } from '../diagnostics/quotes.js';
import { positioned } from '../diagnostics/positioned.js';
import { type JsonPath, readYamlSource, type YamlSource } from '../diagnostics/yaml-source.js';
import { compileSchema } from '../validation/ajv.js';
import { explainMessages, pointerSegments } from '../diagnostics/explain.js';
import { asMessage, type Message, msg } from '../diagnostics/message.js';

/** DutyFile: a duty file that passed its schema, and the source text (line breaks removed) it quotes. */
export interface DutyFile<T> {
  source: YamlSource;
  doc: T;
  /** Undefined when the source cannot be read (then an OBL002 diagnostic says why). */
  sourceText?: string;
}

const validators = new Map<string, ReturnType<typeof compileSchema>>();

/** readDutyFile reads rulesetDir/fileName; `file` is undefined when it is unreadable or off its schema. */
export async function readDutyFile<T extends { source: string }>(
  rulesetDir: string,
  fileName: string,
  schemaId: string,
  displayRoot: string,
): Promise<{ file?: DutyFile<T>; diagnostics: Diagnostic[] }> {
  const path = join(rulesetDir, fileName);
  const { source, diagnostics } = await readYamlSource(path, relative(displayRoot, path) || fileName);
  if (!source) return { diagnostics };
  const validate = validators.get(schemaId) ?? compileSchema(schemaId);
  validators.set(schemaId, validate);
  if (!validate(source.data)) {
    for (const p of explainMessages(validate.errors, source.data))
      diagnostics.push(positioned(source, 'OBL003', pointerSegments(p.path), asMessage(p)));
    return { diagnostics };
  }
  const doc = source.data as T;
  let sourceText: string | undefined;
  try {
    // Quotes are compared with the source's line breaks removed: the source breaks sentences at its page ends.
    sourceText = (await readFile(join(rulesetDir, doc.source), 'utf8')).replace(/\r?\n/g, '');
  } catch (err) {
    diagnostics.push(
      positioned(source, 'OBL002', ['source'], msg('diag.load.sourceUnreadable', { reason: (err as Error).message })),
    );
  }
  return { file: { source, doc, sourceText }, diagnostics };
}

/** Report: how a duty file's check records one problem at a path of the document. */
export type Report = (code: Code, path: JsonPath, message: Message) => void;

/** DutyChecks: the checks dutyChecks returns for one duty file. */
export type DutyChecks = ReturnType<typeof dutyChecks>;

/**
 * dutyChecks: what every duty file is held to beyond its schema. `quoted` refuses a quote not in the
 * source verbatim, `use` an interpretation id that is not declared; `interpretations`, called last,
 * refuses an id declared twice, a reading not quoted verbatim, and one nothing used (`usedBy` says by what).
 */
export function dutyChecks(
  doc: { interpretations: { id: string; quote: string }[] },
  sourceText: string | undefined,
  report: Report,
) {
  const declared = new Set(doc.interpretations.map((i) => i.id));
  const used = new Set<string>();
  const quoted = (text: string, path: JsonPath) => {
    const problem = notVerbatim(text, sourceText);
    if (problem) report('OBL020', path, problem);
  };
  const use = (ids: string[] | undefined, path: JsonPath) =>
    (ids ?? []).forEach((id, n) => {
      used.add(id);
      if (!declared.has(id))
        report(
          'OBL011',
          [...path, n],
          msg('diag.obligations.unknownInterpretation', { id, defined: [...declared].join(', ') }),
        );
    });
  const interpretations = (usedBy: Message) => {
    const ids = new Set<string>();
    doc.interpretations.forEach((i, n) => {
      if (ids.has(i.id))
        report('OBL010', ['interpretations', n, 'id'], msg('diag.obligations.duplicateInterpretation', { id: i.id }));
      ids.add(i.id);
      quoted(i.quote, ['interpretations', n, 'quote']);
      if (!used.has(i.id))
        report(
          'OBL012',
          ['interpretations', n, 'id'],
          msg('diag.obligations.interpretationUnusedBy', { id: i.id, usedBy }),
        );
    });
  };
  return { quoted, use, interpretations };
}
