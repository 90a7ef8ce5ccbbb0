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
  // Fast path: the engine's JSON.stringify, handed each object with its keys in order. An object with
  // integer-like keys (which JavaScript always puts first, in numeric order) takes the slow path.
  // Anything else it cannot decide alone (a number with no JSON form, a function, a cycle) is left
  // to the slow path, which says why.
  slow = false;
  try {
    const text = JSON.stringify(value, sortKeys);
    if (!slow && text !== undefined) return text;
  } catch {
    // The slow path below gives the reason.
  }
  return write(value, new Set());
}

let slow = false;
const integerLike = /^(?:0|[1-9]\d*)$/;

function sortKeys(this: unknown, _key: string, v: unknown): unknown {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) slow = true;
    return v;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    if (typeof v === 'function' || typeof v === 'bigint' || typeof v === 'symbol') slow = true;
    return v;
  }
  const keys = Object.keys(v);
  let sorted = true;
  for (let i = 1; i < keys.length; i++)
    if (keys[i - 1] > keys[i]) {
      sorted = false;
      break;
    }
  if (sorted) return v;
  // A copy cannot reorder integer-like keys: JavaScript lists them first, in numeric order.
  if (keys.some((k) => integerLike.test(k))) slow = true;
  keys.sort();
  const o: Record<string, unknown> = {};
  for (const k of keys) o[k] = (v as Record<string, unknown>)[k];
  return o;
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
