// Evidence stage: the worker thread that marks rows with the derivation policy while the main thread
// reads and joins the next chunk. It receives a chunk's rows as JSON text and answers with the marks.
import { parentPort, workerData } from 'node:worker_threads';
import { PolicyModule } from '../engine/engine.js';
import type { Context } from './policy.js';
import { DerivePolicy } from './policy.js';
import type { Derivation } from '../rules/derivation.js';

/** ThreadData: what the thread is started with (the compiled module is shared, not compiled again). */
export interface ThreadData {
  module: WebAssembly.Module;
  derivation: Derivation;
}

/** ThreadRequest: one chunk to mark; `rows` is the JSON text of the policy's input rows. */
export interface ThreadRequest {
  id: number;
  table: string;
  context: Context;
  rows: string;
}

export type ThreadAnswer =
  | { id: number; marks: ReturnType<DerivePolicy['marks']> }
  | { id: number; failed: string; code?: string };

if (parentPort && workerData) {
  const port = parentPort;
  const data = workerData as ThreadData;
  const ready = PolicyModule.fromCompiled(data.module).then((m) => DerivePolicy.load(m, data.derivation));
  port.on('message', (r: ThreadRequest) => {
    ready
      .then((policy) => port.postMessage({ id: r.id, marks: policy.marksJson(r.table, r.context, r.rows) }))
      .catch((err: Error & { code?: string }) => port.postMessage({ id: r.id, failed: err.message, code: err.code }));
  });
}
