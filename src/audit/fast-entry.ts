// Audit stage: reading a decision entry as the appender writes it (canonical JSON, keys in order) from
// its bytes, without parsing it: its seq, hash and prevHash, with its hash checked over the line's own
// bytes and its inputHash over the input's own bytes. The result, most of the line, is hashed, never
// parsed. Anything else (another form, a repair, a checkpoint, a hash that does not hold) is left to
// the parsing path, which says what is wrong.
import { createHash } from 'node:crypto';

/** FastEntry: what the chain needs of an entry whose hash and input hash hold over its bytes. */
export interface FastEntry {
  seq: number;
  hash: string;
  prevHash: string;
}

const bytes = (s: string) => Buffer.from(s, 'latin1');
const CALLER = bytes('{"caller":"');
const HASH = bytes(',"hash":"sha256:');
const IDEMPOTENCY = bytes(',"idempotencyKey":"');
const INPUT = bytes(',"input":');
const INPUT_HASH = bytes(',"inputHash":"sha256:');
const PREV_HASH = bytes('","prevHash":"sha256:');
const REDACTED = bytes(',"redacted":');
const RESULT = bytes(',"result":');
// The members after the result, at the end of the line (rulesetId and time as JSON strings).
const tail =
  /,"rulesetHash":"sha256:[0-9a-f]{64}","rulesetId":"(?:[^"\\]|\\.)*","seq":([1-9]\d{0,15}),"time":"(?:[^"\\]|\\.)*"}$/;
const hex64 = /^[0-9a-f]{64}$/;
const QUOTE = 34;
const BACKSLASH = 92;

function at(b: Buffer, pos: number, p: Buffer): boolean {
  if (pos + p.length > b.length) return false;
  for (let i = 0; i < p.length; i++) if (b[pos + i] !== p[i]) return false;
  return true;
}

/** stringEnd: the index of the quote that closes the string whose content starts at `pos`, or -1. */
function stringEnd(b: Buffer, pos: number): number {
  for (let q = b.indexOf(QUOTE, pos); q !== -1; q = b.indexOf(QUOTE, q + 1)) {
    let slashes = 0;
    while (b[q - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q;
  }
  return -1;
}

/** valueEnd: the index just after the object or array starting at `pos`, or -1. */
function valueEnd(b: Buffer, pos: number): number {
  const open = b[pos];
  if (open !== 123 && open !== 91) return -1;
  let depth = 0;
  for (let i = pos; i < b.length; i++) {
    const c = b[i];
    if (c === QUOTE) {
      i = stringEnd(b, i + 1);
      if (i === -1) return -1;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

const sha256 = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** hexAt: the 64 hex digits at `pos` followed by a quote, or undefined. */
function hexAt(b: Buffer, pos: number): string | undefined {
  if (b[pos + 64] !== QUOTE) return undefined;
  const h = b.toString('latin1', pos, pos + 64);
  return hex64.test(h) ? h : undefined;
}

/** fastEntry: the entry in `line` when it is in the appender's form and its hashes hold; else undefined. */
export function fastEntry(line: Buffer): FastEntry | undefined {
  if (!at(line, 0, CALLER)) return undefined;
  const callerEnd = stringEnd(line, CALLER.length);
  if (callerEnd === -1 || !at(line, callerEnd + 1, HASH)) return undefined;
  const hashMember = callerEnd + 1;
  const hash = hexAt(line, hashMember + HASH.length);
  if (!hash) return undefined;
  let pos = hashMember + HASH.length + 65;
  const afterHash = pos;
  if (at(line, pos, IDEMPOTENCY)) {
    pos = stringEnd(line, pos + IDEMPOTENCY.length);
    if (pos === -1) return undefined;
    pos++;
  }
  let input: Buffer | undefined;
  if (at(line, pos, INPUT)) {
    const end = valueEnd(line, pos + INPUT.length);
    if (end === -1) return undefined;
    input = line.subarray(pos + INPUT.length, end);
    pos = end;
  }
  if (!at(line, pos, INPUT_HASH)) return undefined;
  const inputHash = hexAt(line, pos + INPUT_HASH.length);
  pos += INPUT_HASH.length + 64;
  if (!inputHash || !at(line, pos, PREV_HASH)) return undefined;
  const prevHash = hexAt(line, pos + PREV_HASH.length);
  pos += PREV_HASH.length + 65;
  if (!prevHash) return undefined;
  let redacted = false;
  if (at(line, pos, REDACTED)) {
    redacted = true;
    pos = valueEnd(line, pos + REDACTED.length);
    if (pos === -1) return undefined;
  }
  if (!at(line, pos, RESULT) || line[pos + RESULT.length] !== 123) return undefined;
  // The last members, read from the end: they come after the result whatever it holds.
  const from = Math.max(pos + RESULT.length + 2, line.length - 1024);
  const m = tail.exec(line.toString('latin1', from, line.length));
  if (!m) return undefined;
  const seq = Number(m[1]);
  if (!Number.isSafeInteger(seq)) return undefined;
  // The hash is over the line without its hash member; the input hash over the input as written,
  // which is its canonical form when the line is the appender's (else the parsing path decides).
  if (sha256(line.subarray(0, hashMember), line.subarray(afterHash)) !== hash) return undefined;
  if (input && !redacted && sha256(input) !== inputHash) return undefined;
  return { seq, hash: `sha256:${hash}`, prevHash: `sha256:${prevHash}` };
}
