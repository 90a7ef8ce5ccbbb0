// Service: the rating engine as a fastify application, built as a plugin-style factory so tests can
// `inject` into it and `main.ts` can listen with it. Routes are thin: the Rater does the work. Around
// them, in the order a request meets them: request id and log line, load shedding, the API key and its
// scope, the per-key rate limit, body limits; after them the operations log.
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { DecisionLog } from '../audit/log.js';
import type { InspectionService } from '../inspections/service.js';
import type { ObligationService } from '../obligations/service.js';
import type { Rater } from '../rating/rater.js';
import type { ApiKey } from '../security/api-keys.js';
import { KeyStore } from '../security/key-store.js';
import { createAjv } from '../validation/ajv.js';
import { useAuth, type DocsAccess } from './http/auth.js';
import type { ClusterLink, WorkerStatus } from './cluster.js';
import { decisionsOf } from './runtime/decisions.js';
import type { IdempotencyStore } from './runtime/idempotency.js';
import { clientErrorHandler, errorHandler } from './http/errors.js';
import {
  defaultRateLimit,
  useKeyShare,
  usePressure,
  useRateLimit,
  type PressureOptions,
  type RateLimitOptions,
} from './http/limits.js';
import { describeVersion, LiveRules } from './runtime/live-rules.js';
import { genReqId, loggerOptions, useRequestLog, type LoggerOption } from './runtime/logging.js';
import { useNotFound } from './http/not-found.js';
import { loggerOperationsLog, useOperationsLog, type OperationsLog } from './runtime/operations-log.js';
import { useJsonBodies } from './http/parsers.js';
import { useNegotiation } from './http/negotiate.js';
import { PdfPrinter } from '../render/pdf/browser.js';
import { adminRoutes } from './routes/admin.js';
import { batchRoutes } from './routes/batch.js';
import { diffRoutes } from './routes/diff.js';
import { describeApi, docsRoutes } from './routes/docs.js';
import { evaluateRoutes } from './routes/evaluate.js';
import { findingsRoutes } from './routes/findings.js';
import type { Deriver } from '../evidence/service.js';
import { healthRoutes } from './routes/health.js';
import { inspectionRoutes } from './routes/inspections.js';
import { obligationRoutes } from './routes/obligations.js';
import { rulesetRoutes } from './routes/rulesets.js';
import { sharedSchemas } from './http/schemas.js';

export interface AppOptions {
  /** The rules to serve: LiveRules (reloadable), or a loaded Rater served as it is. */
  rater: Rater | LiveRules;
  /** With a bare Rater: the obligations service behind /v1/obligations (without one those routes are absent). */
  obligations?: ObligationService;
  /** The inspections service behind /v1/inspections (loaded from the repo's own files when left out). */
  inspections?: InspectionService;
  /** The API keys (digests) the service accepts. Required: without keys only the public routes answer. */
  keys: KeyStore | readonly ApiKey[];
  /** false (the default for tests), true, or pino options such as `{ level, stream }`. */
  logger?: LoggerOption;
  /** The largest body of a single evaluation, and the longest NDJSON line, in bytes (1 MiB). */
  bodyLimit?: number;
  /** The largest JSON batch, in bytes (16 MiB); an NDJSON batch has no total limit. */
  batchBodyLimit?: number;
  /** The most inputs rated in one batch request, JSON or NDJSON (1000). */
  batchMaxElements?: number;
  /** The largest evidence upload, all parts together, in bytes (64 MiB). */
  evidenceBodyLimit?: number;
  /** Milliseconds deriving findings from one upload (and rating them) may take (60 s). */
  derivationTimeout?: number;
  /** With a bare Rater: what derives findings from evidence (by default one over the Rater's own rulesets and policy). */
  deriver?: Deriver;
  /** Milliseconds one request's evaluation work may take, decision-log writes included (10 s). */
  evaluationTimeout?: number;
  /** Milliseconds to receive a whole request, enforced within a second (120 s; an NDJSON upload must fit in it). */
  requestTimeout?: number;
  /** Milliseconds a socket may stay idle before it is closed (60 s). */
  connectionTimeout?: number;
  /** Milliseconds an idle keep-alive connection is kept (5 s). */
  keepAliveTimeout?: number;
  /** Requests per key per window (600 per minute); false turns rate limiting off. */
  rateLimit?: RateLimitOptions | false;
  /** When to shed load with 503 (see limits.ts); false turns shedding off. */
  pressure?: PressureOptions | false;
  /** Where the operations trail goes (default: the service log, under `ops`). Closed with the app. */
  operationsLog?: OperationsLog;
  /** The decision log every rating is written to before it is answered. Closed with the app. */
  decisionLog?: DecisionLog;
  /** The other workers, when serving from several processes (cluster.ts). */
  cluster?: ClusterLink;
  /** This process's worker number (1 when alone) and replica id, for /v1/status. */
  worker?: { index: number; replica?: string };
  /** Where Idempotency-Keys are held (default: in this process). */
  idempotency?: IdempotencyStore;
  /** /docs and /openapi.json: public (default), private (scope read) or off. */
  docs?: DocsAccess;
  /** Serve HTTPS with this certificate and key (PEM). */
  https?: { cert: string | Buffer; key: string | Buffer };
  /** Prints PDF reports (`Accept: application/pdf`): default a printer on the system's Chromium, launched on first use and closed with the app; false: no PDFs. */
  pdf?: PdfPrinter | false;
  /** Take the client address from X-Forwarded-For (only behind a proxy you run). */
  trustProxy?: boolean;
}

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

