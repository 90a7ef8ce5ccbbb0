// Service: how request bodies are read. JSON is received by body.ts (counted, bounded in bytes and
// time, UTF-8 only), read strictly (json-syntax.ts: no duplicate key, no lone surrogate, one depth limit)
// and then parsed with fastify's hardened parser (prototype poisoning refused); a syntax error is named
// by line and column. No other media type is read except NDJSON on the batch route (routes/batch.ts),
// which passes the stream through. A compressed body or a charset other than UTF-8 is refused (415).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describeIssue, findJsonSyntaxError } from '../../validation/json-syntax.js';
import type { Problem } from '../../diagnostics/explain.js';
import { readBody } from './body.js';
import { HttpError } from './errors.js';

/** ParsedBody: the outcome of parsing one request body (or NDJSON line) as JSON, with the refusal to send. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; error: HttpError; message: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** For a route taking a JSON array: the most elements accepted, counted while the body streams. */
    maxJsonElements?: number;
  }
  interface FastifyRequest {
    /** performance.now() when the request arrived (the body deadline counts from it). */
    arrivedAt: number;
  }
}

/** jsonParser returns a parse function: the strict reading, then fastify's default JSON parser. */
export function jsonParser(app: FastifyInstance): (text: string) => ParsedBody {
  const parse = app.getDefaultJsonParser('error', 'error');
  return (text) => {
    const issue = findJsonSyntaxError(text);
    if (issue) {
      if (issue.kind === 'syntax') {
        const message = syntaxDetail(text);
        return { ok: false, message, error: new HttpError('malformed-json', `the request body is ${message}`) };
      }
      const problem: Problem = { path: issue.path, message: issue.message };
      return {
        ok: false,
        message: describeIssue(issue),
        error: new HttpError('invalid-input', `the request body was refused: ${describeIssue(issue)}`, [problem]),
      };
    }
    let out: ParsedBody | undefined;
    // The default parser calls back synchronously; it does not read the request argument.
    parse(undefined as never, text, (err, value) => {
      out = err
        ? {
            ok: false,
            message: protoMessage,
            error: new HttpError('malformed-json', `the request body is ${protoMessage}`),
          }
        : { ok: true, value };
    });
    // An error (with its stack) is made only for a body that is refused: not once per request.
    return (
      out ?? {
        ok: false,
        message: 'not accepted',
        error: new HttpError('malformed-json', 'the request body is not accepted'),
      }
    );
  };
}

const protoMessage = 'not accepted: it contains a "__proto__" or "constructor.prototype" key';

/** syntaxDetail says why a text is refused: `not valid JSON at line 3, column 7: expected …` (no line for a one-line text). */
export function syntaxDetail(text: string): string {
  const e = findJsonSyntaxError(text);
  // Valid JSON that the hardened parser refused.
  if (!e) return protoMessage;
  if (e.kind !== 'syntax') return describeIssue(e);
  const where = text.includes('\n') ? `line ${e.line}, column ${e.column}` : `column ${e.column}`;
  return `not valid JSON at ${where}: ${e.message}`;
}

/** utf8Charsets: the only charset parameters a body may declare. */
const utf8Charsets = new Set(['utf-8', 'utf8']);

/** checkBodyHeaders refuses (415) a body the service would otherwise read as something it is not. */
export function checkBodyHeaders(request: FastifyRequest): void {
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity')
    throw new HttpError(
      'unsupported-media-type',
      `Content-Encoding ${JSON.stringify(encoding)} is not accepted: send the body uncompressed`,
    );
  const type = request.headers['content-type'];
  const charset = type ? /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(type)?.[1] : undefined;
  if (charset !== undefined && !utf8Charsets.has(charset.toLowerCase()))
    throw new HttpError(
      'unsupported-media-type',
      `charset ${JSON.stringify(charset)} is not accepted: send the body as UTF-8 (charset=utf-8, or no charset)`,
    );
}

/**
 * useJsonBodies makes application/json the only media type the app reads (text/plain is refused with
 * 415), and refuses a POST without a body as empty rather than as a document of the wrong shape.
 */
export function useJsonBodies(app: FastifyInstance, options: { requestTimeout: number; bodyLimit: number }): void {
  const parse = jsonParser(app);
  app.decorateRequest('arrivedAt', 0);
  app.addHook('onRequest', async (request) => {
    request.arrivedAt = performance.now();
  });
  app.addHook('preParsing', async (request) => {
    checkBodyHeaders(request);
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', (request, payload, done) => {
    readBody(payload, {
      limit: request.routeOptions.bodyLimit ?? options.bodyLimit,
      deadline: request.arrivedAt + options.requestTimeout,
      timeoutMs: options.requestTimeout,
      maxElements: request.routeOptions.config?.maxJsonElements,
    }).then(
      (text) => {
        if (text.trim() === '')
          return done(new HttpError('empty-body', 'the request body is empty; send a JSON document'), undefined);
        const parsed = parse(text);
        if (parsed.ok) done(null, parsed.value);
        else done(parsed.error, undefined);
      },
      (err: Error) => done(err, undefined),
    );
  });
  app.addHook('preValidation', async (request) => {
    // Only routes that read a body need one (POST /v1/admin/reload reads none).
    // A multipart upload is read by its route as a stream (evidence-upload.ts), never as a body here.
    if (request.headers['content-type']?.toLowerCase().startsWith('multipart/form-data')) return;
    if (request.method === 'POST' && request.body === undefined && request.routeOptions.schema?.body)
      throw new HttpError('empty-body', 'the request has no body; send a JSON document');
  });
}
