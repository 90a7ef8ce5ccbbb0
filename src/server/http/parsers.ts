// Service: how request bodies are read. JSON is parsed with fastify's hardened parser (prototype
// poisoning refused) and a syntax error is named by line and column; no other media type is read
// except NDJSON on the batch route (routes/batch.ts), which passes the stream through.
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.js';
import { findJsonSyntaxError } from '../../validation/json-syntax.js';

/** JsonParse: the outcome of parsing one JSON text. */
export type JsonParse = { ok: true; value: unknown } | { ok: false; message: string };

/** jsonParser returns a parse function sharing fastify's default JSON parser and its protections. */
export function jsonParser(app: FastifyInstance): (text: string) => JsonParse {
  const parse = app.getDefaultJsonParser('error', 'error');
  return (text) => {
    let out: JsonParse = { ok: false, message: 'not valid JSON' };
    // The default parser calls back synchronously; it does not read the request argument.
    parse(undefined as never, text, (err, value) => {
      out = err ? { ok: false, message: syntaxDetail(text) } : { ok: true, value };
    });
    return out;
  };
}

/** syntaxDetail says where a text stops being JSON: `not valid JSON at line 3, column 7: expected …` (no line for a one-line text). */
export function syntaxDetail(text: string): string {
  const e = findJsonSyntaxError(text);
  // Valid JSON that the hardened parser refused.
  if (!e) return 'not accepted: it contains a "__proto__" or "constructor.prototype" key';
  const where = text.includes('\n') ? `line ${e.line}, column ${e.column}` : `column ${e.column}`;
  return `not valid JSON at ${where}: ${e.message}`;
}

/**
 * useJsonBodies makes application/json the only media type the app reads (text/plain is refused with
 * 415), and refuses a POST without a body as empty rather than as a document of the wrong shape.
 */
export function useJsonBodies(app: FastifyInstance): void {
  const parse = jsonParser(app);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '')
      return done(new HttpError('empty-body', 'the request body is empty; send a JSON document'), undefined);
    const parsed = parse(text);
    if (parsed.ok) done(null, parsed.value);
    else done(new HttpError('malformed-json', `the request body is ${parsed.message}`), undefined);
  });
  app.addHook('preValidation', async (request) => {
    // Only routes that read a body need one (POST /v1/admin/reload reads none).
    if (request.method === 'POST' && request.body === undefined && request.routeOptions.schema?.body)
      throw new HttpError('empty-body', 'the request has no body; send a JSON document');
  });
}
