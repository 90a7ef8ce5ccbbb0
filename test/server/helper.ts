// Test helper for the service: loads the Rater (and obligations) once per test file and builds apps
// around them with test keys; `inject` on those apps sends the all-scopes key unless a test gives its own.
import { readFileSync } from 'node:fs';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { rulesetsDir, wasmPath } from '../../src/artifacts/artifacts.js';
import { ObligationService } from '../../src/obligations/service.js';
import { Rater } from '../../src/rating/rater.js';
import { hashSecret, type ApiKey, type Scope } from '../../src/security/api-keys.js';
import { buildApp, type AppOptions } from '../../src/server/app.js';

export const examples = ['clean-bank', 'typical-bank', 'zero-score-bank', 'newly-connected'] as const;

/** example reads one of examples/*.json as a fresh object. */
// biome-ignore lint/suspicious/noExplicitAny: tests reach into and mutate the example documents at any depth
export function example(name: (typeof examples)[number]): Record<string, any> {
  return JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8'));
}

/** exampleText is an example as one line of JSON (an NDJSON line). */
export function exampleLine(name: (typeof examples)[number]): string {
  return JSON.stringify(example(name));
}

/** secrets: the test keys' secrets, by holder; `ops` has every scope. */
export const secrets = {
  ops: 'cpk_test-ops-every-scope',
  rater: 'cpk_test-rater-evaluate-only',
  reader: 'cpk_test-reader-read-only',
  admin: 'cpk_test-admin-only',
} as const;

const scopesOf: Record<keyof typeof secrets, Scope[]> = {
  ops: ['evaluate', 'read', 'admin'],
  rater: ['evaluate'],
  reader: ['read'],
  admin: ['admin'],
};

/** testKeys: one key per holder, stored as the service stores them (digests only). */
export const testKeys: ApiKey[] = Object.entries(secrets).map(([name, secret]) => ({
  name,
  hash: hashSecret(secret),
  scopes: scopesOf[name as keyof typeof secrets],
}));

/** bearer is the Authorization header of a holder's key. */
export function bearer(holder: keyof typeof secrets = 'ops'): Record<string, string> {
  return { authorization: `Bearer ${secrets[holder]}` };
}

type Inject = (o: InjectOptions) => ReturnType<FastifyInstance['inject']>;
const keyless = new WeakMap<FastifyInstance, Inject>();

/** anonymous is `inject` without the key withAuth adds: a request as a caller without a key sends it. */
export function anonymous(app: FastifyInstance): Inject {
  return keyless.get(app) ?? (app.inject.bind(app) as Inject);
}

/** withAuth makes `app.inject` send the all-scopes key when a request carries no key of its own. */
export function withAuth(app: FastifyInstance): FastifyInstance {
  const inject = app.inject.bind(app) as Inject;
  keyless.set(app, inject);
  app.inject = ((opts: InjectOptions | string) => {
    const o = typeof opts === 'string' ? { url: opts } : opts;
    const headers = (o.headers ?? {}) as Record<string, string>;
    const carries = Object.keys(headers).some((h) => ['authorization', 'x-api-key'].includes(h.toLowerCase()));
    return inject({ ...o, headers: carries ? headers : { ...headers, ...bearer() } });
  }) as FastifyInstance['inject'];
  return app;
}

export type TestAppOptions = Omit<AppOptions, 'keys'> & { keys?: AppOptions['keys'] };

/**
 * testApp builds an app with the test keys whose inject sends a key. Rate limits and load shedding are
 * off unless a test asks for them: test files run in parallel, and their event-loop delays are not load.
 */
export function testApp(options: TestAppOptions): FastifyInstance {
  return withAuth(buildApp({ rateLimit: false, pressure: false, ...options, keys: options.keys ?? testKeys }));
}

/** useRater loads the Rater in beforeAll; read `.rater` inside tests. */
export function useRater(): { rater: Rater } {
  const holder = {} as { rater: Rater };
  beforeAll(async () => {
    holder.rater = await Rater.load(rulesetsDir, wasmPath);
  });
  return holder;
}

/** useApp loads the Rater and the obligations and builds one app for the whole file (closed in afterAll). */
export function useApp(options: Omit<TestAppOptions, 'rater'> = {}): {
  rater: Rater;
  obligations: ObligationService;
  app: FastifyInstance;
} {
  const holder = {} as { rater: Rater; obligations: ObligationService; app: FastifyInstance };
  beforeAll(async () => {
    holder.rater = await Rater.load(rulesetsDir, wasmPath);
    holder.obligations = await ObligationService.load();
    holder.app = testApp({ obligations: holder.obligations, ...options, rater: holder.rater });
    await holder.app.ready();
  });
  afterAll(async () => {
    await holder.app?.close();
  });
  return holder;
}
