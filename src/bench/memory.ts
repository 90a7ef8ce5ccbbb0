// Bench section: the process's memory over a long run of in-process evaluations, shared by one worker
// thread per core (src/bench/memory-worker.ts).
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { MemoryReport, MemoryWork } from './memory-worker.js';
import { numberArg, type Section } from './section.js';
import { fmt, rssMb } from './stats.js';

export const memorySection: Section = {
  name: 'memory',
  async run(ctx) {
    const n = numberArg(ctx, 'memory', 1_000_000);
    const m = await measureMemory(n);
    const growth = m.after - m.samples[0];
    return {
      lines: [
        `## Memory over ${fmt(n)} in-process evaluations (${m.threads} worker threads of the bench process)`,
        `- RSS before ${fmt(m.before)} MB, highest sample during ${fmt(m.during)} MB, after ${fmt(m.after)} MB (samples: ${m.samples.map((s) => fmt(s)).join(', ')})`,
      ],
      rows: [
        { measure: `RSS growth over ${fmt(n)} evaluations (MB)`, ours: fmt(growth), target: 'flat', met: growth < 30 },
      ],
      gaps: growth >= 30 ? [`RSS grew ${fmt(growth)} MB over ${fmt(n)} evaluations`] : [],
    };
  },
};

/** measureMemory: the process's RSS before, during (after each tenth) and after `n` evaluations. */
async function measureMemory(n: number) {
  const threads = cpus().length;
  const workers = Array.from(
    { length: threads },
    (_, k) =>
      new Worker(new URL('./memory-worker.js', import.meta.url), {
        workerData: { evaluations: Math.ceil(n / threads), seed: 20180102 + k } satisfies MemoryWork,
      }),
  );
  // One queue of reports per worker; a worker that fails fails the run.
  const reports = workers.map((w) => {
    const q: MemoryReport[] = [];
    let failed: Error | undefined;
    let wake: (() => void) | undefined;
    w.on('message', (r: MemoryReport) => {
      q.push(r);
      wake?.();
    });
    w.on('error', (err) => {
      failed = err;
      wake?.();
    });
    return async (): Promise<MemoryReport> => {
      while (!q.length) {
        if (failed) throw failed;
        await new Promise<void>((r) => {
          wake = r;
        });
      }
      return q.shift()!;
    };
  });
  for (const next of reports) await next();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = rssMb().rss;
  for (const w of workers) w.postMessage('go');
  const samples: number[] = [];
  for (let tenth = 1; tenth <= 10; tenth++) {
    // A sample once every worker has done this tenth of its share.
    for (const next of reports) await next();
    samples.push(rssMb().rss);
  }
  for (const next of reports) await next();
  gc?.();
  const after = rssMb().rss;
  await Promise.all(workers.map((w) => w.terminate()));
  return { before, during: Math.max(...samples), after, samples, threads };
}
