// Evidence stage: hands each chunk of input rows to the policy for marking and sums the marks. For
// large tables the policy runs on a worker thread, so reading and joining the next chunk go on while
// the current one is marked (a machine's second core); a bounded number of chunks is in flight.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EngineError, type EngineErrorCode } from '../engine/errors.js';
import type { PolicyModule } from '../engine/engine.js';
import type { Derivation } from '../rules/derivation.js';
import type { Context, DerivePolicy, Mark } from './policy.js';
import type { ThreadAnswer, ThreadData, ThreadRequest } from './policy-thread.js';
import type { Row } from './read.js';
import type { Tally } from './tally.js';

// Two chunks queued behind the one being marked keep the thread busy without holding many rows.
const inFlight = 3;

interface Waiting {
  table: string;
  chunk: Row[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Marker marks chunks inline, or on a policy thread once `offload` asks for one. */
export class Marker {
  private readonly worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private readonly pending: Promise<void>[] = [];
  private next = 0;

  constructor(
    private readonly policy: DerivePolicy,
    private readonly tally: Tally,
    threaded?: { module: PolicyModule; derivation: Derivation },
  ) {
    const script = new URL('./policy-thread.js', import.meta.url);
    // Run from the TypeScript sources (tests), the thread's script is not built: mark inline.
    if (!threaded || !existsSync(fileURLToPath(script))) return;
    const data: ThreadData = { module: threaded.module.compiled, derivation: threaded.derivation };
    this.worker = new Worker(script, { workerData: data });
    this.worker.on('message', (a: ThreadAnswer) => this.answer(a));
    this.worker.on('error', (err) =>
      this.failAll(new EngineError('WASM_EVAL', `the policy thread failed: ${err.message}`)),
    );
    this.worker.on('exit', (code) =>
      this.failAll(new EngineError('WASM_EVAL', `the policy thread ended (exit ${code})`)),
    );
  }

  get threaded(): boolean {
    return this.worker !== undefined;
  }

  /** mark marks one chunk; it returns once few enough chunks wait, so the reader is held back. */
  async mark(table: string, context: Context, chunk: Row[], inputs: unknown[]): Promise<void> {
    if (!this.worker) {
      this.tally.add(table, chunk, this.policy.marks(table, context, inputs));
      return;
    }
    const id = this.next++;
    const done = new Promise<void>((resolve, reject) => this.waiting.set(id, { table, chunk, resolve, reject }));
    // Rejections are awaited in order below; this keeps one met early from counting as unhandled.
    done.catch(() => {});
    this.pending.push(done);
    const request: ThreadRequest = { id, table, context, rows: JSON.stringify(inputs) };
    this.worker.postMessage(request);
    while (this.pending.length >= inFlight) await this.pending.shift();
  }

  /** drain waits for every chunk handed in to be marked and summed. */
  async drain(): Promise<void> {
    while (this.pending.length) await this.pending.shift();
  }

  async close(): Promise<void> {
    if (!this.worker) return;
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private answer(a: ThreadAnswer): void {
    const w = this.waiting.get(a.id);
    if (!w) return;
    this.waiting.delete(a.id);
    if ('failed' in a) w.reject(new EngineError((a.code as EngineErrorCode) ?? 'WASM_EVAL', a.failed));
    else {
      this.tally.add(w.table, w.chunk, a.marks as Mark[]);
      w.resolve();
    }
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}
