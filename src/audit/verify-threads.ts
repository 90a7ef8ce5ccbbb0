// Audit stage: reading a long log for verify-log with worker threads: the main thread reads the file in
// blocks of whole lines, the workers hash each block's entries (src/audit/verify-worker.ts), and the
// lines come back in order, each with what its worker found. A few blocks are in flight at a time, so
// memory stays flat however long the log.
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { Line, type LogLine } from './tail.js';
import type { CheckedBlock, VerifyBlock } from './verify-worker.js';

const blockBytes = 4 << 20;
const workerFile = new URL('./verify-worker.js', import.meta.url);

/** HashPool: worker threads that check blocks of lines; one per verify-log run, shared by its files. */
export type HashPool = Piscina<VerifyBlock, CheckedBlock>;

/** createHashPool: `threads` workers, or undefined where there is no compiled worker (run from sources). */
export function createHashPool(threads: number): HashPool | undefined {
  if (threads < 1 || !existsSync(fileURLToPath(workerFile))) return undefined;
  return new Piscina<VerifyBlock, CheckedBlock>({
    filename: workerFile.href,
    minThreads: threads,
    maxThreads: threads,
    // A block is checked as soon as it is read; the queue is bounded by the reader below.
    concurrentTasksPerWorker: 1,
  });
}

/** readCheckedLines: the lines of `path` as readLines gives them, each with `fast` set by a worker. */
export async function* readCheckedLines(path: string, pool: HashPool): AsyncGenerator<LogLine> {
  const handle = await open(path, 'r');
  // Reading runs ahead of checking: up to `depth` blocks are read and in a worker's hands at a time.
  const depth = 2 * pool.options.maxThreads + 1;
  const queue: Promise<CheckedBlock>[] = [];
  let wake: (() => void) | undefined;
  let room: (() => void) | undefined;
  let done = false;
  let stopped = false;
  let failed: unknown;
  let torn: { at: number; bytes: Buffer } | undefined;
  const reader = (async () => {
    let pos = 0;
    let size = blockBytes;
    while (!stopped) {
      if (queue.length >= depth) {
        await new Promise<void>((r) => {
          room = r;
        });
        continue;
      }
      const buf = Buffer.allocUnsafeSlow(size);
      const { bytesRead } = await handle.read(buf, 0, size, pos);
      if (bytesRead === 0) break;
      const end = buf.lastIndexOf(10, bytesRead - 1) + 1;
      if (end === 0 && bytesRead === size) {
        size *= 2; // one line longer than a block: read again with room for it
        continue;
      }
      size = blockBytes;
      if (end < bytesRead && bytesRead < size)
        torn = { at: pos + end, bytes: Buffer.from(buf.subarray(end, bytesRead)) };
      if (end > 0) {
        const task = pool.run({ buffer: buf.buffer, length: end }, { transferList: [buf.buffer] });
        task.catch(() => undefined); // seen by the consumer, or dropped when it stopped early
        queue.push(task);
        wake?.();
      }
      pos += end > 0 ? end : bytesRead;
      if (torn) break;
    }
  })().then(
    () => {
      done = true;
      wake?.();
    },
    (err: unknown) => {
      failed = err;
      done = true;
      wake?.();
    },
  );
  try {
    let number = 0;
    let offset = 0;
    for (;;) {
      if (!queue.length) {
        if (failed) throw failed;
        if (done) break;
        await new Promise<void>((r) => {
          wake = r;
        });
        continue;
      }
      const block = await queue.shift()!;
      room?.();
      const b = Buffer.from(block.buffer, 0, block.length);
      let from = 0;
      for (const fast of block.entries) {
        const nl = b.indexOf(10, from);
        yield new Line(++number, offset + from, b.subarray(from, nl), true, fast);
        from = nl + 1;
      }
      offset += block.length;
    }
    if (torn) yield new Line(++number, torn.at, torn.bytes, false);
  } finally {
    // A caller that stops early (a broken line) stops the reader; blocks in flight finish unobserved.
    stopped = true;
    room?.();
    await reader;
    await handle.close();
  }
}
