// Diagnostics: reads one YAML rule file keeping every node's position, so later stages can point a
// policy editor at the exact line and column of a problem.
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Code } from './codes.js';
import type { Diagnostic } from './diagnostics.js';
import { msg } from './message.js';
import { said } from './i18n.js';

export type JsonPath = readonly (string | number)[];

/** YamlSource: a parsed rule file, its plain data and a way back from a path to a position. */
export interface YamlSource {
  file: string;
  text: string;
  data: unknown;
  /** locate gives the position of the value at path, or of its key when atKey is set. */
  locate(path: JsonPath, atKey?: boolean): { line: number; column: number };
}

/** parseYamlSource parses text; syntax problems (including duplicate keys) come back as diagnostics. */
export function parseYamlSource(file: string, text: string): { source?: YamlSource; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const diagnostics: Diagnostic[] = [...doc.errors, ...doc.warnings].map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return {
      code: 'RULE001',
      severity: 'error' as const,
      file,
      line: pos.line,
      column: pos.col,
      ...said(msg('diag.load.yamlSyntax', { reason: e.message.split('\n')[0] })),
    };
  });
  if (diagnostics.length > 0) return { diagnostics };
  const locate = (path: JsonPath, atKey = false) => {
    const offset = offsetOf(doc, path, atKey);
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return { source: { file, text, data: doc.toJS({ maxAliasCount: 100 }), locate }, diagnostics };
}

/** readYamlSource reads and parses a file; an unreadable file is a diagnostic, not a crash. */
export function readYamlSource(
  file: string,
  label = file,
): Promise<{ source?: YamlSource; diagnostics: Diagnostic[] }> {
  return readYamlWith(() => readFile(file, 'utf8'), label);
}

/** readYamlWith parses the text `read` answers (from disk, a git tree, …) as the file `label`; a read that fails is a diagnostic. */
export async function readYamlWith(
  read: () => Promise<string>,
  label: string,
): Promise<{ source?: YamlSource; diagnostics: Diagnostic[] }> {
  let text: string;
  try {
    text = await read();
  } catch (err) {
    return {
      diagnostics: [
        {
          code: 'RULE002',
          severity: 'error',
          file: label,
          ...said(msg('diag.load.cannotRead', { reason: (err as Error).message })),
        },
      ],
    };
  }
  return parseYamlSource(label, text);
}

/** readFolder lists a folder of rule files; an unreadable folder is a diagnostic (`code`) naming `what` it holds. */
export async function readFolder(
  dir: string,
  code: Code,
  what: 'rulesets' | 'calendars',
): Promise<{ entries: Dirent[] } | { diagnostic: Diagnostic }> {
  try {
    return { entries: await readdir(dir, { withFileTypes: true }) };
  } catch (err) {
    return {
      diagnostic: {
        code,
        severity: 'error',
        file: dir,
        ...said(msg(`diag.load.folderUnreadable.${what}`, { reason: (err as Error).message })),
      },
    };
  }
}

// The deepest node on the path: a missing key points at its parent, an unknown key at the key itself.
function offsetOf(doc: Document, path: JsonPath, atKey: boolean): number {
  let node: Node | null | undefined = doc.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  for (const [i, step] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === String(step));
      if (!pair) break;
      offset = (pair.key as Node)?.range?.[0] ?? offset;
      if (atKey && i === path.length - 1) break;
      node = pair.value as Node | null;
      if (node?.range) offset = node.range[0];
    } else if (isSeq(node) && /^\d+$/.test(String(step))) {
      node = node.items[Number(step)] as Node | null;
      if (!node?.range) break;
      offset = node.range[0];
    } else {
      break;
    }
  }
  return offset;
}
