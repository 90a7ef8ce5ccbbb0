// Service: serving from every core. The primary process forks one worker per core (WORKERS), each
// with its own decision log chain under its replica and worker id; it passes SIGHUP and reloads asked
// of one worker to all of them, shuts them all down on SIGTERM or SIGINT, restarts a worker that dies,
// answers /v1/status with every worker's state, and holds the Idempotency-Keys for all of them.
import cluster, { type Worker } from 'node:cluster';
import type { WorkerStatus } from '../../generated/types/http/worker-status.js';
import pino from 'pino';
import type { Claim, IdempotencyStore } from './runtime/idempotency.js';
import { memoryIdempotencyStore } from './runtime/idempotency.js';

/** WorkerStatus: what /v1/status says of one worker (schemas/http/worker-status.schema.json). */
export type { WorkerStatus };

/** ClusterLink: what a worker's routes need of the other workers. */
export interface ClusterLink {
  /** describeWorkers: every worker's status (this one's alone when serving from one process). */
  describeWorkers(): Promise<WorkerStatus[]>;
  /** reloaded tells the other workers to reload too (after a reload asked of this one). */
  reloaded(trigger: string): void;
}

type Message =
  | { type: 'ready'; url: string }
  | { type: 'reload'; trigger: string }
  | { type: 'reload-others'; trigger: string }
  | { type: 'status-request'; id: number }
  | { type: 'status-query'; id: number }
  | { type: 'status-reply'; id: number; status: WorkerStatus }
  | { type: 'status-result'; id: number; workers: WorkerStatus[] }
  | { type: 'idem-claim'; id: number; scope: string; key: string; fingerprint: string }
  | { type: 'idem-result'; id: number; claim: Claim }
  | { type: 'idem-complete'; scope: string; key: string; answer: unknown }
  | { type: 'idem-release'; scope: string; key: string }
  | { type: 'shutdown'; reason: string };

/** PrimaryOptions: how many workers, what they are told, and what to say once all listen. */
export interface PrimaryOptions {
  workers: number;
  logLevel: string;
  /** Extra environment for every worker (the key made for a first run). */
  env: Record<string, string>;
  /** Called once, when every worker listens. */
  onReady?: (url: string) => void;
}

/** runPrimary forks the workers and supervises them until shutdown; resolves with the exit code. */
export function runPrimary(options: PrimaryOptions): Promise<number> {
  const primary = new Primary(options);
  process.on('SIGTERM', () => primary.shutdown('SIGTERM'));
  process.on('SIGINT', () => primary.shutdown('SIGINT'));
  process.on('SIGHUP', () => {
    primary.log.info('SIGHUP: every worker reloads');
    primary.broadcast({ type: 'reload', trigger: 'SIGHUP' });
  });
  for (let i = 1; i <= options.workers; i++) primary.fork(i);
  return primary.finished;
}

/** Primary: the workers, which of them listen, and the questions asked of all of them. */
class Primary {
  readonly log: pino.Logger;
  readonly finished: Promise<number>;
  private finish: (code: number) => void = () => undefined;
  private readonly workers = new Map<number, Worker>();
  private readonly ready = new Set<number>();
  private readonly store = memoryIdempotencyStore();
  private readonly statusQueries = new Map<number, { replies: WorkerStatus[]; done: () => void }>();
  // A reload asked before a worker listens is passed on once it does.
  private readonly reloadWhenReady = new Map<number, string>();
  private queryId = 0;
  private shuttingDown = false;
  private failed = 0;
  private allReady = false;

  constructor(private readonly options: PrimaryOptions) {
    this.log = pino({ level: options.logLevel, base: { role: 'primary', pid: process.pid } });
    this.finished = new Promise<number>((resolve) => {
      this.finish = resolve;
    });
  }

  broadcast(msg: Message, except?: number): void {
    for (const [i, w] of this.workers) {
      if (i === except || !w.isConnected()) continue;
      if (this.ready.has(i)) w.send(msg);
      else if (msg.type === 'reload') this.reloadWhenReady.set(i, msg.trigger);
      // A worker still starting has no handler for messages yet: shutdown reaches it as SIGTERM.
      else if (msg.type === 'shutdown') w.process.kill('SIGTERM');
    }
  }

  fork(index: number): void {
    const w = cluster.fork({ ...this.options.env, CREDIT_POLICY_WORKER: String(index) });
    this.workers.set(index, w);
    w.on('message', (msg: Message) => this.onMessage(index, w, msg));
    w.on('exit', (code, signal) => this.onExit(index, code, signal));
  }

  shutdown(reason: string): void {
    if (this.shuttingDown) {
      for (const w of this.workers.values()) w.process.kill('SIGKILL');
      this.finish(1);
      return;
    }
    this.shuttingDown = true;
    this.log.info({ reason }, 'shutting down every worker');
    this.broadcast({ type: 'shutdown', reason });
    if (!this.workers.size) this.finish(0);
  }

