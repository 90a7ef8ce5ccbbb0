// Audit stage: the decision log appender. Every rating appended becomes one line of canonical JSON,
// hash-chained to the line before (built in entry-line.ts). Appends that arrive together are written by
// one write, which O_DSYNC makes durable before it returns (group commit); each resolves only once its
// own line is on disk. A failed write is cut back off, so the
// file stays exactly as it was. A signed checkpoint follows every N entries and, while entries arrive,
// every T seconds; each is also written to the signed head file beside the log. Files rotate by year or
// size, the chain going on in the next file.
import { constants } from 'node:fs';
import { chmod, type FileHandle, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { canonicalJson } from './canonical.js';
import {
  type Checkpoint,
  type CheckpointBody,
  type DecisionEntry,
  entryHash,
  genesisHash,
  type RepairEntry,
} from './entry.js';
import { buildEntryBytes, type Decision, type EntryRules } from './entry-line.js';
import { headPathFor, partPathFor, readHead, syncDir, writeHead } from './head.js';
import { KeyError, loadSigningKey, signCheckpoint } from './keys.js';
import { LogError, recoverLog } from './recover.js';
import { type Until, withdrawals } from './withdraw.js';

export { buildEntry, buildEntryBytes, buildEntryLine } from './entry-line.js';
export { LogError } from './recover.js';
export type { Until } from './withdraw.js';

/** DecisionLogOptions: where the log is, what it keeps of inputs (EntryRules), and how its end is signed. */
export interface DecisionLogOptions extends EntryRules {
  /** The log file (JSON Lines); created (0600) when missing. */
  path: string;
  /** The Ed25519 private key (PEM, PKCS#8) that signs checkpoints and the head: a log is always signed. */
  privateKeyPath: string;
  /** Make the key pair when privateKeyPath does not exist (default false: a missing key is an error). */
  createKey?: boolean;
  /** Where a newly made key's public half is written (default: beside it, `x.pub.pem`). */
  publicKeyPath?: string;
  /** Told where a key was made. */
  onKeyCreated?: (privateKeyPath: string, publicKeyPath: string) => void;
  /** A checkpoint after every N-th entry (default 1000; 0: only by time and on close). */
  checkpointEvery?: number;
  /** While entries arrive, a checkpoint at most this many ms after the first one it does not cover (default 1000; 0: off). */
  checkpointIntervalMs?: number;
  /** Also append each checkpoint to this file, for export to a place the log's writer cannot change. */
  checkpointPath?: string;
  /** Start a new file when the current one reaches this many bytes (default: no size limit). */
  rotateBytes?: number;
  /** Start a new file when the UTC year of the entries changes (default false). */
  rotateYearly?: boolean;
  /** fsync each write before its appends resolve (default true; turn off only in tests of speed). */
  fsync?: boolean;
  /** Where warnings go (a repaired torn line, a head that could not be replaced); default process.emitWarning. */
  onWarning?: (message: string) => void;
  /** The clock (tests). */
  now?: () => Date;
  /** Writes a buffer at the end of the file (tests inject a failing disk here). */
  write?: (handle: FileHandle, buf: Buffer) => Promise<void>;
}

/** Decision: what a caller appends (built into a line by entry-line.ts). */
export type { Decision };

/** LogStatus: where a log stands, for /v1/status. */
export interface LogStatus {
  path: string;
  seq: number;
  head: string;
  checkpointed: number;
  keyId: string;
}

/** DecisionLog: an open log. */
export interface DecisionLog {
  readonly path: string;
  /** append resolves once the entry is durable. Past its time bound before its write begins, it is withdrawn (nothing logged). */
  append(decision: Decision, options?: AppendOptions): Promise<DecisionEntry>;
  /** appendAll logs all of the decisions in one write, or none of them. */
  appendAll(decisions: readonly Decision[], options?: AppendOptions): Promise<DecisionEntry[]>;
  /** checkpoint signs the current head now (when entries came since the last one). */
  checkpoint(): Promise<void>;
  status(): LogStatus;
  /** close writes a last checkpoint and closes the file. */
  close(): Promise<void>;
}

/** AppendOptions: the time bound past which an append still waiting for its write is withdrawn. */
export interface AppendOptions {
  until?: Until;
}

interface Job {
  until?: Until;
  decisions: readonly Decision[];
  resolve: (entries: DecisionEntry[]) => void;
  reject: (err: Error) => void;
}

/** createDecisionLog opens (or creates) a log, repairing a torn last line, and returns its appender. */
export async function createDecisionLog(options: DecisionLogOptions): Promise<DecisionLog> {
  const warn = options.onWarning ?? ((m: string) => process.emitWarning(m, 'DecisionLogWarning'));
  const now = options.now ?? (() => new Date());
  const sync = options.fsync !== false;
  const every = options.checkpointEvery ?? 1000;
  const interval = options.checkpointIntervalMs ?? 1000;
  const write = options.write ?? writeAll;
  const path = options.path;
  const headPath = headPathFor(path);
  if (!options.privateKeyPath)
    throw new LogError('a decision log is always signed: give the path of its Ed25519 signing key');
  const key = await loadSigningKey(options.privateKeyPath, {
    create: options.createKey === true,
    publicKeyPath: options.publicKeyPath,
    onCreated: options.onKeyCreated,
  }).catch((err: Error) => {
    if (err instanceof KeyError && /ENOENT/.test(err.message))
      throw new KeyError(
        `the decision log's signing key ${options.privateKeyPath} does not exist: give the path of an existing Ed25519 key (PEM), or leave the setting out to have one made beside the log`,
      );
    throw err;
  });
  const publicKey = key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

  let handle = await openLogFile(path, sync);
  const state = await recoverLog(handle, path, now(), warn).catch(async (err: unknown) => {
    await handle.close();
    throw err;
  });
  const checkpoints = options.checkpointPath ? await open(options.checkpointPath, 'a', 0o600) : undefined;

  const pending: Job[] = [];
  let running: Promise<void> | undefined;
  let wantCheckpoint = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let broken: string | undefined;

  const sign = (seq: number, head: string, time: Date): Checkpoint => {
    const body: CheckpointBody = { seq, head, time: time.toISOString(), keyId: key.keyId, publicKey };
    return { checkpoint: body, signature: signCheckpoint(body, key) };
  };

  // One write of whole lines at the end of the file; on failure the file is cut back to where it was.
  const commit = async (buf: Buffer): Promise<void> => {
    if (broken) throw new LogError(broken);
    try {
      // With fsync on, the file is open with O_DSYNC: the write returns once its data is on disk, in one
      // trip to the thread pool rather than a write and then a datasync.
      await write(handle, buf);
    } catch (err) {
      const reason = `writing the decision log ${path} failed (${(err as Error).message})`;
      try {
        await handle.truncate(state.size);
        if (sync) await handle.datasync();
      } catch (again) {
        broken = `${reason}, and cutting it back to its last good entry failed too (${(again as Error).message}); restart the service once the disk is fixed`;
        throw new LogError(broken);
      }
      throw new LogError(`${reason}; it was cut back to its last good entry, and nothing of this write is in it`);
    }
    state.size += buf.length;
  };

  // After a checkpoint is durable in the log: export it and replace the head file. The anchors run one
  // after the other, in order, beside the appends: the next group commit does not wait for the head
  // file's replacement (a write, two fsyncs and a rename); checkpoint() and close() do.
  let anchoring: Promise<void> = Promise.resolve();
  const anchor = async (cp: Checkpoint): Promise<void> => {
    try {
      if (checkpoints) {
        await checkpoints.write(`${canonicalJson(cp)}\n`);
        if (sync) await checkpoints.sync();
      }
      await writeHead(headPath, cp, sync);
    } catch (err) {
      warn(`${headPath}: the signed head could not be replaced (${(err as Error).message}); the log itself is intact`);
    }
  };

  const flush = async (jobs: Job[]): Promise<void> => {
    const time = now();
    if (jobs.length && (await dueForRotation(time))) await rotate(time);
    let seq = state.seq;
    let head = state.head;
    const lines: Buffer[] = [];
    const done: { job: Job; entries: DecisionEntry[] }[] = [];
    for (const job of jobs) {
      const [s, h, n] = [seq, head, lines.length];
      try {
        const entries = job.decisions.map((d) => {
          const { entry, bytes } = buildEntryBytes(d, ++seq, head, time, options);
          head = entry.hash;
          lines.push(bytes, newline);
          return entry;
        });
        done.push({ job, entries });
      } catch (err) {
        [seq, head] = [s, h];
        lines.length = n;
        job.reject(err as Error);
      }
    }
    const cpDue =
      seq > Math.max(state.checkpointed, 0) && (wantCheckpoint || (every > 0 && seq - lastCheckpointSeq >= every));
    const cp = cpDue ? sign(seq, head, time) : undefined;
    if (cp) lines.push(Buffer.from(canonicalJson(cp), 'utf8'), newline);
    wantCheckpoint = false;
    if (!lines.length) return;
    try {
      await commit(Buffer.concat(lines));
    } catch (err) {
      for (const d of done) d.job.reject(err as Error);
      return;
    }
    state.seq = seq;
    state.head = head;
    if (done.length) state.firstYear ??= time.getUTCFullYear();
    if (cp) {
      state.checkpointed = seq;
      lastCheckpointSeq = seq;
    } else state.checkpointed = -1;
    for (const d of done) d.job.resolve(d.entries);
    if (cp) anchoring = anchoring.then(() => anchor(cp));
    if (!cp && interval > 0 && !timer) {
      timer = setTimeout(() => {
        timer = undefined;
        wantCheckpoint = true;
        kick();
      }, interval);
      timer.unref();
    }
    if (cp && timer) {
      clearTimeout(timer);
      timer = undefined;
    }
  };
  let lastCheckpointSeq = Math.max(state.checkpointed, 0);

  const dueForRotation = async (time: Date): Promise<boolean> => {
    if (state.size === 0) return false;
    if (options.rotateBytes && state.size >= options.rotateBytes) return true;
    return Boolean(options.rotateYearly && state.firstYear !== undefined && time.getUTCFullYear() !== state.firstYear);
  };

  // The full file ends with a checkpoint (and the head names its last entry), is renamed by its first
  // seq, and a new empty file takes its place; the next entry chains to the last one of the old file.
  const rotate = async (time: Date): Promise<void> => {
    if (state.checkpointed !== state.seq && state.seq > 0) {
      const cp = sign(state.seq, state.head, time);
      await commit(Buffer.from(`${canonicalJson(cp)}\n`, 'utf8'));
      state.checkpointed = state.seq;
      lastCheckpointSeq = state.seq;
      await anchoring;
      await writeHead(headPath, cp, sync);
    }
    if (sync) await handle.sync();
    await rename(path, partPathFor(path, state.firstSeq));
    await handle.close();
    handle = await openLogFile(path, sync);
    state.size = 0;
    state.firstSeq = state.seq + 1;
    state.firstYear = time.getUTCFullYear();
  };

  const kick = (): Promise<void> => {
    running ??= (async () => {
      try {
        // The first write waits for the rest of this turn of the event loop: appends made by the other
        // requests that arrived with this one join it (one write and one disk flush for all of them).
        await new Promise(setImmediate);
        while (pending.length || wantCheckpoint) {
          const jobs = pending.splice(0);
          try {
            await flush(jobs);
          } catch (err) {
            // A failed rotation: nothing of these jobs was written.
            for (const job of jobs) job.reject(err as Error);
            wantCheckpoint = false;
          }
        }
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  // A job still waiting for its write leaves the queue, refused; once written it stays.
  const withdraw = (job: Job, reason: Error) => {
    const i = pending.indexOf(job);
    if (i < 0) return;
    pending.splice(i, 1);
    job.reject(reason);
  };
  const timeBounds = withdrawals(pending, withdraw);

  const enqueue = (decisions: readonly Decision[], opts: AppendOptions = {}): Promise<DecisionEntry[]> =>
    new Promise<DecisionEntry[]>((resolve, reject) => {
      const { until } = opts;
      if (closed) return reject(new LogError(`the decision log ${path} is closed`));
      if (until && performance.now() > until.at) return reject(until.reason());
      const job: Job = { decisions, resolve, reject, ...(until ? { until } : {}) };
      pending.push(job);
      timeBounds.added(job);
      void kick();
    });

  // The repair of a torn tail is the first link written, anchored at once; a log without a head gets one.
  if (state.torn) {
    const link: Omit<RepairEntry, 'hash'> = {
      seq: state.seq + 1,
      time: now().toISOString(),
      repair: { kind: 'torn-line', ...state.torn },
      prevHash: state.head,
    };
    const repair = { ...link, hash: entryHash(link) };
    await commit(Buffer.from(`${canonicalJson(repair)}\n`, 'utf8'));
    state.seq = repair.seq;
    state.head = repair.hash;
    state.checkpointed = -1;
    wantCheckpoint = true;
    await kick();
    await anchoring;
  } else if (!(await readHead(headPath))) {
    if (state.seq > 0 && state.checkpointed !== state.seq) {
      wantCheckpoint = true;
      await kick();
      await anchoring;
    } else await writeHead(headPath, sign(state.seq, state.head, now()), sync);
  }

  return {
    path,
    append: async (decision, opts) => (await enqueue([decision], opts))[0],
    appendAll: (decisions, opts) => (decisions.length ? enqueue(decisions, opts) : Promise.resolve([])),
    checkpoint: async () => {
      wantCheckpoint = true;
      await kick();
      await anchoring;
    },
    status: () => ({
      path,
      seq: state.seq,
      head: state.head,
      checkpointed: lastCheckpointSeq,
      keyId: key.keyId,
    }),
    close: async () => {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      timeBounds.stop();
      try {
        await running;
        wantCheckpoint = true;
        await kick();
      } finally {
        await anchoring;
        await handle.close();
        await checkpoints?.close();
      }
    },
  };
}

/** openLogFile opens a log for appending, created readable by its owner only. */
async function openLogFile(path: string, sync: boolean): Promise<FileHandle> {
  const flags = constants.O_APPEND | constants.O_CREAT | constants.O_RDWR | (sync ? constants.O_DSYNC : 0);
  const handle = await open(path, flags, 0o600).catch((err: Error) => {
    throw new LogError(`cannot open the decision log ${path}: ${err.message}`);
  });
  const { size } = await handle.stat();
  if (size === 0) {
    await chmod(path, 0o600);
    if (sync) await syncDir(dirname(path));
  }
  return handle;
}

const newline = Buffer.from('\n');

async function writeAll(handle: FileHandle, buf: Buffer): Promise<void> {
  let done = 0;
  while (done < buf.length) done += (await handle.write(buf, done, buf.length - done)).bytesWritten;
}

export { genesisHash };
