// Service: `POST /v1/evaluate/batch`, many inputs in one request, each rated or refused on its own.
// A JSON array is answered with a JSON array; NDJSON is read and answered line by line as a stream,
// so memory stays flat however long the batch is. Both are bounded in elements, and each rating is in
// the decision log before it is answered.
import { Readable } from 'node:stream';
import type { BatchEntry, BatchFailure } from '../../../generated/types/http/batch-entry.js';
import type { FastifyBaseLogger, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Rater } from '../../rating/rater.js';
import type { Problem } from '../../diagnostics/explain.js';
import type { Decisions } from '../runtime/decisions.js';
import { type ErrorBody, HttpError, refusal, sendError } from '../http/errors.js';
import { Deadline, yieldToLoop } from '../http/limits.js';
import { idempotencyKeyOf } from '../runtime/idempotency.js';
import type { LiveRules } from '../runtime/live-rules.js';
import { type NdjsonLine, readLines } from '../http/ndjson.js';
import { jsonParser, type ParsedBody } from '../http/parsers.js';
import { errorCodes, errorResponses, ids, ref, type ErrorCode } from '../http/schemas.js';

/** BatchEntry: the outcome of one element (schemas/http/batch-entry.schema.json). */
export type { BatchEntry };

export const ndjson = 'application/x-ndjson';

const entrySchema = ref(ids.batchEntry);

export interface BatchOptions {
  live: LiveRules;
  decisions: Decisions;
  /** The largest JSON array accepted, in bytes. */
  bodyLimit: number;
  /** The longest NDJSON line accepted, in bytes. */
  lineLimit: number;
  /** The most elements (array items, or non-blank NDJSON lines) rated in one request. */
  maxElements: number;
  /** Milliseconds a JSON batch may take; for NDJSON, each line's evaluation and logging. */
  evaluationTimeout: number;
}

/** elementsBetweenYields: how many elements are rated before other requests get a turn. */
const elementsBetweenYields = 32;

/** The route's schema: a JSON array or NDJSON in, one BatchEntry per element out. */
const batchSchema = {
  operationId: 'evaluateBatch',
  summary: 'Rate many inputs, each on its own',
  description:
    'A JSON array of evaluation inputs is answered with a JSON array of entries in the same order; NDJSON (one input per line, `Content-Type: application/x-ndjson`) is answered with NDJSON, one entry per non-blank line, streamed as it is read, each entry naming its `line`. One refused element never fails the others. Send and read concurrently when streaming large batches. With an `Idempotency-Key`, a retry gets back what was logged (a JSON array as a whole; NDJSON line by line, so a retry of a stream cut short rates only the lines not yet logged), and an NDJSON stream is bounded to 1,000 lines. A JSON array with more elements than the service rates in one request is refused with 413 `batch-too-large`; an NDJSON stream that goes past that number ends with one `batch-too-large` entry.',
  tags: ['evaluate'],
  body: {
    content: {
      'application/json': {
        schema: {
          type: 'array',
          description: 'Evaluation inputs (EvaluationInput); each element is validated on its own.',
          items: {},
        },
      },
      // Not validated here: every line is validated on its own.
      [ndjson]: { schema: { description: 'One EvaluationInput per line.' } },
    },
  },
  response: {
    200: {
      description: 'One entry per element, in order.',
      content: {
        'application/json': { schema: { type: 'array', items: entrySchema } },
        [ndjson]: { schema: { type: 'string', description: 'One BatchEntry per line.' } },
      },
    },
    ...errorResponses(400, 413, 415, 422, 500, 503),
  },
};

/** What one request's rating needs: the route's options, the version that rates it, who asks. */
interface BatchContext extends BatchOptions {
  rater: Rater;
  caller: string;
  log: FastifyBaseLogger;
  parse: (text: string) => ParsedBody;
  /** The request's Idempotency-Key (NDJSON: each line is remembered under it by its number). */
  key?: string;
}

/**
 * keyedStreamLines: the most lines of an NDJSON stream sent with an Idempotency-Key. Each line's answer
 * is kept for retries; the bound keeps a stream's answers within what the key store holds, so a retry
 * never finds its first lines forgotten and logs them twice.
 */
