// Audit stage: the decision log appender. Every rating appended becomes one line of JSON, hash-chained
// to the line before; an append returns only once the line is on disk (write, then fsync). Opening a
// log after a crash finds a torn last line and cuts it off, with a warning, leaving every complete
// entry as it was. Every N entries, and on close, a checkpoint line signs the chain head (Ed25519).
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { canonicalHash, canonicalJson } from './canonical.js';
import {
  entryHash,
  genesisHash,
  isCheckpoint,
  type Checkpoint,
  type CheckpointBody,
  type DecisionEntry,
} from './entry.js';
import { loadSigningKey, signCheckpoint, type SigningKey } from './keys.js';
import { redact } from './redact.js';
import { completeEnd, lastLines } from './tail.js';

/** DecisionLogOptions: where the log is, what it keeps of inputs, and how checkpoints are signed. */
export interface DecisionLogOptions {
  /** The log file (JSON Lines); created when missing. */
  path: string;
  /** An Ed25519 private key (PEM, PKCS#8) to sign checkpoints with; without one, no checkpoints are written. */
  privateKeyPath?: string;
  /** Where a newly made key's public half is written (default: beside it, `x.pub.pem`). */
  publicKeyPath?: string;
  /** Make the key pair when privateKeyPath does not exist (default true). */
  createKey?: boolean;
  /** Write a checkpoint after every N-th entry (default 1000; 0: only on close). */
  checkpointEvery?: number;
  /** Also append each checkpoint to this file, for export to a place the log's writer cannot change. */
  checkpointPath?: string;
  /** JSON pointers of input fields left out of the log (`""` leaves out the whole input). */
  drop?: readonly string[];
  /** JSON pointers of input fields replaced by "[masked]". */
  mask?: readonly string[];
  /** JSON pointers of result fields replaced by "[masked]" (the result repeats the institution's name). */
  resultMask?: readonly string[];
  /** fsync each line before append returns (default true; turn off only in tests of speed). */
  fsync?: boolean;
  /** Where warnings go (a repaired torn line); default process.emitWarning. */
  onWarning?: (message: string) => void;
  /** The clock (tests). */
  now?: () => Date;
}

/** Decision: what a caller appends: who asked, the input, and the result (which names its ruleset). */
export interface Decision {
  caller: string;
  input: unknown;
  result: { ruleset: { id: string; hash: string } };
}

/** DecisionLog: an open log. Appends are serialized; each resolves once its line is durable. */
export interface DecisionLog {
  readonly path: string;
  append(decision: Decision): Promise<DecisionEntry>;
  /** checkpoint signs the current head now (when there is a key and entries since the last one). */
  checkpoint(): Promise<void>;
  /** close writes a last checkpoint and closes the file. */
  close(): Promise<void>;
}

/** LogError: the log cannot be opened or written. */
export class LogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogError';
  }
}

/** createDecisionLog opens (or creates) a log, repairing a torn last line, and returns its appender. */
export async function createDecisionLog(options: DecisionLogOptions): Promise<DecisionLog> {
  const warn = options.onWarning ?? ((m: string) => process.emitWarning(m, 'DecisionLogWarning'));
  const now = options.now ?? (() => new Date());
  const sync = options.fsync !== false;
  const every = options.checkpointEvery ?? 1000;
  const key = options.privateKeyPath
    ? await loadSigningKey(options.privateKeyPath, {
        create: options.createKey !== false,
        publicKeyPath: options.publicKeyPath,
      })
    : undefined;

  const existed = await exists(options.path);
  const handle = await open(options.path, 'a+').catch((err: Error) => {
    throw new LogError(`cannot open the decision log ${options.path}: ${err.message}`);
  });
  if (!existed && sync) await syncDir(dirname(options.path));
  const state = await recover(handle, options.path, warn);
  const checkpoints = options.checkpointPath ? await open(options.checkpointPath, 'a') : undefined;

  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  const serialize = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };

  const writeCheckpoint = async () => {
    if (!key || state.seq === 0 || state.checkpointed === state.seq) return;
    const body: CheckpointBody = {
      seq: state.seq,
      head: state.head,
      time: now().toISOString(),
      keyId: key.keyId,
      publicKey: publicKeyBase64(key),
    };
    const line = `${canonicalJson({ checkpoint: body, signature: signCheckpoint(body, key) } satisfies Checkpoint)}\n`;
    await writeAll(handle, line, sync);
    if (checkpoints) await writeAll(checkpoints, line, sync);
    state.checkpointed = state.seq;
  };

  return {
    path: options.path,
    append: (decision) =>
      serialize(async () => {
        if (closed) throw new LogError(`the decision log ${options.path} is closed`);
        const entry = buildEntry(decision, state.seq + 1, state.head, now(), options);
        await writeAll(handle, `${canonicalJson(entry)}\n`, sync);
        state.seq = entry.seq;
        state.head = entry.hash;
        if (every > 0 && entry.seq % every === 0) await writeCheckpoint();
        return entry;
      }),
    checkpoint: () => serialize(writeCheckpoint),
    close: () =>
      serialize(async () => {
        if (closed) return;
        closed = true;
        try {
          await writeCheckpoint();
        } finally {
          await handle.close();
          await checkpoints?.close();
        }
      }),
  };
}

