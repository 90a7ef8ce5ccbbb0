// Service: serving from every core. The primary process forks one worker per core (WORKERS), each
// with its own decision log chain under its replica and worker id; it passes SIGHUP and reloads asked
// of one worker to all of them, shuts them all down on SIGTERM or SIGINT, restarts a worker that dies,
// answers /v1/status with every worker's state, and holds the Idempotency-Keys for all of them.
import cluster, { type Worker } from 'node:cluster';
import pino from 'pino';
import type { Claim, IdempotencyStore } from './runtime/idempotency.js';
import { memoryIdempotencyStore } from './runtime/idempotency.js';

/** WorkerStatus: what /v1/status says of one worker. */
export interface WorkerStatus {
  worker: number;
  pid: number;
  replica?: string;
  live: unknown;
  lastReload?: unknown;
  decisionLog?: { path: string; seq: number; checkpointed: number };
}

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
  const log = pino({ level: options.logLevel, base: { role: 'primary', pid: process.pid } });
  const workers = new Map<number, Worker>();
  const ready = new Set<number>();
  const store = memoryIdempotencyStore();
  const statusQueries = new Map<number, { replies: WorkerStatus[]; done: () => void }>();
  let queryId = 0;
  let shuttingDown = false;
  let failed = 0;
  let allReady = false;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });

  // A reload asked before a worker listens is passed on once it does.
  const reloadWhenReady = new Map<number, string>();
  const broadcast = (msg: Message, except?: number) => {
    for (const [i, w] of workers) {
      if (i === except || !w.isConnected()) continue;
      if (ready.has(i)) w.send(msg);
      else if (msg.type === 'reload') reloadWhenReady.set(i, msg.trigger);
      // A worker still starting has no handler for messages yet: shutdown reaches it as SIGTERM.
      else if (msg.type === 'shutdown') w.process.kill('SIGTERM');
    }
  };

  const fork = (index: number) => {
    const w = cluster.fork({ ...options.env, CREDIT_POLICY_WORKER: String(index) });
    workers.set(index, w);
    w.on('message', (msg: Message) => onMessage(index, w, msg));
    w.on('exit', (code, signal) => {
      workers.delete(index);
      ready.delete(index);
      if (shuttingDown) {
        if (!workers.size) finish(failed);
        return;
      }
      if (!allReady) {
        // A worker that cannot start (its decision log refused, say) stops the whole service; the
        // others may not listen for messages yet, so they are sent SIGTERM.
        log.error({ worker: index, code, signal }, 'a worker could not start; stopping the others');
        shuttingDown = true;
        failed = code || 1;
        for (const other of workers.values()) other.process.kill('SIGTERM');
        if (!workers.size) finish(failed);
        return;
      }
      log.error({ worker: index, code, signal }, `worker ${index} stopped unexpectedly; starting it again`);
      setTimeout(() => {
        if (!shuttingDown) fork(index);
      }, 500).unref();
    });
  };

  const onMessage = (index: number, w: Worker, msg: Message) => {
    switch (msg.type) {
      case 'ready': {
        ready.add(index);
        const trigger = reloadWhenReady.get(index);
        reloadWhenReady.delete(index);
        if (trigger) w.send({ type: 'reload', trigger });
        if (!allReady && ready.size === options.workers) {
          allReady = true;
          log.info({ workers: options.workers, url: msg.url }, `serving from ${options.workers} worker processes`);
          options.onReady?.(msg.url);
        }
        return;
      }
      case 'reload-others':
        broadcast({ type: 'reload', trigger: msg.trigger }, index);
        return;
      case 'status-request': {
        const id = ++queryId;
        const asked = [...workers.keys()].filter((i) => ready.has(i)).length;
        const replies: WorkerStatus[] = [];
        const send = () => {
          statusQueries.delete(id);
          if (w.isConnected())
            w.send({ type: 'status-result', id: msg.id, workers: replies.sort((a, b) => a.worker - b.worker) });
        };
        const timer = setTimeout(send, 2000);
        statusQueries.set(id, {
          replies,
          done: () => {
            if (replies.length >= asked) {
              clearTimeout(timer);
              send();
            }
          },
        });
        broadcast({ type: 'status-query', id });
        return;
      }
      case 'status-reply': {
        const q = statusQueries.get(msg.id);
        if (q) {
          q.replies.push(msg.status);
          q.done();
        }
        return;
      }
      case 'idem-claim':
        void store.claim(msg.scope, msg.key, msg.fingerprint).then((claim) => {
          if (w.isConnected()) w.send({ type: 'idem-result', id: msg.id, claim });
        });
        return;
      case 'idem-complete':
        store.complete(msg.scope, msg.key, msg.answer);
        return;
      case 'idem-release':
        store.release(msg.scope, msg.key);
        return;
    }
  };

  const shutdown = (reason: string) => {
    if (shuttingDown) {
      for (const w of workers.values()) w.process.kill('SIGKILL');
      finish(1);
      return;
    }
    shuttingDown = true;
    log.info({ reason }, 'shutting down every worker');
    broadcast({ type: 'shutdown', reason });
    if (!workers.size) finish(0);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGHUP', () => {
    log.info('SIGHUP: every worker reloads');
    broadcast({ type: 'reload', trigger: 'SIGHUP' });
  });

  for (let i = 1; i <= options.workers; i++) fork(i);
  return finished;
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
