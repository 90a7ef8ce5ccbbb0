// Audit stage: opening a decision log after a stop or a crash. A torn last line (bytes after the last
// newline: a write that was never acknowledged) is moved aside to a file of its own and reported, to be
// recorded in the chain as a repair; a complete line is never dropped. The end of the chain is checked
// against the signed head beside the log, so a log that was cut, emptied or rewritten is refused.
import { createHash } from 'node:crypto';
import { type FileHandle, open, readdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { type Checkpoint, genesisHash, isCheckpoint } from './entry.js';
import { headPathFor, partPattern, readHead, syncDir } from './head.js';
import { checkSignature, publicKeyFromBase64 } from './keys.js';
import { completeEnd, lastLines } from './tail.js';

/** LogError: the log cannot be opened or written. */
export class LogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogError';
  }
}

/** Recovered: where the chain stands in the file as opened. */
export interface Recovered {
  seq: number;
  head: string;
  /** The file's length once any torn tail is moved aside. */
  size: number;
  /** The seq of the checkpoint the file ends with, or -1 when entries follow the last one. */
  checkpointed: number;
  /** The UTC year of the file's first entry (for rotation by year), or undefined for an empty file. */
  firstYear?: number;
  /** The seq of the file's first link (what it is named by when rotated); state.seq + 1 for an empty file. */
  firstSeq: number;
  /** The torn tail moved aside, to be recorded in the chain. */
  torn?: { bytes: number; sha256: string; movedTo: string };
}

/** recoverLog finds the chain's head from the end of an open log file and checks it against its signed head. */
export async function recoverLog(
  handle: FileHandle,
  path: string,
  now: Date,
  warn: (m: string) => void,
): Promise<Recovered> {
  const { size } = await handle.stat();
  const end = await completeEnd(handle, size);
  let torn: Recovered['torn'];
  if (end < size) {
    const bytes = Buffer.alloc(size - end);
    await handle.read(bytes, 0, bytes.length, end);
    const movedTo = `${path}.torn-${now.toISOString().replace(/[:.]/g, '-')}`;
    const aside = await open(movedTo, 'wx', 0o600);
    try {
      await aside.writeFile(bytes);
      await aside.sync();
    } finally {
      await aside.close();
    }
    await syncDir(dirname(path));
    await handle.truncate(end);
    await handle.sync();
    torn = {
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      movedTo: basename(movedTo),
    };
    warn(
      `${path}: the last line was torn (${bytes.length} bytes without a newline: a write that was interrupted and never acknowledged); it was moved to ${movedTo} and the repair is recorded in the chain`,
    );
  }

  const head = await readHead(headPathFor(path)).catch((err: Error) => {
    throw new LogError(err.message);
  });
  const state: Recovered = {
    seq: 0,
    head: genesisHash,
    size: end,
    checkpointed: -1,
    firstSeq: 1,
    ...(torn ? { torn } : {}),
  };
  let links = 0;
  let headChecked = false;
  let firstTime: string | undefined;
  let lowest = Number.POSITIVE_INFINITY;
  await lastLines(handle, end, (text, offset) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new LogError(
        `${path}: the complete line at byte ${offset} is not JSON; the log is not opened (no complete line is ever dropped): run verify-log to see where it is broken`,
      );
    }
    if (isCheckpoint(parsed)) {
      if (links === 0 && state.checkpointed < 0) state.checkpointed = parsed.checkpoint.seq;
      return false;
    }
    const e = parsed as { seq: number; hash: string; time: string };
    firstTime = e.time;
    lowest = Math.min(lowest, e.seq);
    if (links++ === 0) {
      state.seq = e.seq;
      state.head = e.hash;
      if (state.checkpointed !== e.seq) state.checkpointed = -1;
    }
    if (head && e.seq === head.checkpoint.seq) {
      if (e.hash !== head.checkpoint.head)
        throw new LogError(
          `${path}: entry ${e.seq} is not the one its signed head names (${head.checkpoint.head}): the log was rewritten; run verify-log`,
        );
      headChecked = true;
    }
    // Back to the head's entry (usually a few lines), or only the last entry without a head.
    return !head || e.seq <= head.checkpoint.seq;
  });
  if (firstTime === undefined && state.seq === 0) {
    // An empty file: a new log, or the next file of a rotated chain (which the head continues).
    if (head && head.checkpoint.seq > 0) {
      const parts = (await readdir(dirname(path))).filter((f) => partPattern(path).test(f));
      if (!parts.length)
        throw new LogError(
          `${path} holds no entry, but its signed head names entry ${head.checkpoint.seq}: the log was emptied or removed; run verify-log`,
        );
      state.seq = head.checkpoint.seq;
      state.head = head.checkpoint.head;
    }
  } else {
    if (head && head.checkpoint.seq > state.seq)
      throw new LogError(
        `${path} ends at entry ${state.seq}, but its signed head names entry ${head.checkpoint.seq}: the end of the log was cut; run verify-log`,
      );
    if (head && !headChecked && head.checkpoint.seq >= 1 && lowest <= head.checkpoint.seq)
      throw new LogError(`${path}: the entry its signed head names was not found; run verify-log`);
  }
  if (head) checkHeadSignature(head, path);
  if (firstTime === undefined) state.firstSeq = state.seq + 1;
  else Object.assign(state, await firstLinkOf(handle, end));
  return state;
}

function checkHeadSignature(head: Checkpoint, path: string): void {
  let ok = false;
  try {
    ok = checkSignature(head.checkpoint, head.signature, publicKeyFromBase64(head.checkpoint.publicKey));
  } catch {
    ok = false;
  }
  if (!ok) throw new LogError(`${headPathFor(path)}: the signature of the signed head does not verify; run verify-log`);
}

// The year and seq of the file's first line (a few KB read from the start).
async function firstLinkOf(handle: FileHandle, end: number): Promise<{ firstYear?: number; firstSeq: number }> {
  const buf = Buffer.alloc(Math.min(end, 1024 * 1024));
  await handle.read(buf, 0, buf.length, 0);
  const nl = buf.indexOf(10);
  try {
    const first = JSON.parse(buf.subarray(0, nl < 0 ? buf.length : nl).toString('utf8')) as {
      time: string;
      seq: number;
    };
    return { firstYear: new Date(first.time).getUTCFullYear(), firstSeq: first.seq };
  } catch {
    return { firstSeq: 1 };
  }
}
