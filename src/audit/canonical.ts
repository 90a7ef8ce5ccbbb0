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
  // Fast path: one walk in JavaScript (no replacer called back from JSON.stringify for every value),
  // reusing the text of deep-frozen objects (the ruleset's parts every rating shares) and of long
  // strings it has seen. Anything unusual (a number with no JSON form, a function, toJSON, a cycle, a
  // deep nesting) is left to the slow path, which says why.
  depth = 0;
  frozen = true;
  try {
    return fast(value);
  } catch (err) {
    if (err !== unusual && !(err instanceof RangeError)) throw err;
  }
  return write(value, new Set());
}

// Thrown by the fast path for what only the slow path decides.
const unusual = new Error('a value for the slow path');
let depth = 0;
// False while writing a value that is not deep-frozen (its text must not be kept).
let frozen = true;
const frozenText = new WeakMap<object, string>();
const keyText = new Map<string, string>();
const stringText = new Map<string, string>();
// What JSON.stringify escapes (and a lone surrogate): a short string without any is written as is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what JSON escapes
const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/;

// The JSON text of a long string, or of a key with its colon; both maps are bounded (cleared when
// full), for inputs bring new ones.
function quoted(cache: Map<string, string>, s: string, suffix: string): string {
  let text = cache.get(s);
  if (text === undefined) {
    text = JSON.stringify(s) + suffix;
    if (cache.size >= 8192) cache.clear();
    cache.set(s, text);
  }
  return text;
}

function fast(v: unknown): string {
  switch (typeof v) {
    case 'string':
      if (v.length >= 24) return quoted(stringText, v, '');
      return needsEscape.test(v) ? JSON.stringify(v) : `"${v}"`;
    case 'number':
      if (!Number.isFinite(v)) throw unusual;
      // ECMAScript's Number-to-String (RFC 8785); -0 is written as 0.
      return v === 0 ? '0' : String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw unusual;
  }
  if (v === null) return 'null';
  const kept = frozenText.get(v);
  if (kept !== undefined) return kept;
  if (++depth > 200) throw unusual;
  const outer = frozen;
  frozen = Object.isFrozen(v);
  let text: string;
  if (Array.isArray(v)) {
    text = '[';
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (i) text += ',';
      text += x === undefined ? 'null' : fast(x);
    }
    text += ']';
  } else {
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') throw unusual;
    const keys = inKeyOrder(Object.keys(v));
    text = '{';
    for (const k of keys) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined) continue;
      text += text.length > 1 ? `,${quoted(keyText, k, ':')}${fast(x)}` : quoted(keyText, k, ':') + fast(x);
    }
    text += '}';
  }
  // Kept only when nothing in it can change: frozen through and through, and no getters.
  // Kept flat: a text built by concatenation is a tree of pieces, which every output containing it would
  // walk again when it is made into bytes (a tenth of the time of a result's bytes).
  if (frozen && plainData(v)) {
    text = flat(text);
    frozenText.set(v, text);
  }
  frozen = outer && frozen;
  depth--;
  return text;
}

// The key order of the objects seen, by their keys as Object.keys lists them: the result's objects are
// of a few shapes (an item, a deduction, a dimension), so each order is sorted once. Bounded like the text caches.
const keyOrders = new Map<string, { listed: string[]; sorted: string[] }>();

// Object.keys lists integer-like keys first, in numeric order; sort() puts every key in UTF-16 order.
function inKeyOrder(keys: string[]): string[] {
  let i = 1;
  while (i < keys.length && keys[i - 1] <= keys[i]) i++;
  if (i >= keys.length) return keys;
  const signature = keys.join('\u0000');
  const known = keyOrders.get(signature);
  // The signature could be shared by two key lists (a key with NUL in it): the list itself must match.
  if (known && known.listed.length === keys.length && known.listed.every((k, j) => k === keys[j])) return known.sorted;
  const sorted = [...keys].sort();
  if (keyOrders.size >= 1024) keyOrders.clear();
  keyOrders.set(signature, { listed: keys, sorted });
  return sorted;
}

// A flat copy of a text, made once per frozen value.
function flat(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function plainData(v: object): boolean {
  for (const d of Object.values(Object.getOwnPropertyDescriptors(v))) if (!('value' in d)) return false;
  return true;
}

/** canonicalHash is `sha256:` and the hex digest of a value's canonical JSON. */
export function canonicalHash(value: unknown): string {
  return sha256Text(canonicalJson(value));
}

/** sha256Text is `sha256:` and the hex digest of a text's UTF-8 bytes: the form of every hash in the log. */
export function sha256Text(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
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
