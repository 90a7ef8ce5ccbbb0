// Service: listening and shutting down. Shutdown refuses new requests (503 from fastify, new
// connections refused), lets the requests in flight finish, and after a grace period cuts the rest.
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app.js';

export interface ServeOptions extends AppOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** Milliseconds the requests in flight get to finish at shutdown before their connections are cut (10 s). */
  graceMs?: number;
}

/** Serving: a listening app, where it listens, and how to stop it. */
export interface Serving {
  app: FastifyInstance;
  url: string;
  /** shutdown closes the app gracefully; calling it again returns the same promise. */
  shutdown(reason?: string): Promise<void>;
}

/** serve builds the app and listens. */
export async function serve(options: ServeOptions): Promise<Serving> {
  const app = buildApp(options);
  const url = await app.listen({ port: options.port, host: options.host });
  let closing: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown requested') => {
    closing ??= (async () => {
      app.log.info({ reason }, 'shutting down: finishing requests in flight, refusing new ones');
      const cut = setTimeout(() => {
        app.log.warn('grace period over: closing the remaining connections');
        app.server.closeAllConnections();
      }, options.graceMs ?? 10_000);
      cut.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(cut);
      }
      app.log.info('shut down');
    })();
    return closing;
  };
  return { app, url, shutdown };
}

/** onSignals shuts down on SIGTERM or SIGINT and exits; a second signal exits at once. Returns a function removing the handlers. */
export function onSignals(serving: Serving, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  let received = false;
  const handle = (signal: NodeJS.Signals) => {
    if (received) return exit(1);
    received = true;
    serving.shutdown(signal).then(
      () => exit(0),
      (err: unknown) => {
        serving.app.log.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
  return () => {
    process.off('SIGTERM', handle);
    process.off('SIGINT', handle);
  };
}
