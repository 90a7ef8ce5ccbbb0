// Service: `POST /v1/evaluate/batch`, many inputs in one request, each rated or refused on its own.
// A JSON array is answered with a JSON array; NDJSON is read and answered line by line as a stream,
// so memory stays flat however long the batch is.
import { Readable } from 'node:stream';
import type { FastifyBaseLogger, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { RatingResult } from '../../rating/decorate.js';
import type { Rater } from '../../rating/rater.js';
import type { Problem } from '../../validation/explain.js';
import { refusal } from '../errors.js';
import { readLines } from '../ndjson.js';
import { jsonParser } from '../parsers.js';
import { errorCodes, errorResponses, ids, ref, type ErrorCode } from '../schemas.js';

/** BatchEntry: the outcome of one element (schemas.ts `BatchEntry`). */
export type BatchEntry =
  | { ok: true; line?: number; result: RatingResult }
  | { ok: false; line?: number; status: number; error: ErrorCode; problems: Problem[] };

export const ndjson = 'application/x-ndjson';

const entrySchema = ref(ids.batchEntry);

export interface BatchOptions {
  rater: Rater;
  /** The largest JSON array accepted, in bytes. */
  bodyLimit: number;
  /** The longest NDJSON line accepted, in bytes. */
  lineLimit: number;
}

export const batchRoutes: FastifyPluginAsync<BatchOptions> = async (app, { rater, bodyLimit, lineLimit }) => {
  // The request stream itself is the body; readLines consumes it incrementally.
  app.addContentTypeParser(ndjson, (_request, payload, done) => done(null, payload));
  const parse = jsonParser(app);

  app.post(
    '/v1/evaluate/batch',
    {
      bodyLimit,
      schema: {
        summary: 'Rate many inputs, each on its own',
        description:
          'A JSON array of evaluation inputs is answered with a JSON array of entries in the same order; NDJSON (one input per line, `Content-Type: application/x-ndjson`) is answered with NDJSON, one entry per non-blank line, streamed as it is read, each entry naming its `line`. One refused element never fails the others. Send and read concurrently when streaming large batches.',
        tags: ['evaluate'],
        body: {
          content: {
            'application/json': {
              schema: { type: 'array', description: 'Evaluation inputs (EvaluationInput); each element is validated on its own.', items: {} },
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
          ...errorResponses(400, 413, 415, 500),
        },
      },
    },
    async (request, reply) => {
      if (request.headers['content-type']?.toLowerCase().startsWith(ndjson)) {
        const serialize = reply.compileSerializationSchema(entrySchema);
        const entries = streamEntries(request, lineLimit);
        return reply.type(`${ndjson}; charset=utf-8`).send(Readable.from(mapAsync(entries, (e) => serialize(e) + '\n')));
      }
      const inputs = request.body as unknown[];
      const entries = inputs.map((input) => evaluateEntry(rater, input, request.log));
      request.audit = { elements: entries.length, refused: entries.filter((e) => !e.ok).length };
      return reply.type('application/json; charset=utf-8').send(entries);
    },
  );

  /** streamEntries reads the request one line at a time and yields each line's entry as soon as it is rated. */
  async function* streamEntries(request: FastifyRequest, maxLineBytes: number): AsyncGenerator<BatchEntry> {
    request.audit = { elements: 0, refused: 0 };
    for await (const l of readLines(request.body as AsyncIterable<Buffer>, maxLineBytes)) {
      let entry: BatchEntry;
      if (l.tooLong) entry = failure('body-too-large', [{ path: '', message: `line ${l.number} is longer than ${maxLineBytes} bytes` }]);
      else if (l.text.trim() === '') continue;
      else {
        const parsed = parse(l.text);
        entry = parsed.ok ? evaluateEntry(rater, parsed.value, request.log) : failure('malformed-json', [{ path: '', message: `line ${l.number} is ${parsed.message}` }]);
      }
      request.audit.elements! += 1;
      if (!entry.ok) request.audit.refused! += 1;
      yield { ...entry, line: l.number };
    }
  }
};

/** evaluateEntry rates one element; an unexpected failure refuses that element only (and is logged). */
export function evaluateEntry(rater: Rater, input: unknown, log: FastifyBaseLogger): BatchEntry {
  try {
    const outcome = rater.evaluate(input);
    if (outcome.ok) return { ok: true, result: outcome.result };
    const body = refusal(outcome);
    return failure(body.error, body.problems ?? []);
  } catch (err) {
    log.error({ err }, 'unexpected error in a batch element');
    return failure('internal-error', [{ path: '', message: 'an unexpected error occurred; this element was not evaluated' }]);
  }
}

function failure(error: ErrorCode, problems: Problem[]): BatchEntry {
  return { ok: false, status: errorCodes[error].status, error, problems };
}

async function* mapAsync<T, U>(source: AsyncIterable<T>, fn: (t: T) => U): AsyncGenerator<U> {
  for await (const t of source) yield fn(t);
}