export const keyedStreamLines = 1000;

export const batchRoutes: FastifyPluginAsync<BatchOptions> = async (app, options) => {
  // The request stream itself is the body; readLines consumes it incrementally.
  app.addContentTypeParser(ndjson, (_request, payload, done) => done(null, payload));
  const parse = jsonParser(app);
  const { bodyLimit, maxElements } = options;

  app.post(
    '/v1/evaluate/batch',
    // A JSON array is counted while it streams and refused past the bound before it is built.
    { bodyLimit, config: { maxJsonElements: maxElements }, schema: batchSchema },
    async (request, reply) => {
      // The version live when the request starts rates all of it, whatever reloads happen meanwhile.
      const { rater } = options.live.current;
      const context = { ...options, rater, caller: request.caller?.name ?? 'anonymous', log: request.log, parse };
      const key = idempotencyKeyOf(request.headers);
      if (key instanceof Error) return sendError(reply, { error: 'bad-request', message: key.message });
      if (request.headers['content-type']?.toLowerCase().startsWith(ndjson)) {
        // Each entry is built by this service in the BatchEntry shape (the JSON path below is serialized
        // through that schema and tested against it); JSON.stringify writes long clause text far faster
        // than the schema serializer's character-by-character escaping, which dominated a long stream.
        const entries = streamEntries(request, { ...context, key });
        return reply
          .type(`${ndjson}; charset=utf-8`)
          .send(Readable.from(mapAsync(entries, (e) => `${JSON.stringify(e)}\n`)));
      }
      const inputs = request.body as unknown[];
      if (inputs.length > maxElements) return sendError(reply, tooLarge(inputs.length, maxElements));
      const entries = await options.decisions.once(context.caller, key, inputs, '/v1/evaluate/batch', () =>
        rateArray(inputs, key, context),
      );
      request.audit = { elements: entries.length, refused: entries.filter((e) => !e.ok).length };
      return reply.type('application/json; charset=utf-8').send(entries);
    },
  );
};

/** tooLarge: the refusal of a JSON array with more elements than one request may rate. */
function tooLarge(length: number, maxElements: number): ErrorBody {
  return {
    error: 'batch-too-large',
    message: `the batch has ${length} elements; this service rates at most ${maxElements} in one request: split it, or send NDJSON in several requests`,
    problems: [
      {
        path: `/${maxElements}`,
        message: `elements from index ${maxElements} on are over the bound of ${maxElements}`,
      },
    ],
  };
}

/** rateArray rates a JSON array in order within the deadline, and logs its ratings in one write. */
async function rateArray(inputs: unknown[], key: string | undefined, context: BatchContext): Promise<BatchEntry[]> {
  const deadline = new Deadline(context.evaluationTimeout);
  const entries: BatchEntry[] = [];
  for (const [i, input] of inputs.entries()) {
    if (i > 0 && i % elementsBetweenYields === 0) await yieldToLoop();
    deadline.check(`the batch of ${inputs.length} elements`);
    entries.push(evaluateEntry(context.rater, input, context.log));
  }
  // Every rating of the batch in one write, or none: what is logged is all answered.
  const rated = entries.flatMap((e, i) => (e.ok ? [{ input: inputs[i], result: e.result }] : []));
  await context.decisions.recordAll(context.caller, rated, {
    until: deadline.until('recording the batch in the decision log'),
    idempotencyKey: key,
  });
  return entries;
}

/**
 * streamEntries reads the request one line at a time and yields each line's entry once it is rated
 * and recorded. Past the element bound it yields one `batch-too-large` entry and reads no further.
 */