/** buildEntry makes the next entry of the chain from a decision. */
export function buildEntry(
  decision: Decision,
  seq: number,
  prevHash: string,
  time: Date,
  rules: { drop?: readonly string[]; mask?: readonly string[]; resultMask?: readonly string[] } = {},
): DecisionEntry {
  const result = rules.resultMask?.length ? redact(decision.result, { mask: rules.resultMask }) : undefined;
  const entry: Omit<DecisionEntry, 'hash'> = {
    seq,
    time: time.toISOString(),
    caller: decision.caller,
    rulesetId: decision.result.ruleset.id,
    rulesetHash: decision.result.ruleset.hash,
    inputHash: canonicalHash(decision.input),
    result: (result ? result.value : decision.result) as DecisionEntry['result'],
    prevHash,
  };
  const redacted: NonNullable<DecisionEntry['redacted']> = { dropped: [], masked: [] };
  if (rules.drop?.includes('')) redacted.dropped.push('');
  else {
    const r = redact(decision.input, rules);
    entry.input = r.value as DecisionEntry['input'];
    redacted.dropped.push(...r.dropped);
    redacted.masked.push(...r.masked);
  }
  if (result?.masked.length) redacted.resultMasked = result.masked;
  if (redacted.dropped.length || redacted.masked.length || redacted.resultMasked) entry.redacted = redacted;
  return { ...entry, hash: entryHash(entry) };
}

interface State {
  seq: number;
  head: string;
  /** The seq of the newest checkpoint after the last entry (-1 when the log does not end in one). */
  checkpointed: number;
}

// Finds the chain's head from the end of the file; a torn last line (no newline, or not JSON) is cut.
async function recover(handle: FileHandle, path: string, warn: (m: string) => void): Promise<State> {
  const { size } = await handle.stat();
  const end = await completeEnd(handle, size);
  if (end < size) {
    warn(
      `${path}: the last line was torn (${size - end} bytes without a newline, from an interrupted write); it was cut off, and the log goes on from the last complete entry`,
    );
    await handle.truncate(end);
    await handle.sync();
  }
  const state: State = { seq: 0, head: genesisHash, checkpointed: -1 };
  let first = true;
  let cut = -1;
  await lastLines(handle, end, (text, offset) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      if (first) {
        cut = offset;
        first = false;
        return false;
      }
      throw new LogError(
        `${path}: a line at byte ${offset} is not JSON; run verify-log to see where the log is broken`,
      );
    }
    first = false;
    if (isCheckpoint(parsed)) {
      if (state.checkpointed < 0) state.checkpointed = parsed.checkpoint.seq;
      return false;
    }
    const e = parsed as DecisionEntry;
    state.seq = e.seq;
    state.head = e.hash;
    if (state.checkpointed !== e.seq) state.checkpointed = -1;
    return true;
  });
  if (cut >= 0) {
    warn(`${path}: the last line was not complete JSON (an interrupted write); it was cut off`);
    await handle.truncate(cut);
    await handle.sync();
  }
  return state;
}

async function writeAll(handle: FileHandle, text: string, sync: boolean): Promise<void> {
  const buf = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < buf.length) done += (await handle.write(buf, done, buf.length - done)).bytesWritten;
  if (sync) await handle.sync();
}

function publicKeyBase64(key: SigningKey): string {
  return key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}

async function exists(path: string): Promise<boolean> {
  try {
    await (await open(path, 'r')).close();
    return true;
  } catch {
    return false;
  }
}

// A new file's directory entry is durable only once its directory is synced.
async function syncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    await d.sync().finally(() => d.close());
  } catch {
    // Some platforms cannot fsync a directory; the file itself is still synced on every append.
  }
}
