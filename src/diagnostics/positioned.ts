// Diagnostics: a problem at a place in a YAML rule file, given by its JSON path: the line and column
// come from the file's positions, the path is written the way a policy editor reads it.
import type { Message } from './message.js';
import { said } from './i18n.js';
import type { Code } from './codes.js';
import type { Diagnostic } from './diagnostics.js';
import type { JsonPath, YamlSource } from './yaml-source.js';

/** positioned is the diagnostic for a problem at path (at its key when the message is about a key). */
export function positioned(
  source: YamlSource,
  code: Code,
  path: JsonPath,
  message: Message | string,
  severity: Diagnostic['severity'] = 'error',
): Diagnostic {
  const text = said(message);
  const unknownKey = text.messageId === 'diag.schema.unknownKey' || text.message.startsWith('unknown key');
  const { line, column } = source.locate(path, unknownKey);
  return {
    code,
    severity,
    file: source.file,
    line,
    column,
    path: readablePath(source.data, unknownKey ? path.slice(0, -1) : path),
    ...text,
  };
}

/**
 * readablePath names list entries by their id (rules by their number) and starts at the innermost `items` list, so a policy
 * editor reads `items[5.6].rules[0].points` rather than `/dimensions/1/indicators/1/items/5/...`.
 */
export function readablePath(data: unknown, path: JsonPath): string {
  let cur: unknown = data;
  const parts: string[] = [];
  let parentKey = '';
  for (const step of path) {
    const next = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[String(step)] : undefined;
    if (Array.isArray(cur) && /^\d+$/.test(String(step))) {
      const id =
        next !== null && typeof next === 'object'
          ? ((next as { id?: unknown; grade?: unknown }).id ?? (next as { grade?: unknown }).grade)
          : undefined;
      // Rules are numbered in their item, like the table's 1. 2. 3.; everything else goes by its id.
      parts.push(`[${typeof id === 'string' && parentKey !== 'rules' ? id : step}]`);
    } else {
      parts.push(parts.length ? `.${step}` : String(step));
    }
    parentKey = String(step);
    cur = next;
  }
  const joined = parts.join('');
  const at = joined.lastIndexOf('items[');
  return at > 0 ? joined.slice(at) : joined;
}
