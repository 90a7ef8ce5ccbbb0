// Service: reads settings from environment variables as a JSON Schema describes them. Each leaf of the
// schema names its variable (`x-env`) and carries its default; a bad value is refused with the variable's
// name, what is allowed and what was given.
import type { ErrorObject } from 'ajv';
import { createAjv } from '../../validation/ajv.js';

/** EnvError: an environment variable with a value that cannot be used. */
export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvError';
  }
}

/** EnvSchema: the part of JSON Schema the environment reader understands. */
export interface EnvSchema {
  type?: string;
  'x-env'?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  pattern?: string;
  description?: string;
  required?: string[];
  properties?: Record<string, EnvSchema>;
}

type Env = Record<string, string | undefined>;

/**
 * readEnv builds the settings object a schema describes: a leaf from its variable (or its default), an
 * optional object only when one of its variables is set. It then validates the whole, so ranges, enums
 * and objects whose variables go together are checked by the schema, not by hand.
 */
export function readEnv<T>(schema: EnvSchema & Record<string, unknown>, env: Env): T {
  const given = new Map<string, string>();
  const settings = readObject(schema, env, given).value;
  const validate = createAjv().compile(schema);
  if (!validate(settings)) throw new EnvError(validate.errors!.map((e) => explain(schema, e, given)).join('; '));
  return settings as T;
}

// An object's value, and whether any variable below it was set (an optional object exists only then).
function readObject(schema: EnvSchema, env: Env, given: Map<string, string>): { value: object; set: boolean } {
  const value: Record<string, unknown> = {};
  let set = false;
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (sub.type === 'object') {
      const inner = readObject(sub, env, given);
      if (inner.set || schema.required?.includes(key)) value[key] = inner.value;
      set ||= inner.set;
      continue;
    }
    const name = sub['x-env']!;
    const raw = env[name];
    if (raw !== undefined && raw !== '') {
      given.set(name, raw);
      value[key] = convert(sub, raw);
      set = true;
    } else if (sub.default !== undefined) value[key] = structuredClone(sub.default);
  }
  return { value, set };
}

// A value that does not convert stays a string, so the schema refuses it with the variable's name.
function convert(schema: EnvSchema, raw: string): unknown {
  switch (schema.type) {
    case 'integer':
      return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    case 'boolean':
      return raw === '1' || raw === 'true' ? true : raw === '0' || raw === 'false' ? false : raw;
    case 'array':
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}

function explain(root: EnvSchema, e: ErrorObject, given: Map<string, string>): string {
  const keys = e.instancePath.split('/').slice(1);
  let at: EnvSchema = root;
  for (const k of keys) {
    if (!at.properties?.[k]) break;
    at = at.properties[k];
  }
  if (e.keyword === 'required') {
    const missing = at.properties?.[(e.params as { missingProperty: string }).missingProperty]?.['x-env'];
    const together = Object.values(at.properties ?? {}).flatMap((s) => (s['x-env'] ? [s['x-env']] : []));
    const set = together.filter((n) => given.has(n));
    return `${missing} must be set with ${set.join(' and ')}: ${together.join(' and ')} go together`;
  }
  const name = at['x-env'] ?? keys.join('.');
  if (e.keyword === 'format') return `${name}: ${JSON.stringify(e.data)} is not ${formats[String(e.params.format)]}`;
  return `${name} ${allowed(at)}, not ${JSON.stringify(given.get(name) ?? '')}`;
}

const formats: Record<string, string> = { 'json-pointer': 'a JSON pointer: it must be empty or start with /' };

function allowed(schema: EnvSchema): string {
  if (schema.enum) return `must be one of ${schema.enum.join(', ')}`;
  if (schema.pattern) return `must match ${schema.pattern}${schema.description ? ` (${schema.description})` : ''}`;
  switch (schema.type) {
    case 'integer':
      return `must be a whole number from ${schema.minimum ?? 0} to ${schema.maximum ?? Number.MAX_SAFE_INTEGER}`;
    case 'boolean':
      return 'must be 1/true or 0/false';
    case 'array':
      return 'must be a JSON array of JSON pointers, such as ["/institution/name"]';
    default:
      return 'must not be empty';
  }
}
