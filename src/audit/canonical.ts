// Audit stage: the canonical JSON form that hashes and signatures are computed over, in the manner of
// RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace, numbers as ECMAScript prints
// them (the shortest form that round-trips), strings escaped as JSON.stringify does.
import { createHash } from 'node:crypto';

/** CanonicalError: a value that has no canonical JSON form (NaN, Infinity, a function, a cycle). */
export class CanonicalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalError';
  }
}

/** canonicalJson serializes a JSON value canonically; equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

/** canonicalHash is `sha256:` and the hex digest of a value's canonical JSON. */
export function canonicalHash(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex')}`;
}

function write(value: unknown, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalError(`${value} has no JSON form`);
      // ECMAScript's Number-to-String is the serialization RFC 8785 prescribes; -0 is written as 0.
      return Object.is(value, -0) ? '0' : String(value);
    case 'string':
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new CanonicalError(`a ${typeof value} has no JSON form`);
  }
  const obj = value as object;
  if (typeof (obj as { toJSON?: unknown }).toJSON === 'function')
    return write((obj as { toJSON: () => unknown }).toJSON(), seen);
  if (seen.has(obj)) throw new CanonicalError('a value that contains itself has no JSON form');
  seen.add(obj);
  let out: string;
  if (Array.isArray(obj)) {
    out = `[${obj.map((v) => (v === undefined || typeof v === 'function' ? 'null' : write(v, seen))).join(',')}]`;
  } else {
    const entries = Object.keys(obj)
      .filter((k) => (obj as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${write((obj as Record<string, unknown>)[k], seen)}`);
    out = `{${entries.join(',')}}`;
  }
  seen.delete(obj);
  return out;
}
