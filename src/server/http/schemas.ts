// Service: the shapes the HTTP routes validate and serialize with, all of them the repo's own schema
// files (schemas/rating, schemas/rules, schemas/http), registered as shared schemas by their `$id`.
import type { ErrorResponse } from '../../../generated/types/http/error.js';
import { readSchema } from '../../validation/ajv.js';

/** ErrorCode: the closed set of `error` values (schemas/http/error.schema.json). */
export type ErrorCode = ErrorResponse['error'];

type Schema = Record<string, unknown>;

const base = 'https://credit-policy.local/schemas/';

/** ids names every shared schema a route refers to with `{ $ref: ids.x }`. */
export const ids = {
  input: `${base}rating/evaluation-input.schema.json`,
  findings: `${base}evidence/findings.schema.json`,
  result: `${base}rating/result.schema.json`,
  meta: `${base}rules/ruleset.schema.json`,
  table: `${base}rules/scoring-table.schema.json`,
  grading: `${base}rules/grading.schema.json`,
  institutions: `${base}rules/institutions.schema.json`,
  interpretations: `${base}rules/interpretations.schema.json`,
  problem: `${base}http/problem.schema.json`,
  error: `${base}http/error.schema.json`,
  batchEntry: `${base}http/batch-entry.schema.json`,
  rulesetSummary: `${base}http/ruleset-summary.schema.json`,
  ruleset: `${base}http/ruleset.schema.json`,
  liveVersion: `${base}http/live-version.schema.json`,
  reloadRecord: `${base}http/reload-record.schema.json`,
  workerStatus: `${base}http/worker-status.schema.json`,
} as const;

/** ref is the `$ref` to a shared schema (or a JSON pointer inside it). */
export function ref(id: string, pointer = ''): Schema {
  return { $ref: `${id}#${pointer}` };
}

/**
 * errorCodes is the closed set of `error` values a response can carry, with the status each comes
 * with and what it means. The error handler, the response schemas and the API description all read it.
 */
export const errorCodes: Record<ErrorCode, { status: number; meaning: string }> = {
  'invalid-input': {
    status: 400,
    meaning: 'The input does not match the ruleset’s input schema; `problems` says where and what is allowed.',
  },
  'malformed-json': { status: 400, meaning: 'The body is not valid JSON; `message` gives the line and column.' },
  'invalid-evidence': {
    status: 400,
    meaning:
      'An evidence upload was refused: each of `problems` names the part (table), row and column, as a spreadsheet numbers them, and what is allowed there.',
  },
  'empty-body': { status: 400, meaning: 'The body is empty.' },
  'bad-request': { status: 400, meaning: 'The request is malformed in another way (headers, length, URL).' },
  unauthorized: {
    status: 401,
    meaning: 'No API key, or one the service does not hold; send `Authorization: Bearer <key>` or `x-api-key: <key>`.',
  },
  forbidden: {
    status: 403,
    meaning: 'The API key is valid but lacks the scope the route needs (`evaluate`, `read` or `admin`).',
  },
  'unknown-ruleset': { status: 404, meaning: 'The input pins, or the URL names, a ruleset that does not exist.' },
  'not-found': { status: 404, meaning: 'No such route.' },
  'method-not-allowed': {
    status: 405,
    meaning: 'The path exists, but not with this method; the `Allow` header lists those it has.',
  },
  'request-timeout': {
    status: 408,
    meaning:
      'The whole request did not arrive within the request deadline (REQUEST_TIMEOUT_MS); the connection is closed.',
  },
  'not-acceptable': {
    status: 406,
    meaning: 'The Accept header allows none of the media types the route answers with; `message` lists them.',
  },
  'reload-unavailable': { status: 409, meaning: 'This service was started without a rules folder to reload from.' },
  'body-too-large': { status: 413, meaning: 'The body is larger than the service accepts.' },
  'batch-too-large': {
    status: 413,
    meaning: 'The batch has more elements (JSON array items or NDJSON lines) than the service rates in one request.',
  },
  'unsupported-media-type': {
    status: 415,
    meaning:
      'The Content-Type is not one this route reads, its charset is not UTF-8, or the body is compressed (Content-Encoding).',
  },
  'no-ruleset-in-force': { status: 422, meaning: 'No ruleset decides the rating year (and region) of the input.' },
  'idempotency-key-reused': {
    status: 422,
    meaning:
      'The Idempotency-Key was sent before with another request (route or body); a retry must repeat the first request exactly.',
  },
  'reload-refused': {
    status: 422,
    meaning:
      'The rule files or the compiled policy on disk were refused; the version that was live keeps serving. `problems` give file, line and column.',
  },
  'rate-limited': {
    status: 429,
    meaning:
      'The API key made more requests than its limit in the current window, or has more requests in flight at once than its share; `Retry-After` says when to try again.',
  },
  'headers-too-large': { status: 431, meaning: 'The request line and headers are larger than the service reads.' },
  'internal-error': {
    status: 500,
    meaning: 'An unexpected failure; nothing was evaluated. The request id names it in the logs.',
  },
  overloaded: {
    status: 503,
    meaning:
      'The service is shedding load (event loop, memory or requests in flight over their bounds); `Retry-After` says when to try again.',
  },
  timeout: {
    status: 503,
    meaning:
      'The request took longer than the evaluation time bound; nothing of it was answered. `Retry-After` says when to try again.',
  },
  'pdf-unavailable': {
    status: 503,
    meaning:
      'A PDF was asked for (`Accept: application/pdf`) but the service has no headless Chromium to print it with; `message` says how to install one. JSON and HTML still work.',
  },
  'decision-log-unavailable': {
    status: 503,
    meaning: 'The decision log could not record the rating, so it is not answered.',
  },
};

/** sharedSchemas lists every schema the routes refer to, each with its `$id`. */
export function sharedSchemas(): Schema[] {
  return Object.values(ids).map((id) => absoluteRefs(readSchema(id.slice(base.length)), id));
}

/** errorResponses declares the error body for each status, described by the codes it can carry. */
export function errorResponses(...statuses: number[]): Record<number, Schema> {
  return Object.fromEntries(
    statuses.map((status) => {
      const codes = Object.entries(errorCodes).filter(([, c]) => c.status === status);
      const description = codes.map(([code, c]) => `\`${code}\`: ${c.meaning}`).join(' ');
      return [status, { description, content: { 'application/json': { schema: ref(ids.error) } } }];
    }),
  );
}

// The schema files refer to each other relatively (`../rating/result.schema.json`), which the type
// generator reads from disk; fastify's serializer wants each `$ref` resolved against the `$id`.
function absoluteRefs<T>(node: T, id: string): T {
  if (Array.isArray(node)) return node.map((n) => absoluteRefs(n, id)) as T;
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && !v.startsWith('#') ? new URL(v, id).href : absoluteRefs(v, id),
    ]),
  ) as T;
}
