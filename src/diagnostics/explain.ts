// Diagnostics: turns ajv's errors into problems a person can act on: where (a JSON pointer), what is
// wrong, and what is allowed instead.
import type { ErrorObject } from 'ajv';
import type { Problem } from '../../generated/types/http/problem.js';
import { type Message, type MessageParam, msg } from './message.js';
import { said } from './i18n.js';

/** Problem: one reason a document was refused (schemas/http/problem.schema.json). */
export type { Problem };

/** Explained: a Problem that also keeps its message as a catalogue key and values (see message.ts). */
export type Explained = Problem & { messageId?: string; params?: Record<string, MessageParam> };

/** explainErrors rewrites ajv errors into Problems as the API and the rating results carry them (English). */
export function explainErrors(errors: readonly ErrorObject[] | null | undefined, data?: unknown): Problem[] {
  return explainMessages(errors, data).map(asProblem);
}

/** asProblem is the Problem as the API carries it (schemas/http/problem): without the key and values. */
export function asProblem({ messageId: _, params: __, ...problem }: Explained): Problem {
  return problem;
}

/**
 * explainMessages rewrites ajv errors, dropping the combinator noise around the specific ones; each
 * problem keeps its message's key and values, for the loaders, whose diagnostics are shown in the
 * language the reader chose.
 */
export function explainMessages(errors: readonly ErrorObject[] | null | undefined, data?: unknown): Explained[] {
  if (!errors) return [];
  const specific = errors.filter((e) => !['if', 'oneOf', 'anyOf', 'allOf'].includes(e.keyword));
  const chosen = specific.length > 0 ? specific : errors;
  const seen = new Set<string>();
  const problems: Explained[] = [];
  for (const e of chosen) {
    const { path, message, allowed } = explainOne(e, data);
    const p: Explained = { path, ...said(message), ...(allowed ? { allowed } : {}) };
    const key = `${p.path}\u0000${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  }
  return problems;
}

/**
 * explained makes a problem of a message: its English text where Problem has it, then its key and values,
 * so that JSON written before the keys were added reads the same up to them.
 */
export function explained(path: string, message: Message, allowed?: string[]): Explained {
  return inProblemOrder({ path, ...said(message), ...(allowed ? { allowed } : {}) });
}

/** inProblemOrder: a problem's fields in that order (path, message, allowed, then key and values). */
export function inProblemOrder({ path, message, allowed, messageId, params, ...rest }: Explained): Explained {
  return {
    path,
    message,
    ...(allowed ? { allowed } : {}),
    ...rest,
    ...(messageId ? { messageId } : {}),
    ...(params ? { params } : {}),
  };
}

function explainOne(e: ErrorObject, data: unknown): { path: string; message: Message | string; allowed?: string[] } {
  const at = e.instancePath;
  const params = e.params as Record<string, unknown>;
  const actual = describe(valueAt(data, at));
  switch (e.keyword) {
    case 'required':
      return {
        path: at,
        message: msg('diag.schema.required', { key: String(params.missingProperty) }),
        allowed: [String(params.missingProperty)],
      };
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
      const key = String(params.additionalProperty);
      return {
        path: `${at}/${escapePointer(key)}`,
        message: allowed.length
          ? msg('diag.schema.unknownKey', { key, allowed: allowed.join(', ') })
          : msg('diag.schema.unknownKeyNoOther', { key }),
        allowed,
      };
    }
    case 'propertyNames':
      return { path: at, message: msg('diag.schema.propertyName', { key: String(params.propertyName) }) };
    case 'type':
      return {
        path: at,
        message: msg('diag.schema.type', { type: typeName(String(params.type)), actual }),
        allowed: [String(params.type)],
      };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return { path: at, message: msg('diag.schema.enum', { allowed: allowed.join(', '), actual }), allowed };
    }
    case 'const':
      return {
        path: at,
        message: msg('diag.schema.const', { value: JSON.stringify(params.allowedValue), actual }),
        allowed: [String(params.allowedValue)],
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const op = { minimum: '≥', maximum: '≤', exclusiveMinimum: '>', exclusiveMaximum: '<' }[e.keyword];
      return {
        path: at,
        message: msg('diag.schema.limit', { op, limit: String(params.limit), actual }),
        allowed: [`${op} ${params.limit}`],
      };
    }
    case 'minLength':
      return { path: at, message: msg('diag.schema.empty') };
    case 'minItems':
      return { path: at, message: msg('diag.schema.minItems', { count: Number(params.limit) }) };
    case 'maxItems':
      return { path: at, message: msg('diag.schema.maxItems', { count: Number(params.limit) }) };
    case 'uniqueItems':
      return { path: at, message: msg('diag.schema.uniqueItems', { j: String(params.j), i: String(params.i) }) };
    case 'minProperties':
      return { path: at, message: msg('diag.schema.minProperties', { count: Number(params.limit) }) };
    case 'pattern':
      return {
        path: at,
        message: msg('diag.schema.pattern', { pattern: String(params.pattern), actual }),
        allowed: [String(params.pattern)],
      };
    case 'format':
      return {
        path: at,
        message: msg('diag.schema.format', { format: String(params.format), actual }),
        allowed: [String(params.format)],
      };
    case 'multipleOf':
      return { path: at, message: msg('diag.schema.multipleOf', { of: String(params.multipleOf), actual }) };
    case 'discriminator': {
      const allowed = discriminatorValues(e);
      return {
        path: `${at}/${String(params.tag)}`,
        message: msg('diag.schema.enum', {
          allowed: allowed.join(', '),
          actual: describe(valueAt(data, `${at}/${String(params.tag)}`)),
        }),
        allowed,
      };
    }
    case 'oneOf':
      return { path: at, message: msg('diag.schema.oneOf') };
    default:
      // ajv's own wording, for a keyword our schemas do not use yet: kept as ajv writes it (English).
      return { path: at, message: e.message ?? msg('diag.schema.invalid') };
  }
}

function discriminatorValues(e: ErrorObject): string[] {
  const branches = (e.parentSchema?.oneOf ?? []) as {
    $ref?: string;
    properties?: Record<string, { const?: string }>;
  }[];
  const tag = String((e.params as { tag: string }).tag);
  // Branches are `#/definitions/<kind>Rule` references in our schemas.
  return branches.map(
    (b) => b.properties?.[tag]?.const ?? (b.$ref ? b.$ref.split('/').pop()!.replace(/Rule$/, '') : '?'),
  );
}

const typeNames = ['integer', 'number', 'string', 'boolean', 'object', 'array', 'null'];

// A JSON type as a rule editor calls it ("a whole number", "a list"); an unknown one as it is.
function typeName(type: string): MessageParam {
  return typeNames.includes(type) ? msg(`diag.schema.typeName.${type}`) : type;
}

/** describe names a value the way a rule editor sees it: `"0.2" (text)`, `-1`, `a list`. */
export function describe(v: unknown): MessageParam {
  if (v === undefined) return msg('diag.schema.value.nothing');
  if (v === null) return 'null';
  if (typeof v === 'string') return msg('diag.schema.value.text', { text: v.length > 40 ? `${v.slice(0, 40)}…` : v });
  if (Array.isArray(v)) return msg('diag.schema.value.list');
  if (typeof v === 'object') return msg('diag.schema.value.mapping');
  return String(v);
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointerSegments(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function valueAt(data: unknown, pointer: string): unknown {
  let cur = data;
  for (const seg of pointerSegments(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
