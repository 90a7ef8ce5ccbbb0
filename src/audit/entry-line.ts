// Audit stage: one decision entry and its line, as the appender writes it: the input (masked and
// dropped as the log's rules say, its evidence with it) and the result in canonical JSON, the hash over
// the line without its `hash` member, the line encoded once.
import { createHash } from 'node:crypto';
import type { DecisionEntry } from '../../generated/types/audit/decision-log.js';
import { canonicalHash, canonicalJson, sha256Text } from './canonical.js';
import { redact } from './redact.js';
import { redactEvidence } from './redact-evidence.js';
import { redactResult } from './redact-result.js';

/** Decision: what a caller appends: who asked, the input, and the result (which names its ruleset). */
export interface Decision {
  caller: string;
  input: unknown;
  result: { ruleset: { id: string; hash: string } };
  /** The client's Idempotency-Key, when it sent one. */
  idempotencyKey?: string;
  /** For a rating made from evidence: the derived findings (with their rows and file hashes) it rated. */
  inputEvidence?: DecisionEntry['inputEvidence'];
  /**
   * canonicalJson(result) as UTF-8, when the caller has it already (the service answers with these
   * bytes): the line is then written with them, the result not serialized again. It must be exactly that.
   */
  resultJson?: Buffer;
}

/** EntryRules: what the log keeps of a decision's input and result. */
export interface EntryRules {
  /** JSON pointers of input fields left out of the log (`""` leaves out the whole input). */
  drop?: readonly string[];
  /** JSON pointers of input fields replaced by "[masked]". */
  mask?: readonly string[];
  // JSON pointers of result fields replaced by "[masked]", a `*` segment standing for every element (every
  // row key of every deduction's evidence: /items/*/deductions/*/evidence/rows/*/key). What `drop` and
  // `mask` reach is masked in the result too (redact-result.ts).
  resultMask?: readonly string[];
}

/** buildEntry makes the next entry of the chain from a decision. */
export function buildEntry(
  decision: Decision,
  seq: number,
  prevHash: string,
  time: Date,
  rules: EntryRules = {},
): DecisionEntry {
  return buildEntryLine(decision, seq, prevHash, time, rules).entry;
}

/**
 * buildEntryLine makes the next entry and its line, serializing it once: the hash is taken over the
 * canonical JSON without `hash`, and `hash` (second in key order, after `caller`) is put into that text.
 */
export function buildEntryLine(
  decision: Decision,
  seq: number,
  prevHash: string,
  time: Date,
  rules: EntryRules = {},
): { entry: DecisionEntry; line: string } {
  const { entry, bytes } = buildEntryBytes(decision, seq, prevHash, time, rules);
  return { entry, line: bytes.toString('utf8') };
}

/** buildEntryBytes is buildEntryLine with the line as UTF-8 bytes (encoded once: hashed, then written). */
export function buildEntryBytes(
  decision: Decision,
  seq: number,
  prevHash: string,
  time: Date,
  rules: EntryRules = {},
): { entry: DecisionEntry; bytes: Buffer } {
  const { entry, inputText, resultText } = entryBody(decision, seq, prevHash, time, rules);
  // The canonical text, written member by member in key order (the input serialized once, for its
  // hash and for the line); the tests hold it equal to canonicalJson of the entry.
  // The line is encoded in parts (the result's bytes, most of it, may come encoded already): its hash
  // is over the parts in order, and `hash` (second in key order, after `caller`) goes between them.
  const member = (key: string, json: string | undefined) => (json === undefined ? '' : `,"${key}":${json}`);
  const head = Buffer.from(`{"caller":${JSON.stringify(entry.caller)}`, 'utf8');
  const before = Buffer.from(
    member('idempotencyKey', entry.idempotencyKey === undefined ? undefined : JSON.stringify(entry.idempotencyKey)) +
      member('input', inputText) +
      member('inputEvidence', entry.inputEvidence === undefined ? undefined : canonicalJson(entry.inputEvidence)) +
      member('inputHash', JSON.stringify(entry.inputHash)) +
      member('prevHash', JSON.stringify(entry.prevHash)) +
      member('redacted', entry.redacted === undefined ? undefined : canonicalJson(entry.redacted)) +
      ',"result":',
    'utf8',
  );
  const result = typeof resultText === 'string' ? Buffer.from(resultText, 'utf8') : resultText;
  const after = Buffer.from(
    member('rulesetHash', JSON.stringify(entry.rulesetHash)) +
      member('rulesetId', JSON.stringify(entry.rulesetId)) +
      member('seq', String(entry.seq)) +
      member('time', JSON.stringify(entry.time)) +
      '}',
    'utf8',
  );
  const hash = `sha256:${createHash('sha256').update(head).update(before).update(result).update(after).digest('hex')}`;
  const line = Buffer.concat([head, Buffer.from(`,"hash":"${hash}"`, 'latin1'), before, result, after]);
  return { entry: { ...entry, hash }, bytes: line };
}

function entryBody(
  decision: Decision,
  seq: number,
  prevHash: string,
  time: Date,
  rules: EntryRules = {},
): { entry: Omit<DecisionEntry, 'hash'>; inputText: string | undefined; resultText: string | Buffer } {
  // The result itself when nothing of it is masked (its bytes, when given, are then written as they are).
  const result =
    rules.resultMask?.length || rules.drop?.length || rules.mask?.length
      ? redactResult(decision.result, rules, decision.input)
      : undefined;
  const resultMasked = result !== undefined && result.masked.length > 0;
  // Nothing left out: the input's canonical text serves both its hash and the line.
  const whole = rules.drop?.length || rules.mask?.length ? undefined : canonicalJson(decision.input);
  const entry: Omit<DecisionEntry, 'hash'> = {
    seq,
    time: time.toISOString(),
    caller: decision.caller,
    rulesetId: decision.result.ruleset.id,
    rulesetHash: decision.result.ruleset.hash,
    inputHash: whole === undefined ? canonicalHash(decision.input) : sha256Text(whole),
    result: (resultMasked ? result.value : decision.result) as DecisionEntry['result'],
    prevHash,
  };
  if (decision.idempotencyKey !== undefined) entry.idempotencyKey = decision.idempotencyKey;
  const redacted: NonNullable<DecisionEntry['redacted']> = { dropped: [], masked: [] };
  if (rules.drop?.includes('')) redacted.dropped.push('');
  else {
    const r = redact(decision.input, rules);
    entry.input = r.value as DecisionEntry['input'];
    redacted.dropped.push(...r.dropped);
    redacted.masked.push(...r.masked);
    // The derived findings are the rest of the input: kept with it, left out with it, and what it masks
    // or drops is masked in them too (a rule that reached only them is still listed).
    if (decision.inputEvidence !== undefined) {
      const ev = redactEvidence(decision.inputEvidence, rules);
      entry.inputEvidence = ev.value;
      for (const p of ev.applied)
        if (!redacted.dropped.includes(p) && !redacted.masked.includes(p))
          (rules.drop?.includes(p) ? redacted.dropped : redacted.masked).push(p);
    }
  }
  if (resultMasked) redacted.resultMasked = result.masked;
  if (redacted.dropped.length || redacted.masked.length || redacted.resultMasked) entry.redacted = redacted;
  const inputText = entry.input === undefined ? undefined : (whole ?? canonicalJson(entry.input));
  const resultText =
    resultMasked || decision.resultJson === undefined ? canonicalJson(entry.result) : decision.resultJson;
  return { entry, inputText, resultText };
}
