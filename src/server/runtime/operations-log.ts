// Service: the operations trail. One JSON line per call, saying who (the key's name), what (route,
// ruleset, status, outcome), from where (address) and when, kept apart from the decision log. Lines are
// built from a closed list of fields: never a body, a query string or a finding, so no institution
// name or finding can reach it in clear.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import pino from 'pino';

/** OperationEntry: one line of the operations log. */
export interface OperationEntry {
  time: string;
  /** The key's name; null when no valid key was given (public routes, refused keys). */
  caller: string | null;
  /** `request` for an HTTP call; `reload` for a reload, whatever started it. */
  action: 'request' | 'reload' | 'decision-log';
  method?: string;
  /** The route's template (`/v1/rulesets/:id`), never the URL as sent. */
  route?: string;
  status?: number;
  /** `ok`, or the error code the call was refused with, or `aborted`. */
  outcome: string;
  ruleset?: string;
  elements?: number;
  refused?: number;
  address?: string;
  requestId?: string;
  durationMs?: number;
  /** For a reload: what started it (`SIGHUP`, `POST /v1/admin/reload`) and what is live after it. */
  trigger?: string;
  live?: { rulesets: { id: string; hash: string }[]; wasmSha256: string | null };
  /** For `decision-log`: what was repaired when the log was opened, and where the bytes went. */
  message?: string;
}

/** OperationsLog: where operation entries go. */
export interface OperationsLog {
  write(entry: OperationEntry): void;
  close(): Promise<void>;
}

/** OperationsLogError: the operations log cannot be opened for writing (the service does not start). */
export class OperationsLogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperationsLogError';
  }
}

/**
 * fileOperationsLog appends JSON lines to a file of its own (created with its folder). The file is
 * opened once here, synchronously, so a path that cannot be written stops the start with one line;
 * a write failing later (a full disk) is reported on standard error once, not thrown.
 */
export function fileOperationsLog(path: string, onError: (err: Error) => void = reportOnce()): OperationsLog {
  try {
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(path, 'a'));
  } catch (err) {
    throw new OperationsLogError(`OPERATIONS_LOG=${path} cannot be written: ${(err as Error).message}`);
  }
  const dest = pino.destination({ dest: path, append: true, sync: false, mkdir: true });
  dest.on('error', onError);
  let closed: Promise<void> | undefined;
  return {
    write: (entry) => {
      if (!closed) dest.write(`${JSON.stringify(entry)}\n`);
    },
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        dest.once('close', () => resolve());
        dest.once('error', () => resolve());
        dest.end();
      })),
  };
}

function reportOnce(): (err: Error) => void {
  let told = false;
  return (err) => {
    if (told) return;
    told = true;
    process.stderr.write(`operations log: a write failed (${err.message}); entries may be missing\n`);
  };
}

/** loggerOperationsLog writes entries into the service log, under an `ops` key of their own. */
export function loggerOperationsLog(log: FastifyBaseLogger): OperationsLog {
  return {
    write: (entry) => log.info({ ops: entry }, 'operation'),
    close: async () => undefined,
  };
}

/** operationOf builds the entry of one finished request from what the request recorded. */
export function operationOf(request: FastifyRequest, reply: FastifyReply | undefined, aborted = false): OperationEntry {
  const a = request.audit ?? {};
  const status = aborted ? undefined : reply?.statusCode;
  return {
    time: new Date().toISOString(),
    caller: request.caller?.name ?? null,
    action: 'request',
    method: request.method,
    route: request.routeOptions.url ?? '(no route)',
    ...(status !== undefined ? { status } : {}),
    outcome: aborted ? 'aborted' : (a.error ?? (status !== undefined && status >= 400 ? `status-${status}` : 'ok')),
    ...(a.ruleset ? { ruleset: a.ruleset } : {}),
    ...(a.elements !== undefined ? { elements: a.elements, refused: a.refused ?? 0 } : {}),
    address: request.ip,
    requestId: request.id,
    ...(reply ? { durationMs: Math.round(reply.elapsedTime * 10) / 10 } : {}),
  };
}

/** useOperationsLog writes one entry per request, once it is answered or abandoned. */
export function useOperationsLog(app: FastifyInstance, log: OperationsLog): void {
  app.addHook('onResponse', async (request, reply) => log.write(operationOf(request, reply)));
  app.addHook('onRequestAbort', async (request) => log.write(operationOf(request, undefined, true)));
}
