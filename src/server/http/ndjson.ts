// Service: reads NDJSON from a stream one line at a time, so a batch of any length is held in memory
// one line at a time. A line longer than the limit is skipped (and reported), never buffered whole.
import { StringDecoder } from 'node:string_decoder';

/** NdjsonLine: one line of the stream (1-based number), or the number of a line that was too long. */
export type NdjsonLine = { number: number; text: string; tooLong?: false } | { number: number; tooLong: true };

/** readLines yields the lines of a byte stream; `\r\n` and `\n` both end a line, and blank lines are kept. */
export async function* readLines(
  stream: AsyncIterable<Buffer | string>,
  maxLineBytes: number,
): AsyncGenerator<NdjsonLine> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let partialBytes = 0;
  let overflow = false;
  let number = 0;
  const finish = (text: string): NdjsonLine => {
    number++;
    if (overflow) return { number, tooLong: true };
    return { number, text: text.endsWith('\r') ? text.slice(0, -1) : text };
  };
  for await (const chunk of stream) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      if (!overflow && partialBytes + Buffer.byteLength(piece) > maxLineBytes) overflow = true;
      yield finish(overflow ? '' : partial + piece);
      partial = '';
      partialBytes = 0;
      overflow = false;
      start = nl + 1;
    }
    const rest = text.slice(start);
    if (overflow) continue;
    partialBytes += Buffer.byteLength(rest);
    if (partialBytes > maxLineBytes) {
      overflow = true;
      partial = '';
    } else partial += rest;
  }
  const tail = partial + decoder.end();
  if (overflow || tail !== '') yield finish(tail);
}
