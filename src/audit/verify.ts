// Audit stage: checking a decision log from its first line: every entry's hash over its content, the
// chain of prevHash, the sequence without gaps, the input hash, every checkpoint's signature over the
// head it names, and the signed head beside the log, so that a cut, emptied or rewritten end is found.
// A rotated log is checked across its files as one chain. It stops at the first broken line.
import type { KeyObject } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import {
  type Checkpoint,
  type DecisionEntry,
  genesisHash,
  hashHolds,
  inputHolds,
  isCheckpoint,
  isRepair,
  missingEntryFields,
  wholeSeq,
} from './entry.js';
import { chainFiles, HeadError, headPathFor, readHead } from './head.js';
import { checkSignature, keyIdOf, publicKeyFromBase64 } from './keys.js';
import { fastEntry } from './fast-entry.js';
import { readLines } from './tail.js';
import { type Message, msg } from '../diagnostics/message.js';
import type { VerifyReport } from '../../generated/types/audit/verify-report.js';
import { renderMessage } from '../diagnostics/i18n.js';
import { createHashPool, readCheckedLines } from './verify-threads.js';

// VerifyReport, what verify-log found for one chain (and prints with --json), is written once in
// schemas/audit/verify-report.schema.json.
export type { VerifyReport };

export interface VerifyOptions {
  /** Every signature must be made by this key. */
  publicKey?: KeyObject;
  /** The signed head to check the end against (default: `FILE.head.json`); false: no head check. */
  headPath?: string | false;
  /**
   * Worker threads that hash the entries (default: one per core for a log over 64 MB, else none; 0:
   * none). The main thread checks the order of the chain either way.
   */
  threads?: number;
}

const threadsFrom = 64 << 20;