  private onExit(index: number, code: number, signal: string): void {
    this.workers.delete(index);
    this.ready.delete(index);
    if (this.shuttingDown) {
      if (!this.workers.size) this.finish(this.failed);
      return;
    }
    if (!this.allReady) {
      // A worker that cannot start (its decision log refused, say) stops the whole service; the
      // others may not listen for messages yet, so they are sent SIGTERM.
      this.log.error({ worker: index, code, signal }, 'a worker could not start; stopping the others');
      this.shuttingDown = true;
      this.failed = code || 1;
      for (const other of this.workers.values()) other.process.kill('SIGTERM');
      if (!this.workers.size) this.finish(this.failed);
      return;
    }
    this.log.error({ worker: index, code, signal }, `worker ${index} stopped unexpectedly; starting it again`);
    setTimeout(() => {
      if (!this.shuttingDown) this.fork(index);
    }, 500).unref();
  }

  private onMessage(index: number, w: Worker, msg: Message): void {
    switch (msg.type) {
      case 'ready':
        this.onReady(index, w, msg.url);
        return;
      case 'reload-others':
        this.broadcast({ type: 'reload', trigger: msg.trigger }, index);
        return;
      case 'status-request':
        this.askStatus(w, msg.id);
        return;
      case 'status-reply': {
        const q = this.statusQueries.get(msg.id);
        if (q) {
          q.replies.push(msg.status);
          q.done();
        }
        return;
      }
      case 'idem-claim':
        void this.store.claim(msg.scope, msg.key, msg.fingerprint).then((claim) => {
          if (w.isConnected()) w.send({ type: 'idem-result', id: msg.id, claim });
        });
        return;
      case 'idem-complete':
        this.store.complete(msg.scope, msg.key, msg.answer);
        return;
      case 'idem-release':
        this.store.release(msg.scope, msg.key);
        return;
    }
  }

  private onReady(index: number, w: Worker, url: string): void {
    this.ready.add(index);
    const trigger = this.reloadWhenReady.get(index);
    this.reloadWhenReady.delete(index);
    if (trigger) w.send({ type: 'reload', trigger });
    if (!this.allReady && this.ready.size === this.options.workers) {
      this.allReady = true;
      const { workers } = this.options;
      this.log.info({ workers, url }, `serving from ${workers} worker processes`);
      this.options.onReady?.(url);
    }
  }

  /** askStatus asks every listening worker for its status and answers `w` when all replied (or after 2 s). */
  private askStatus(w: Worker, requestId: number): void {
    const id = ++this.queryId;
    const asked = [...this.workers.keys()].filter((i) => this.ready.has(i)).length;
    const replies: WorkerStatus[] = [];
    const send = () => {
      this.statusQueries.delete(id);
      if (w.isConnected())
        w.send({ type: 'status-result', id: requestId, workers: replies.sort((a, b) => a.worker - b.worker) });
    };
    const timer = setTimeout(send, 2000);
    this.statusQueries.set(id, {
      replies,
      done: () => {
        if (replies.length >= asked) {
          clearTimeout(timer);
          send();
        }
      },
    });
    this.broadcast({ type: 'status-query', id });
  }
}

/** WorkerHooks: what a worker does when the primary asks. */
export interface WorkerHooks {
  reload(trigger: string): Promise<void>;
  status(): WorkerStatus;
  shutdown(reason: string): Promise<void>;
}

/** workerLink connects a worker to its primary: messages in, and the link its routes use. */
export function workerLink(hooks: WorkerHooks): { link: ClusterLink; ready(url: string): void } {
  const pendingStatus = new Map<number, (w: WorkerStatus[]) => void>();
  let next = 0;
  process.on('message', (msg: Message) => {
    switch (msg.type) {
      case 'reload':
        void hooks.reload(msg.trigger);
        return;
      case 'status-query':
        process.send?.({ type: 'status-reply', id: msg.id, status: hooks.status() } satisfies Message);
        return;
      case 'status-result':
        pendingStatus.get(msg.id)?.(msg.workers);
        pendingStatus.delete(msg.id);
        return;
      case 'shutdown':
        void hooks.shutdown(msg.reason);
        return;
    }
  });
  return {
    link: {
      describeWorkers: () =>
        new Promise((resolve) => {
          const id = ++next;
          const timer = setTimeout(() => {
            pendingStatus.delete(id);
            resolve([hooks.status()]);
          }, 3000);
          pendingStatus.set(id, (w) => {
            clearTimeout(timer);
            resolve(w);
          });
          process.send?.({ type: 'status-request', id } satisfies Message);
        }),
      reloaded: (trigger) => process.send?.({ type: 'reload-others', trigger } satisfies Message),
    },
    ready: (url) => process.send?.({ type: 'ready', url } satisfies Message),
  };
}

/** ipcIdempotencyStore asks the primary, which holds the keys of every worker. */
export function ipcIdempotencyStore(): IdempotencyStore {
  const pending = new Map<number, (c: Claim) => void>();
  let next = 0;
  process.on('message', (msg: Message) => {
    if (msg.type !== 'idem-result') return;
    pending.get(msg.id)?.(msg.claim);
    pending.delete(msg.id);
  });
  return {
    claim: (scope, key, fingerprint) =>
      new Promise((resolve) => {
        const id = ++next;
        pending.set(id, resolve);
        process.send?.({ type: 'idem-claim', id, scope, key, fingerprint } satisfies Message);
      }),
    complete: (scope, key, answer) => process.send?.({ type: 'idem-complete', scope, key, answer } satisfies Message),
    release: (scope, key) => process.send?.({ type: 'idem-release', scope, key } satisfies Message),
  };
}
