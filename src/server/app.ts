// Service: the rating engine as a fastify application, built as a plugin-style factory so tests can
// `inject` into it and `main.ts` can listen with it. Routes are thin: the Rater does the work.
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Rater } from '../rating/rater.js';
import { createAjv } from '../validation/ajv.js';
import { errorHandler, sendError } from './errors.js';
import { genReqId, loggerOptions, useRequestLog, type LoggerOption } from './logging.js';
import { useJsonBodies } from './parsers.js';
import { batchRoutes } from './routes/batch.js';
import { describeApi, docsRoutes } from './routes/docs.js';
import { evaluateRoutes } from './routes/evaluate.js';
import { healthRoutes } from './routes/health.js';
import { rulesetRoutes } from './routes/rulesets.js';
import { sharedSchemas } from './schemas.js';

export interface AppOptions {
  rater: Rater;
  /** false (the default for tests), true, or pino options such as `{ level, stream }`. */
  logger?: LoggerOption;
  /** The largest body of a single evaluation, and the longest NDJSON line, in bytes (1 MiB). */
  bodyLimit?: number;
  /** The largest JSON batch, in bytes (16 MiB); an NDJSON batch has no total limit. */
  batchBodyLimit?: number;
  /** Milliseconds to receive a whole request (120 s; an NDJSON upload must fit in it). */
  requestTimeout?: number;
  /** Milliseconds a socket may stay idle before it is closed (60 s). */
  connectionTimeout?: number;
  /** Milliseconds an idle keep-alive connection is kept (5 s). */
  keepAliveTimeout?: number;
}

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** buildApp assembles the service around a loaded Rater; it does not listen. */
export function buildApp(options: AppOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const app = Fastify({
    logger: loggerOptions(options.logger),
    // One log line per request, written by useRequestLog, instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId,
    requestIdHeader: false,
    bodyLimit,
    requestTimeout: options.requestTimeout ?? 120_000,
    connectionTimeout: options.connectionTimeout ?? 60_000,
    keepAliveTimeout: options.keepAliveTimeout ?? 5_000,
    return503OnClosing: true,
    // Idle keep-alive connections are closed at shutdown; requests in flight finish.
    forceCloseConnections: 'idle',
  });

  // One validator for the whole service: the same ajv setup as the CLI (no coercion, no defaults,
  // no removal of unknown keys), holding every shared schema.
  const ajv = createAjv();
  for (const schema of sharedSchemas()) {
    ajv.addSchema(schema);
    app.addSchema(schema);
  }
  app.setValidatorCompiler(({ schema }) => ajv.compile(schema));

  useRequestLog(app);
  useJsonBodies(app);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => sendError(reply, { error: 'not-found', message: `no route ${request.method} ${request.url.split('?')[0]}` }));

  describeApi(app, version);
  const { rater } = options;
  app.register(healthRoutes, { rater });
  app.register(rulesetRoutes, { rater });
  app.register(evaluateRoutes, { rater });
  app.register(batchRoutes, { rater, bodyLimit: options.batchBodyLimit ?? 16 * 1024 * 1024, lineLimit: bodyLimit });
  app.register(docsRoutes);
  return app;
}
