// Service: structured logs that say what happened without what was rated. One line per request
// (route, status, duration, ruleset, a truncated sha256 of the institution name); bodies, findings,
// results and names are never logged, and redaction guards the paths they could appear under.
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Outcome } from '../../rating/rater.js';

/** Audit: what a route may add to its request's log line. */
export interface Audit {
  ruleset?: string;
  institution?: string;
  /** For a batch: elements read, and how many were refused. */
  elements?: number;
  refused?: number;
  /** The error code the request was refused with, if it was. */
  error?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** audit is filled by the routes and logged once the response is sent. */
    audit: Audit;
  }
}

/** LoggerOption: `false`, `true`, or pino options (level, stream…) that the service completes. */
export type LoggerOption = boolean | (Record<string, unknown> & { level?: string });

const redactPaths = [
  'body',
  'req.body',
  'request.body',
  'input',
  'result',
  'problems',
  'institution.name',
  '*.institution.name',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
];

/** loggerOptions adds the serializers and redaction of the service to the caller's logger option. */
export function loggerOptions(option: LoggerOption | undefined): FastifyServerOptions['logger'] {
  if (!option) return false;
  const given = option === true ? {} : option;
  return {
    level: 'info',
    ...given,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string; routeOptions?: { url?: string } }) => ({
        method: req.method,
        route: req.routeOptions?.url,
      }),
      res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
    },
  };
}

/** institutionDigest is the first 16 hex digits of the sha256 of a name: joinable across logs, not readable. */
export function institutionDigest(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 16);
}

/** auditOf records the ruleset and the institution (hashed) an evaluation concerned. */
export function auditOf(input: unknown, outcome: Outcome): Audit {
  const audit: Audit = {};
  if (outcome.ok) audit.ruleset = outcome.ruleset.id;
  const name = (input as { institution?: { name?: unknown } } | null)?.institution?.name;
  if (typeof name === 'string') audit.institution = institutionDigest(name);
  return audit;
}

const wellFormedId = /^[A-Za-z0-9._:-]{1,128}$/;

/** genReqId honours a well-formed incoming `x-request-id` and otherwise makes a UUID. */
export function genReqId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && wellFormedId.test(given) ? given : randomUUID();
}

/** useRequestLog echoes the request id on every response and logs one line per request. */
export function useRequestLog(app: FastifyInstance): void {
  app.decorateRequest('audit', null as unknown as Audit);
  app.addHook('onRequest', async (request, reply) => {
    request.audit = {};
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { ...line(request), status: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 10) / 10 },
      'request completed',
    );
  });
  app.addHook('onRequestAbort', async (request) => {
    request.log.info({ ...line(request), aborted: true }, 'request aborted by the client');
  });
}

function line(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    route: request.routeOptions.url ?? '(no route)',
    ...(request.caller ? { caller: request.caller.name } : {}),
    ...request.audit,
  };
}
