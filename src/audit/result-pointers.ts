// Audit stage: checking a result mask before a log is opened. A pointer is held against the result's
// schema (schemas/rating/result.schema.json), so a misspelt field is refused at start with what is there,
// never a mask that silently masks nothing.
import { posix } from 'node:path';
import { readSchema } from '../validation/ajv.js';
import { parsePointer } from './redact.js';
import { wildcard } from './redact-result.js';

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
// A schema node and the file it is in (its $refs are resolved against that file).
type Node = { schema: Schema; file: string };

const resultFile = 'rating/result.schema.json';
const files = new Map<string, Schema>();
const schemaFile = (path: string): Schema => {
  if (!files.has(path)) files.set(path, readSchema(path) as Schema);
  return files.get(path)!;
};

/**
 * resultPointerProblem says why a pointer names nothing a result can hold (undefined when it can): each
 * segment must be a field of the object there, an index or `*` (every element) of an array, or `*` on an
 * object (every field). `""`, the whole result, is refused: an entry's result is its decision.
 */
export function resultPointerProblem(pointer: string): string | undefined {
  let tokens: string[];
  try {
    tokens = parsePointer(pointer);
  } catch (err) {
    return (err as Error).message;
  }
  if (!tokens.length) return `"" would mask the whole result, which is the decision itself; name fields of it`;
  let here: Node[] = expand({ schema: schemaFile(resultFile), file: resultFile });
  for (const [n, t] of tokens.entries()) {
    const next = here.flatMap((node) => step(node, t)).flatMap(expand);
    if (!next.length) {
      const at = n ? `/${tokens.slice(0, n).join('/')}` : 'the result';
      return `"${pointer}" names nothing a result holds: ${at} has no "${t}" (${describe(here)})`;
    }
    here = next;
  }
  return undefined;
}

// The nodes a token leads to from one node.
function step({ schema, file }: Node, t: string): Node[] {
  const out: Node[] = [];
  if (schema.items && (t === wildcard || /^(0|[1-9]\d*)$/.test(t))) out.push({ schema: schema.items, file });
  if (schema.properties) {
    if (t === wildcard) for (const s of Object.values(schema.properties)) out.push({ schema: s, file });
    else if (Object.hasOwn(schema.properties, t)) out.push({ schema: schema.properties[t], file });
  }
  if (typeof schema.additionalProperties === 'object' && !schema.items)
    out.push({ schema: schema.additionalProperties, file });
  return out;
}

// A node with its $ref followed and its alternatives (anyOf, oneOf, allOf) spread out.
function expand(node: Node): Node[] {
  const { schema, file } = node;
  if (schema.$ref) {
    const [path, fragment] = schema.$ref.split('#');
    const target = path ? posix.join(posix.dirname(file), path) : file;
    let s = schemaFile(target) as Schema & Record<string, unknown>;
    for (const key of (fragment ?? '').split('/').filter(Boolean)) s = s[key] as Schema & Record<string, unknown>;
    return expand({ schema: s, file: target });
  }
  const alternatives = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  return [node, ...alternatives.flatMap((s) => expand({ schema: s, file }))];
}

// What a pointer may name next, for the error.
function describe(nodes: Node[]): string {
  const fields = [...new Set(nodes.flatMap((n) => Object.keys(n.schema.properties ?? {})))];
  const parts: string[] = [];
  if (fields.length) parts.push(`its fields are ${fields.join(', ')}, or * for all of them`);
  if (nodes.some((n) => n.schema.items)) parts.push('it is an array: give an index or * for every element');
  return parts.length ? parts.join('; ') : 'it is a single value';
}
