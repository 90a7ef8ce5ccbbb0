// Service: receiving a request body. Bytes are counted as they arrive and refused past the route's
// limit (a declared Content-Length past it is refused before a byte is read); the text must be UTF-8;
// the whole body must arrive within the request deadline, measured from the request's first byte and
// enforced by a timer of its own; and a JSON array can be counted while it streams, so a batch with too
// many elements is refused after its first elements, never built in memory.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

export interface BodyLimits {
  /** The most bytes accepted. */
  limit: number;
  /** performance.now() by which the whole body must have arrived. */
  deadline: number;
  /** The request deadline in ms, for the message. */
  timeoutMs: number;
  /** With a top-level JSON array: the most elements accepted. */
  maxElements?: number;
}

/** readBody resolves with the body as text, or rejects with the HttpError that refuses it. */
export function readBody(stream: IncomingMessage, o: BodyLimits): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(stream.headers['content-length']);
    if (Number.isFinite(declared) && declared > o.limit) return reject(tooLarge(declared, o.limit));
    const text = new BodyText(o.maxElements);
    let bytes = 0;
    let settled = false;
    const finish = (err: Error | undefined, body?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('aborted', onAborted);
      if (err) {
        // What is left is not read: the answer closes the connection (errors.ts), so the client stops.
        stream.pause();
        reject(err);
      } else resolve(body!);
    };
    // A refusal of the text so far ends the read; true while it may go on.
    const decode = (chunk?: Buffer): boolean => {
      const refused = text.add(chunk, bytes);
      if (refused) finish(refused);
      return !refused;
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > o.limit) return finish(tooLarge(bytes, o.limit, true));
      decode(chunk);
    };
    const onEnd = () => {
      if (decode()) finish(undefined, text.joined());
    };
    const onError = (err: Error) => finish(err);
    const onAborted = () => finish(new HttpError('bad-request', 'the client closed the connection mid-body'));
    const timer = setTimeout(() => finish(tooSlow(o.timeoutMs, bytes)), Math.max(0, o.deadline - performance.now()));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('aborted', onAborted);
  });
}

/** BodyText decodes a body as strict UTF-8 as it arrives, counting a top-level array's elements when bounded. */
class BodyText {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly counter: ElementCounter | undefined;
  private readonly parts: string[] = [];

  constructor(private readonly maxElements: number | undefined) {
    this.counter = maxElements === undefined ? undefined : new ElementCounter(maxElements);
  }

  /** add decodes the next chunk (none: the end); the HttpError that refuses the body, if it must be. */
  add(chunk: Buffer | undefined, bytes: number): HttpError | undefined {
    let text: string;
    try {
      text = chunk ? this.decoder.decode(chunk, { stream: true }) : this.decoder.decode();
    } catch {
      return notUtf8(bytes);
    }
    if (!text) return undefined;
    this.parts.push(text);
    return this.counter?.feed(text) ? tooManyElements(this.maxElements!) : undefined;
  }

  joined(): string {
    return this.parts.join('');
  }
}

function tooManyElements(max: number): HttpError {
  return new HttpError(
    'batch-too-large',
    `the batch has more than ${max} elements; this service rates at most ${max} in one request: split it, or send NDJSON in several requests`,
    [
      {
        path: `/${max}`,
        message: `elements from index ${max} on are over the bound of ${max}; the body was not read further`,
      },
    ],
  );
}

function notUtf8(bytes: number): HttpError {
  return new HttpError(
    'malformed-json',
    `the request body is not valid UTF-8 (near byte ${bytes}); JSON must be sent as UTF-8`,
  );
}

function tooSlow(timeoutMs: number, bytes: number): HttpError {
  return new HttpError(
    'request-timeout',
    `the request body did not arrive within ${timeoutMs} ms (${bytes} bytes received); send it faster, or in smaller requests`,
  );
}

function tooLarge(bytes: number, limit: number, partial = false): HttpError {
  return new HttpError(
    'body-too-large',
    partial
      ? `the request body is over ${limit} bytes, the most this route accepts`
      : `the request body is ${bytes} bytes (Content-Length); this route accepts at most ${limit}`,
  );
}

/**
 * ElementCounter follows a JSON text as it streams, just enough to count the elements of a top-level
 * array (strings and nesting are tracked; nothing is built). It does not check the syntax: the text is
 * parsed, strictly, once it has all arrived within the limits.
 */
export class ElementCounter {
  private started = false;
  private isArray = false;
  private depth = 0;
  private inString = false;
  private escape = false;
  private commas = 0;

  constructor(private readonly max: number) {}

  /** feed reads the next piece of text; true once the array is known to hold more than `max` elements. */
  feed(text: string): boolean {
    if (this.started && !this.isArray) return false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 92) this.escape = true;
        else if (c === 34) this.inString = false;
        continue;
      }
      if (!this.started) {
        if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff) continue;
        this.started = true;
        this.isArray = c === 91;
        // Not an array: the route's own checks refuse it once it is parsed.
        if (!this.isArray) return false;
      }
      if (c === 34) this.inString = true;
      else if (c === 91 || c === 123) this.depth++;
      else if (c === 93 || c === 125) this.depth--;
      else if (c === 44 && this.depth === 1 && ++this.commas >= this.max) return true;
    }
    return false;
  }
}