async function* streamEntries(request: FastifyRequest, context: BatchContext): AsyncGenerator<BatchEntry> {
  const { lineLimit } = context;
  const maxElements = context.key === undefined ? context.maxElements : Math.min(context.maxElements, keyedStreamLines);
  const audit = { elements: 0, refused: 0 };
  request.audit = audit;
  // Stopping early must not destroy the request (and with it the socket the answer goes out on):
  // readLines gets an iterator it cannot close, and whatever is left is read and dropped at the end.
  const source = (request.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const unclosable: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => ({ next: () => source.next() }) };
  try {
    for await (const l of readLines(unclosable, lineLimit)) {
      if (!l.tooLong && l.text.trim() === '') continue;
      if (audit.elements === maxElements) {
        audit.refused += 1;
        const message = `line ${l.number} is past the bound of ${maxElements} inputs in one request${context.key === undefined ? '' : ' sent with an Idempotency-Key'}; it and the lines after it were not read`;
        yield { ...failure('batch-too-large', [{ path: '', message }]), line: l.number };
        return;
      }
      const entry = await lineEntry(l, context);
      audit.elements += 1;
      if (!entry.ok) audit.refused += 1;
      yield { ...entry, line: l.number };
    }
  } finally {
    void drain(source);
  }
}

/** lineEntry rates one NDJSON line and records its rating before it is answered. */
async function lineEntry(l: NdjsonLine, context: BatchContext): Promise<BatchEntry> {
  if (l.tooLong)
    return failure('body-too-large', [
      { path: '', message: `line ${l.number} is longer than ${context.lineLimit} bytes` },
    ]);
  const parsed = context.parse(l.text);
  if (!parsed.ok)
    return failure(
      parsed.error.error,
      parsed.error.problems ?? [{ path: '', message: `line ${l.number} is ${parsed.message}` }],
    );
  // Rated and logged; a log that cannot take it throws (an HttpError), so a keyed line is not kept.
  const rate = async (): Promise<BatchEntry> => {
    const entry = evaluateEntry(context.rater, parsed.value, context.log);
    if (!entry.ok) return entry;
    const deadline = new Deadline(context.evaluationTimeout);
    await context.decisions.record(context.caller, parsed.value, entry.result, {
      until: deadline.until(`line ${l.number}`),
      ...(context.key === undefined ? {} : { idempotencyKey: context.key }),
    });
    return entry;
  };
  // With a key, each line is rated and logged once: a retried stream gets the lines already logged
  // back as they were answered, and rates only the lines the first attempt did not reach.
  const key = context.key;
  return refusedByLog(() =>
    key === undefined
      ? rate()
      : context.decisions.once(context.caller, `${key}\u0000line ${l.number}`, parsed.value, ndjsonRoute, rate),
  );
}

const ndjsonRoute = '/v1/evaluate/batch (NDJSON line)';

/** drain reads and drops what is left of a request body, so its client can finish sending. */
async function drain(source: AsyncIterator<unknown>): Promise<void> {
  try {
    while (!(await source.next()).done);
  } catch {
    // The client went away; there is nothing left to read.
  }
}

/**
 * refusedByLog turns a line the decision log could not take (or whose Idempotency-Key was used for
 * another input) into that element's refusal.
 */
async function refusedByLog(rate: () => Promise<BatchEntry>): Promise<BatchEntry> {
  try {
    return await rate();
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    return failure(err.error, [{ path: '', message: err.message }]);
  }
}

/** evaluateEntry rates one element; an unexpected failure refuses that element only (and is logged). */
export function evaluateEntry(rater: Rater, input: unknown, log: FastifyBaseLogger): BatchEntry {
  try {
    const outcome = rater.evaluate(input);
    if (outcome.ok) return { ok: true, result: outcome.result };
    const body = refusal(outcome);
    return failure(body.error, body.problems ?? []);
  } catch (err) {
    log.error({ err }, 'unexpected error in a batch element');
    return failure('internal-error', [
      { path: '', message: 'an unexpected error occurred; this element was not evaluated' },
    ]);
  }
}

/** failure is an element's refusal; the codes an element can be refused with are the schema's closed subset. */
function failure(error: ErrorCode, problems: Problem[]): BatchEntry {
  const code = error as BatchFailure['error'];
  return { ok: false, status: errorCodes[code].status as BatchFailure['status'], error: code, problems };
}

async function* mapAsync<T, U>(source: AsyncIterable<T>, fn: (t: T) => U): AsyncGenerator<U> {
  for await (const t of source) yield fn(t);
}