declare module 'fastify' {
  interface FastifyInstance {
    /** live: the rules being served (reload them with `reloadService`). */
    live: LiveRules;
    /** keyStore: the API keys being accepted. */
    keyStore: KeyStore;
    /** operations: the operations trail. */
    operations: OperationsLog;
  }
}

/** buildApp assembles the service around loaded rules and a set of keys; it does not listen. */
export function buildApp(options: AppOptions): FastifyInstance {
  if (!options.keys)
    throw new TypeError(
      'buildApp needs `keys`: a KeyStore or a list of API keys (an empty list leaves only the public routes)',
    );
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const requestTimeout = options.requestTimeout ?? 120_000;
  // Node checks its request and header deadlines every 30 s by default; once a second keeps them
  // within a second of their setting (bodies also have a timer of their own, parsers.ts).
  const connectionsCheckingInterval = Math.min(1000, requestTimeout);
  // Node swaps the two deadlines when the header one is the longer, so a body would get 60 s whatever
  // REQUEST_TIMEOUT_MS says: the headers' deadline is never longer than the request's.
  const headersTimeout = Math.min(60_000, requestTimeout);
  const serverOptions: FastifyServerOptions & {
    https?: AppOptions['https'] & { connectionsCheckingInterval: number; headersTimeout: number };
    http?: { connectionsCheckingInterval: number; headersTimeout: number };
  } = {
    logger: loggerOptions(options.logger),
    // One log line per request, written by useRequestLog, instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId,
    requestIdHeader: false,
    bodyLimit,
    requestTimeout,
    http: { connectionsCheckingInterval, headersTimeout },
    clientErrorHandler,
    connectionTimeout: options.connectionTimeout ?? 60_000,
    keepAliveTimeout: options.keepAliveTimeout ?? 5_000,
    return503OnClosing: true,
    // Idle keep-alive connections are closed at shutdown; requests in flight finish.
    forceCloseConnections: 'idle',
    trustProxy: options.trustProxy ?? false,
    ...(options.https ? { https: { ...options.https, connectionsCheckingInterval, headersTimeout } } : {}),
  };
  const app = Fastify(serverOptions) as unknown as FastifyInstance;

  // One validator for the whole service: the same ajv setup as the CLI (no coercion, no defaults,
  // no removal of unknown keys), holding every shared schema.
  const ajv = createAjv();
  for (const schema of sharedSchemas()) {
    ajv.addSchema(schema);
    app.addSchema(schema);
  }
  // Query strings are text: their numbers are read as numbers (and refused when they are not).
  const queryAjv = createAjv({ coerceTypes: true });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'querystring' ? queryAjv.compile(schema) : ajv.compile(schema),
  );

  const live =
    options.rater instanceof LiveRules
      ? options.rater
      : LiveRules.fixed(options.rater, options.obligations, options.deriver);
  const keys = options.keys instanceof KeyStore ? options.keys : new KeyStore(options.keys);
  const operations = options.operationsLog ?? loggerOperationsLog(app.log);
  const docs = options.docs ?? 'public';
  const pdf = options.pdf === false ? undefined : (options.pdf ?? new PdfPrinter());
  app.decorate('live', live);
  app.decorate('keyStore', keys);
  app.decorate('operations', operations);

  useRequestLog(app);
  useSecurityHeaders(app, Boolean(options.https));
  if (options.pressure !== false) usePressure(app, options.pressure ?? {});
  useAuth(app, { keys, docs });
  if (options.pressure !== false) useKeyShare(app, options.pressure ?? {});
  if (options.rateLimit !== false) useRateLimit(app, options.rateLimit ?? defaultRateLimit);
  useOperationsLog(app, operations);
  useJsonBodies(app, { requestTimeout, bodyLimit });
  useNegotiation(app);
  app.setErrorHandler(errorHandler);
  useNotFound(app);
  app.addHook('onClose', async () => {
    await options.decisionLog?.close();
    await operations.close();
    if (pdf) await pdf.close();
  });

  if (docs !== 'off') describeApi(app, version);
  const decisions = decisionsOf(options.decisionLog, app.log, options.idempotency);
  const self = () => describeWorker(live, options.decisionLog, options.worker);
  const cluster: ClusterLink = options.cluster ?? {
    describeWorkers: async () => [self()],
    reloaded: () => undefined,
  };
  const evaluationTimeout = options.evaluationTimeout ?? 10_000;
  app.register(healthRoutes, { live });
  app.register(rulesetRoutes, { live });
  app.register(diffRoutes, { current: () => live.current.rater.registry });
  app.register(evaluateRoutes, { live, decisions, evaluationTimeout, pdf });
  app.register(findingsRoutes, {
    live,
    decisions,
    bodyLimit: options.evidenceBodyLimit ?? 64 * 1024 * 1024,
    timeout: options.derivationTimeout ?? 60_000,
  });
  app.register(batchRoutes, {
    live,
    decisions,
    evaluationTimeout,
    bodyLimit: options.batchBodyLimit ?? 16 * 1024 * 1024,
    lineLimit: bodyLimit,
    maxElements: options.batchMaxElements ?? 1000,
  });
  if (live.current.obligations) {
    app.register(obligationRoutes, { current: () => live.current.obligations! });
    // Annex 4 inspections reload with the rules (those of the ruleset in force for the day asked about).
    app.register(inspectionRoutes, {
      ...(options.inspections ? { service: options.inspections } : {}),
      current: () => live.current.obligations,
    });
  }
  app.register(adminRoutes, { live, keys, operations, version, cluster });
  if (docs !== 'off') app.register(docsRoutes);
  return app;
}

/** describeWorker: what /v1/status says of this process: its rules, its last reload, its decision log chain. */
export function describeWorker(
  live: LiveRules,
  log: DecisionLog | undefined,
  worker: { index: number; replica?: string } = { index: 1 },
): WorkerStatus {
  const d = log?.status();
  return {
    worker: worker.index,
    pid: process.pid,
    ...(worker.replica ? { replica: worker.replica } : {}),
    live: describeVersion(live.current),
    ...(live.lastReload ? { lastReload: live.lastReload } : {}),
    ...(d ? { decisionLog: { path: d.path, seq: d.seq, checkpointed: d.checkpointed } } : {}),
  };
}

/** useSecurityHeaders: no answer is sniffed or cached by a shared cache; over HTTPS, browsers are told to stay on it. */
function useSecurityHeaders(app: FastifyInstance, https: boolean): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (request.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
    if (https) reply.header('strict-transport-security', 'max-age=31536000');
  });
}
