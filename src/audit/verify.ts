// Audit stage: checking a decision log from its first line: every entry's hash over its content, the
// chain of prevHash, the sequence without gaps, the input hash, and every checkpoint's signature over
// the head it names. It stops at the first broken line and says what is wrong there.
import type { KeyObject } from 'node:crypto';
import { canonicalHash } from './canonical.js';
import { entryHash, genesisHash, isCheckpoint, type DecisionEntry } from './entry.js';
import { checkSignature, keyIdOf, publicKeyFromBase64 } from './keys.js';
import { readLines } from './tail.js';

/** VerifyReport: what verify-log found. */
export interface VerifyReport {
  ok: boolean;
  file: string;
  entries: number;
  checkpoints: number;
  /** The seq and hash of the last good entry. */
  lastSeq: number;
  head: string;
  /** The key the checkpoints were checked with, and whether the caller pinned it. */
  keyId?: string;
  keyPinned: boolean;
  /** The first line that does not hold, and why. */
  broken?: { line: number; seq?: number; reason: string };
  warnings: string[];
}

const entryFields = [
  'seq',
  'time',
  'caller',
  'rulesetId',
  'rulesetHash',
  'inputHash',
  'result',
  'prevHash',
  'hash',
] as const;

/** verifyLog checks a log; with `publicKey`, every checkpoint must be signed by that key. */
export async function verifyLog(file: string, options: { publicKey?: KeyObject } = {}): Promise<VerifyReport> {
  const pinned = options.publicKey ? keyIdOf(options.publicKey) : undefined;
  const report: VerifyReport = {
    ok: true,
    file,
    entries: 0,
    checkpoints: 0,
    lastSeq: 0,
    head: genesisHash,
    keyPinned: pinned !== undefined,
    warnings: [],
  };
  if (pinned) report.keyId = pinned;
  let checkpointedSeq = 0;
  const fail = (line: number, reason: string, seq?: number) => {
    report.ok = false;
    report.broken = seq === undefined ? { line, reason } : { line, seq, reason };
    return report;
  };

  for await (const line of readLines(file)) {
    if (!line.complete) {
      report.warnings.push(
        `line ${line.number} is torn (no newline: an interrupted write); opening the log with its appender cuts it off`,
      );
      break;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line.text);
    } catch {
      return fail(line.number, 'is not JSON');
    }
    if (isCheckpoint(parsed)) {
      const { checkpoint: body, signature } = parsed;
      if (body.seq !== report.lastSeq || body.head !== report.head)
        return fail(
          line.number,
          `a checkpoint of entry ${body.seq} (head ${body.head}) that does not match the chain at this point (entry ${report.lastSeq}, head ${report.head})`,
        );
      if (pinned && body.keyId !== pinned)
        return fail(line.number, `a checkpoint signed by key ${body.keyId}, not by the key given (${pinned})`);
      let key: KeyObject;
      try {
        key = options.publicKey ?? publicKeyFromBase64(body.publicKey);
      } catch {
        return fail(line.number, 'a checkpoint whose public key cannot be read');
      }
      if (!pinned && keyIdOf(key) !== body.keyId)
        return fail(line.number, `a checkpoint whose public key does not match its keyId ${body.keyId}`);
      if (!checkSignature(body, signature, key))
        return fail(
          line.number,
          `the signature of the checkpoint of entry ${body.seq} does not verify: the checkpoint or the signature was altered`,
        );
      report.keyId ??= body.keyId;
      if (report.keyId !== body.keyId)
        report.warnings.push(
          `line ${line.number}: the checkpoint is signed by another key (${body.keyId}) than the earlier ones`,
        );
      report.checkpoints++;
      checkpointedSeq = body.seq;
      continue;
    }
    const e = parsed as DecisionEntry;
    const missing = entryFields.filter((k) => !(k in (e as object)));
    if (missing.length)
      return fail(line.number, `is neither an entry nor a checkpoint: it lacks ${missing.join(', ')}`);
    const expected = report.lastSeq + 1;
    if (e.seq !== expected)
      return e.seq > expected
        ? fail(
            line.number,
            `entry ${expected}${e.seq - 1 > expected ? `–${e.seq - 1}` : ''} is missing: this line is entry ${e.seq}, after entry ${report.lastSeq}`,
            expected,
          )
        : fail(
            line.number,
            `entry ${e.seq} comes after entry ${report.lastSeq}: an entry was repeated or moved`,
            e.seq,
          );
    if (entryHash(e) !== e.hash)
      return fail(
        line.number,
        `entry ${e.seq} does not match its hash: its content was changed after it was written`,
        e.seq,
      );
    if (e.prevHash !== report.head)
      return fail(
        line.number,
        `entry ${e.seq} does not follow entry ${report.lastSeq}: its prevHash is not that entry's hash`,
        e.seq,
      );
    if (e.redacted === undefined && 'input' in e && canonicalHash(e.input) !== e.inputHash)
      return fail(line.number, `entry ${e.seq}: its input does not match its inputHash`, e.seq);
    report.entries++;
    report.lastSeq = e.seq;
    report.head = e.hash;
  }
  if (report.entries > checkpointedSeq && (report.checkpoints > 0 || pinned))
    report.warnings.push(
      `entries ${checkpointedSeq + 1}–${report.lastSeq} come after the last signed checkpoint and are covered by the hash chain only`,
    );
  if (report.checkpoints > 0 && !pinned)
    report.warnings.push(
      'checkpoints were checked with the key written in the log itself; give --public-key to check them against the key you trust',
    );
  return report;
}
