// Audit stage: reading a log file line by line (forwards, streaming) and its last lines (backwards,
// without reading the whole file), each line with where it starts and whether it was complete.
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { FastEntry } from './fast-entry.js';

/** LogLine: one line of a log file, without its newline; `complete` is false for a torn last line. */
export interface LogLine {
  number: number;
  offset: number;
  /** The line's bytes (valid while the caller holds them: they are not reused). */
  bytes: Buffer;
  /** The line as text, decoded when first asked for. */
  readonly text: string;
  complete: boolean;
  /** The entry as read from its bytes in a worker thread (null: not in that form); absent: not tried. */
  fast?: FastEntry | null;
}

export class Line implements LogLine {
  #text?: string;
  constructor(
    readonly number: number,
    readonly offset: number,
    readonly bytes: Buffer,
    readonly complete: boolean,
    readonly fast?: FastEntry | null,
  ) {}
  get text(): string {
    this.#text ??= this.bytes.toString('utf8');
    return this.#text;
  }
}

/**
 * readLines streams the lines of a file in large chunks, each line a view of its chunk (copied only
 * when it spans two); the last is `complete: false` when no newline ends it.
 */
export async function* readLines(path: string): AsyncGenerator<LogLine> {
  let pending: Buffer[] = [];
  let offset = 0;
  let start = 0;
  let number = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) {
      const piece = chunk.subarray(from, i);
      const bytes = pending.length ? Buffer.concat([...pending, piece]) : piece;
      yield new Line(++number, start, bytes, true);
      start = offset + i + 1;
      pending = [];
      from = i + 1;
    }
    if (from < chunk.length) pending.push(chunk.subarray(from));
    offset += chunk.length;
  }
  if (pending.length) yield new Line(++number, start, Buffer.concat(pending), false);
}

/**
 * lastLines reads complete lines from the end of a file backwards (the newest first), in growing
 * windows, until `enough` says stop or the start of the file is reached. `end` is where the complete
 * lines end (after any torn tail).
 */
export async function lastLines(
  handle: FileHandle,
  end: number,
  enough: (text: string, offset: number) => boolean,
): Promise<void> {
  let window = 64 * 1024;
  let seen = end; // lines starting at or after `seen` were already offered
  for (;;) {
    const start = Math.max(0, end - window);
    const buf = Buffer.alloc(end - start);
    await handle.read(buf, 0, buf.length, start);
    // The first piece is a whole line only when the window reaches the start of the file.
    let lineEnd = buf.length;
    // (lastIndexOf with a negative offset counts from the end, so stop explicitly at the start.)
    const before = (pos: number) => (pos >= 0 ? buf.lastIndexOf(10, pos) : -1);
    for (let i = before(buf.length - 2); ; i = before(i - 1)) {
      const lineStart = i + 1;
      if (i < 0 && start > 0) break;
      const absolute = start + lineStart;
      if (absolute < seen) {
        seen = absolute;
        if (enough(buf.subarray(lineStart, lineEnd - 1).toString('utf8'), absolute)) return;
      }
      lineEnd = lineStart;
      if (i < 0) return;
    }
    if (start === 0) return;
    window *= 4;
  }
}

/** completeEnd is the length of the file up to and including its last newline. */
export async function completeEnd(handle: FileHandle, size: number): Promise<number> {
  let pos = size;
  const chunk = 64 * 1024;
  while (pos > 0) {
    const start = Math.max(0, pos - chunk);
    const buf = Buffer.alloc(pos - start);
    await handle.read(buf, 0, buf.length, start);
    const nl = buf.lastIndexOf(10);
    if (nl >= 0) return start + nl + 1;
    pos = start;
  }
  return 0;
}