/** verifyLog checks a log (with its rotated files); with `publicKey`, every signature must be by that key. */
export async function verifyLog(file: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const pinned = options.publicKey ? keyIdOf(options.publicKey) : undefined;
  const files = await chainFiles(file);
  const report: VerifyReport = {
    ok: true,
    file,
    files,
    entries: 0,
    checkpoints: 0,
    repairs: [],
    lastSeq: 0,
    head: genesisHash,
    chainOnly: 0,
    keyPinned: pinned !== undefined,
    warnings: [],
    warningMessages: [],
  };
  const warn = (m: Message) => {
    report.warnings.push(renderMessage(m, 'en'));
    report.warningMessages.push(m);
  };
  if (pinned) report.keyId = pinned;
  let signedSeq = 0;
  let current = file;
  const fail = (line: number, reason: Message, seq?: number) => {
    report.ok = false;
    report.broken = {
      ...(files.length > 1 ? { file: current } : {}),
      line,
      ...(seq === undefined ? {} : { seq }),
      reason: renderMessage(reason, 'en'),
      reasonId: reason.key,
      ...(reason.params ? { params: reason.params } : {}),
    };
    return report;
  };
  // A signature made by the pinned key, or (unpinned) by the key it names.
  const checkSigned = (cp: Checkpoint, which: 'signedHead' | 'checkpoint'): Message | undefined => {
    const { checkpoint: body, signature } = cp;
    const what = msg(which === 'signedHead' ? 'diag.verify.what.signedHead' : 'diag.verify.what.checkpoint');
    if (pinned && body.keyId !== pinned) return msg('diag.verify.notPinnedKey', { what, keyId: body.keyId, pinned });
    let key: KeyObject;
    try {
      key = options.publicKey ?? publicKeyFromBase64(body.publicKey);
    } catch {
      return msg('diag.verify.keyUnreadable', { what });
    }
    if (!pinned && keyIdOf(key) !== body.keyId) return msg('diag.verify.keyIdMismatch', { what, keyId: body.keyId });
    if (!checkSignature(body, signature, key))
      return msg(
        which === 'signedHead' ? 'diag.verify.badSignature.signedHead' : 'diag.verify.badSignature.checkpoint',
        { seq: body.seq },
      );
    report.keyId ??= body.keyId;
    return undefined;
  };

  const headPath = options.headPath === undefined ? headPathFor(file) : options.headPath;
  let signedHead: Checkpoint | undefined;
  if (headPath) {
    try {
      signedHead = await readHead(headPath);
    } catch (err) {
      if (err instanceof HeadError) return fail(0, err.said);
      throw err;
    }
    if (!signedHead) return fail(0, msg('diag.verify.headMissing', { path: headPath }));
    const bad = checkSigned(signedHead, 'signedHead');
    if (bad) return fail(0, bad);
    const c = signedHead.checkpoint;
    report.signedHead = { seq: c.seq, hash: c.head, time: c.time };
  }
  let headFound = signedHead?.checkpoint.seq === 0;
  const signedSeqAhead = signedHead?.checkpoint.seq ?? 0;
  let started = false;

  let bytes = 0;
  for (const f of files)
    bytes += await stat(f).then(
      (s) => s.size,
      () => 0,
    );
  const pool = createHashPool(options.threads ?? (bytes >= threadsFrom ? availableParallelism() : 0));
  try {
    return await readChain();
  } finally {
    await pool?.destroy();
  }

  async function readChain(): Promise<VerifyReport> {
    for (const f of files) {
      current = f;
      const last = f === file;
      let lineNo = 0;
      for await (const line of pool ? readCheckedLines(f, pool) : readLines(f)) {
        lineNo = line.number;
        if (!line.complete) {
          warn(
            files.length > 1
              ? msg('diag.verify.tornIn', { file: f, line: line.number })
              : msg('diag.verify.torn', { line: line.number }),
          );
          break;
        }
        // Most lines: an entry in the appender's form, read from its bytes (src/audit/fast-entry.ts),
        // when a signature covers it (seq up to the signed head's). Lines after it, which only the chain
        // covers, and anything else are parsed in full, which also says what is wrong with a bad one.
        const fast = signedSeqAhead > 0 ? (line.fast === undefined ? fastEntry(line.bytes) : line.fast) : undefined;
        if (fast && fast.seq <= signedSeqAhead && started && fast.seq === report.lastSeq + 1) {
          if (fast.prevHash !== report.head)
            return fail(
              line.number,
              msg('diag.verify.notFollowing', { seq: fast.seq, prev: report.lastSeq }),
              fast.seq,
            );
          report.entries++;
          report.lastSeq = fast.seq;
          report.head = fast.hash;
          if (fast.seq === signedSeqAhead) {
            if (fast.hash !== signedHead!.checkpoint.head)
              return fail(
                line.number,
                msg('diag.verify.notHeadEntry', { seq: fast.seq, head: signedHead!.checkpoint.head }),
                fast.seq,
              );
            headFound = true;
          }
          continue;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(line.text);
        } catch {
          return fail(line.number, msg('diag.verify.notJson'));
        }
        if (isCheckpoint(parsed)) {
          const body = parsed.checkpoint;
          if (body.seq !== report.lastSeq || body.head !== report.head)
            return fail(
              line.number,
              msg('diag.verify.checkpointOffChain', {
                seq: body.seq,
                head: body.head,
                chainSeq: report.lastSeq,
                chainHead: report.head,
              }),
            );
          const bad = checkSigned(parsed, 'checkpoint');
          if (bad) return fail(line.number, bad);
          if (report.keyId !== body.keyId) warn(msg('diag.verify.otherKey', { line: line.number, keyId: body.keyId }));
          report.checkpoints++;
          signedSeq = body.seq;
          continue;
        }
        const e = parsed as DecisionEntry & { repair?: { bytes: number; movedTo: string } };
        const repair = isRepair(parsed);
        if (!repair) {
          const missing = missingEntryFields(e);
          if (missing.length) return fail(line.number, msg('diag.verify.notAnEntry', { missing: missing.join(', ') }));
        }
        // A seq that is not a whole number would be reported as it is, where the report has entry numbers.
        if (!wholeSeq(e.seq))
          return fail(line.number, msg('diag.verify.badSeq', { value: JSON.stringify(e.seq) }), report.lastSeq + 1);
        if (!started) {
          started = true;
          // A chain whose oldest files were archived away starts later; the first entry's seq says where.
          if (e.seq !== 1 && files.length > 1 && f !== files[0]) report.lastSeq = e.seq - 1;
        }
        const expected = report.lastSeq + 1;
        if (e.seq !== expected)
          return e.seq > expected
            ? fail(
                line.number,
                e.seq - 1 > expected
                  ? msg('diag.verify.missingRange', { from: expected, to: e.seq - 1, seq: e.seq, prev: report.lastSeq })
                  : msg('diag.verify.missing', { from: expected, seq: e.seq, prev: report.lastSeq }),
                expected,
              )
            : fail(line.number, msg('diag.verify.outOfOrder', { seq: e.seq, prev: report.lastSeq }), e.seq);
        if (!hashHolds(line.text, e)) return fail(line.number, msg('diag.verify.hashMismatch', { seq: e.seq }), e.seq);
        if (e.prevHash !== report.head)
          return fail(line.number, msg('diag.verify.notFollowing', { seq: e.seq, prev: report.lastSeq }), e.seq);
        if (!repair && e.redacted === undefined && 'input' in e && !inputHolds(e))
          return fail(line.number, msg('diag.verify.inputMismatch', { seq: e.seq }), e.seq);
        if (repair) report.repairs.push({ seq: e.seq, bytes: e.repair!.bytes, movedTo: e.repair!.movedTo });
        else report.entries++;
        report.lastSeq = e.seq;
        report.head = e.hash;
        if (signedHead && e.seq === signedHead.checkpoint.seq) {
          if (e.hash !== signedHead.checkpoint.head)
            return fail(
              line.number,
              msg('diag.verify.notHeadEntry', { seq: e.seq, head: signedHead.checkpoint.head }),
              e.seq,
            );
          headFound = true;
        }
      }
      if (!last && lineNo === 0) warn(msg('diag.verify.emptyFile', { file: f }));
    }
    if (signedHead && !headFound) {
      const s = signedHead.checkpoint.seq;
      current = file;
      return fail(
        0,
        report.lastSeq === 0
          ? msg('diag.verify.emptied', { seq: s })
          : msg('diag.verify.cut', { last: report.lastSeq, seq: s, from: report.lastSeq + 1 }),
        report.lastSeq + 1,
      );
    }
    const anchored = Math.max(signedSeq, signedHead?.checkpoint.seq ?? 0);
    report.chainOnly = Math.max(0, report.lastSeq - anchored);
    if (report.chainOnly > 0)
      warn(msg('diag.verify.chainOnly', { from: anchored + 1, to: report.lastSeq, count: report.chainOnly }));
    if (report.keyId && !pinned) warn(msg('diag.verify.unpinned'));
    return report;
  }
}
