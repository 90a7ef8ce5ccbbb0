// Obligations stage: reads one of a ruleset folder's duty files (obligations.yaml, inspections.yaml)
// with positions, validates it against its schema and reads the source text its quotes are held to.
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Code } from '../diagnostics/codes.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { positioned } from '../diagnostics/positioned.js';
import { type JsonPath, readYamlSource, type YamlSource } from '../diagnostics/yaml-source.js';
import { compileSchema } from '../validation/ajv.js';
import { explainErrors, pointerSegments } from '../validation/explain.js';

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
    for (const p of explainErrors(validate.errors, source.data))
      diagnostics.push(positioned(source, 'OBL003', pointerSegments(p.path), p.message));
    return { diagnostics };
  }
  const doc = source.data as T;
  let sourceText: string | undefined;
  try {
    // Quotes are compared with the source's line breaks removed: the source breaks sentences at its page ends.
    sourceText = (await readFile(join(rulesetDir, doc.source), 'utf8')).replace(/\r?\n/g, '');
  } catch (err) {
    diagnostics.push(
      positioned(source, 'OBL002', ['source'], `names a source text that cannot be read: ${(err as Error).message}`),
    );
  }
  return { file: { source, doc, sourceText }, diagnostics };
}

/** Report: how a duty file's check records one problem at a path of the document. */
export type Report = (code: Code, path: JsonPath, message: string) => void;

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
    if (sourceText !== undefined && !sourceText.includes(text))
      report(
        'OBL020',
        path,
        `quotes text that is not in the source verbatim: "${text.length > 50 ? `${text.slice(0, 50)}…` : text}"`,
      );
  };
  const use = (ids: string[] | undefined, path: JsonPath) =>
    (ids ?? []).forEach((id, n) => {
      used.add(id);
      if (!declared.has(id))
        report(
          'OBL011',
          [...path, n],
          `refers to interpretation "${id}", which is not defined under interpretations; defined: ${[...declared].join(', ')}`,
        );
    });
  const interpretations = (usedBy: string) => {
    const ids = new Set<string>();
    doc.interpretations.forEach((i, n) => {
      if (ids.has(i.id))
        report('OBL010', ['interpretations', n, 'id'], `interpretation id "${i.id}" is used twice; ids must be unique`);
      ids.add(i.id);
      quoted(i.quote, ['interpretations', n, 'quote']);
      if (!used.has(i.id))
        report('OBL012', ['interpretations', n, 'id'], `interpretation "${i.id}" is not used by ${usedBy}`);
    });
  };
  return { quoted, use, interpretations };
}
