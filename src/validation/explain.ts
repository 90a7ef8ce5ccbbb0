// Validation: turns ajv's errors into problems a person can act on: where (a JSON pointer), what is
// wrong, and what is allowed instead.
import type { ErrorObject } from 'ajv';
import type { Problem } from '../../generated/types/http/problem.js';

/** Problem: one reason a document was refused (schemas/http/problem.schema.json). */
export type { Problem };

/** explainErrors rewrites ajv errors, dropping the combinator noise around the specific ones. */
export function explainErrors(errors: readonly ErrorObject[] | null | undefined, data?: unknown): Problem[] {
  if (!errors) return [];
  const specific = errors.filter((e) => !['if', 'oneOf', 'anyOf', 'allOf'].includes(e.keyword));
  const chosen = specific.length > 0 ? specific : errors;
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const e of chosen) {
    const p = explainOne(e, data);
    const key = `${p.path}\u0000${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  }
  return problems;
}

function explainOne(e: ErrorObject, data: unknown): Problem {
  const at = e.instancePath;
  const params = e.params as Record<string, unknown>;
  const actual = describe(valueAt(data, at));
  switch (e.keyword) {
    case 'required':
      return {
        path: at,
        message: `missing required key "${params.missingProperty}"`,
        allowed: [String(params.missingProperty)],
      };
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
      const key = String(params.additionalProperty);
      const hint = allowed.length ? `; allowed keys are: ${allowed.join(', ')}` : '; no other keys are allowed here';
      return { path: `${at}/${escapePointer(key)}`, message: `unknown key "${key}"${hint}`, allowed };
    }
    case 'propertyNames':
      return { path: at, message: `has a key that is not allowed: "${String(params.propertyName)}"` };
    case 'type':
      return {
        path: at,
        message: `must be ${article(String(params.type))}, not ${actual}`,
        allowed: [String(params.type)],
      };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return { path: at, message: `must be one of ${allowed.join(', ')}, not ${actual}`, allowed };
    }
    case 'const':
      return {
        path: at,
        message: `must be ${JSON.stringify(params.allowedValue)}, not ${actual}`,
        allowed: [String(params.allowedValue)],
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const op = { minimum: '≥', maximum: '≤', exclusiveMinimum: '>', exclusiveMaximum: '<' }[e.keyword];
      return {
        path: at,
        message: `must be a number ${op} ${params.limit}, not ${actual}`,
        allowed: [`${op} ${params.limit}`],
      };
    }
    case 'minLength':
      return { path: at, message: 'must not be empty' };
    case 'minItems':
      return { path: at, message: `must have at least ${params.limit} entr${params.limit === 1 ? 'y' : 'ies'}` };
    case 'maxItems':
      return { path: at, message: `must have at most ${params.limit} entries` };
    case 'uniqueItems':
      return { path: at, message: `must not repeat an entry (entries ${params.j} and ${params.i} are the same)` };
    case 'minProperties':
      return { path: at, message: `must have at least ${params.limit} key(s)` };
    case 'pattern':
      return {
        path: at,
        message: `must match ${String(params.pattern)}, not ${actual}`,
        allowed: [String(params.pattern)],
      };
    case 'format':
      return {
        path: at,
        message: `must be a ${String(params.format)}, not ${actual}`,
        allowed: [String(params.format)],
      };
    case 'multipleOf':
      return { path: at, message: `must be a multiple of ${params.multipleOf}, not ${actual}` };
    case 'discriminator': {
      const allowed = discriminatorValues(e);
      return {
        path: `${at}/${String(params.tag)}`,
        message: `must be one of ${allowed.join(', ')}, not ${describe(valueAt(data, `${at}/${String(params.tag)}`))}`,
        allowed,
      };
    }
    case 'oneOf':
      return { path: at, message: 'matches none of the allowed forms' };
    default:
      return { path: at, message: e.message ?? 'is not valid' };
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

function article(type: string): string {
  return (
    (
      {
        integer: 'a whole number',
        number: 'a number',
        string: 'text',
        boolean: 'true or false',
        object: 'a mapping',
        array: 'a list',
        null: 'null',
      } as Record<string, string>
    )[type] ?? type
  );
}

/** describe names a value the way a rule editor sees it: `"0.2" (text)`, `-1`, `a list`. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}" (text)`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
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
