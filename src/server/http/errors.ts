// Service: every refusal leaves through here, as `{ error, message, problems? }` with the status its
// code declares (schemas.ts). A bad request is never a 500 and never carries a partial result.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Outcome } from '../../rating/rater.js';
import { explainErrors, type Problem } from '../../diagnostics/explain.js';
import type { ErrorResponse } from '../../../generated/types/http/error.js';
import { errorCodes, type ErrorCode } from './schemas.js';

/** ErrorBody: the body of every refused request (schemas/http/error.schema.json). */
export type ErrorBody = ErrorResponse;

/** HttpError: a refusal raised inside the service (a parser, a route, a hook), carrying its code. */
export class HttpError extends Error {
  readonly statusCode: number;
  constructor(
    readonly error: ErrorCode,
    message: string,
    readonly problems?: Problem[],
  ) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = errorCodes[error].status;
  }
}

/** retryAfterSeconds: what a 503 answer tells the client to wait, unless a limit says otherwise. */
export const retryAfterSeconds = 5;

const refusalCode: Record<400 | 404 | 422, ErrorCode> = {
  400: 'invalid-input',
  404: 'unknown-ruleset',
  422: 'no-ruleset-in-force',
};

const refusalMessage: Record<400 | 404 | 422, string> = {
  400: 'the input was refused; see problems',
  404: 'the input names an unknown ruleset',
  422: 'no ruleset is in force for the input',
};

/** refusal turns the Rater's refusal into the body (and code) the service sends for it. */
export function refusal(outcome: Extract<Outcome, { ok: false }>): ErrorBody {
  const message =
    outcome.status === 400 ? refusalMessage[400] : (outcome.problems[0]?.message ?? refusalMessage[outcome.status]);
  return { error: refusalCode[outcome.status], message, problems: outcome.problems };
}

/** sendError replies with a code's status and body. */
export function sendError(reply: FastifyReply, body: ErrorBody): FastifyReply {
  if (reply.request.audit) reply.request.audit.error = body.error;
  if (errorCodes[body.error].status === 503 && !reply.hasHeader('retry-after'))
    reply.header('retry-after', retryAfterSeconds);
  return reply.code(errorCodes[body.error].status).type('application/json; charset=utf-8').send(body);
}

const frameworkCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty-body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-request',
};

const frameworkMessages: Partial<Record<ErrorCode, (request: FastifyRequest) => string>> = {
  'body-too-large': () => 'the request body is larger than this service accepts',
  'unsupported-media-type': (r) =>
    `Content-Type ${JSON.stringify(r.headers['content-type'] ?? '(none)')} is not accepted here; send application/json${r.routeOptions.url === '/v1/evaluate/batch' ? ' or application/x-ndjson' : ''}`,
  'empty-body': () => 'the request body is empty; send a JSON document',
  'malformed-json': () => 'the request body is not valid JSON',
};

/** toErrorBody classifies any error thrown while handling a request. */
export function toErrorBody(err: FastifyError | HttpError | Error, request: FastifyRequest): ErrorBody {
  if (err instanceof HttpError)
    return { error: err.error, message: err.message, ...(err.problems ? { problems: err.problems } : {}) };
  const fe = err as FastifyError;
  if (fe.validation)
    return {
      error: 'invalid-input',
      message: refusalMessage[400],
      problems: explainErrors(fe.validation as never, request.body),
    };
  const code = fe.code ? frameworkCodes[fe.code] : undefined;
  if (code) return { error: code, message: frameworkMessages[code]?.(request) ?? fe.message };
  const status = fe.statusCode ?? 500;
  // A path the static files refuse (`/docs/static/../..`) names no file this service has.
  if (status === 403 || status === 404)
    return { error: 'not-found', message: `no such file: ${request.url.split('?')[0]}` };
  if (status >= 400 && status < 500) return { error: 'bad-request', message: fe.message };
  return {
    error: 'internal-error',
    message: 'an unexpected error occurred; nothing was evaluated (quote the x-request-id when reporting it)',
  };
}

/** errorHandler is the app's one error handler: known errors get their code, anything else a logged 500. */
export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const body = toErrorBody(err, request);
  if (request.audit) request.audit.error = body.error;
  if (body.error === 'internal-error') request.log.error({ err }, 'unexpected error');
  if (errorCodes[body.error].status === 503 && !reply.hasHeader('retry-after'))
    reply.header('retry-after', retryAfterSeconds);
  // Refused before its body was all read: the rest is not read, so the connection cannot be reused.
  if (!request.raw.complete) reply.header('connection', 'close');
  // A 4xx that fastify raised with a status of its own (408, 431…) keeps that status.
  const status =
    body.error === 'bad-request' && (err as FastifyError).statusCode
      ? (err as FastifyError).statusCode!
      : errorCodes[body.error].status;
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

const clientErrors: Record<string, { error: ErrorCode; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    error: 'request-timeout',
    message: 'the request did not arrive within the request deadline; the connection is closed',
  },
  HPE_HEADER_OVERFLOW: {
    error: 'headers-too-large',
    message: 'the request line and headers are larger than this service reads (16 KiB)',
  },
};

/**
 * clientErrorHandler answers what Node refuses before fastify sees a request (malformed HTTP, headers
 * too large, a request past its deadline) with the service's error body, then closes the connection.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = err.code ? clientErrors[err.code] : undefined;
  const body: ErrorBody = known ?? {
    error: 'bad-request',
    message: `the request is not valid HTTP/1.1 (${err.code ?? 'parse error'})`,
  };
  const status = errorCodes[body.error].status;
  const text = JSON.stringify(body);
  // An answer already begun on this socket (an NDJSON stream) cannot be followed by another one.
  const begun = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (!socket.writable || begun) return void socket.destroy();
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${text}`,
    () => socket.destroy(),
  );
}
