// Rating stage: rates a stream of NDJSON inputs on a pool of worker threads (one per core), keeping
// the output in input order and only a bounded number of chunks in flight, so memory stays flat
// however long the stream.
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { Piscina } from 'piscina';
import type { BatchAnswer, BatchChunk, SetupFailure } from './batch-worker.js';

export interface BatchOptions {
  rulesetsDir: string;
  wasmPath: string;
  workers?: number;
  chunkLines?: number;
}

/** BatchSetupError: the workers could not load the rules or the compiled policy; nothing was rated. */
export class BatchSetupError extends Error {}

export interface BatchSummary {
  lines: number;
  rated: number;
  refused: number;
}

/** rateStream reads NDJSON from `input` and writes one NDJSON answer per non-empty line to `output`. */
export async function rateStream(input: Readable, output: Writable, options: BatchOptions): Promise<BatchSummary> {
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const chunkLines = options.chunkLines ?? 250;
  // A small young generation per worker: each chunk's garbage is short-lived, and three isolates
  // with the default semi-spaces would hold far more memory than the work needs.
  const pool = new Piscina<BatchChunk, BatchAnswer | SetupFailure>({
    filename: new URL('./batch-worker.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 256 },
  });
  const summary: BatchSummary = { lines: 0, rated: 0, refused: 0 };
  const pending: Promise<BatchAnswer | SetupFailure>[] = [];
  const flushOne = async () => {
    const answer = await pending.shift()!;
    if ('setupFailed' in answer) throw new BatchSetupError(answer.setupFailed);
    summary.rated += answer.rated;
    summary.refused += answer.refused;
    if (!output.write(answer.bytes)) await once(output, 'drain');
  };
  try {
    let lines: string[] = [];
    let firstLine = 1;
    const submit = async () => {
      pending.push(pool.run({ rulesetsDir: options.rulesetsDir, wasmPath: options.wasmPath, firstLine, lines }));
      firstLine += lines.length;
      lines = [];
      while (pending.length >= workers * 2) await flushOne();
    };
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      summary.lines++;
      lines.push(line);
      if (lines.length >= chunkLines) await submit();
    }
    if (lines.length) await submit();
    while (pending.length) await flushOne();
  } finally {
    // On failure the chunks still in flight are abandoned: their rejections (the pool being
    // destroyed) must not surface as unhandled; the first failure is the one reported.
    for (const p of pending) p.catch(() => undefined);
    await pool.destroy();
  }
  return summary;
}
