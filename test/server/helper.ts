// Test helper for the service: loads the Rater once per test file and builds apps around it.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { rulesetsDir, wasmPath } from '../../src/build/paths.js';
import { Rater } from '../../src/rating/rater.js';
import { buildApp, type AppOptions } from '../../src/server/app.js';

export const examples = ['clean-bank', 'typical-bank', 'zero-score-bank', 'newly-connected'] as const;

/** example reads one of examples/*.json as a fresh object. */
export function example(name: (typeof examples)[number]): Record<string, any> {
  return JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8'));
}

/** exampleText is an example as one line of JSON (an NDJSON line). */
export function exampleLine(name: (typeof examples)[number]): string {
  return JSON.stringify(example(name));
}

/** useRater loads the Rater in beforeAll; read `.rater` inside tests. */
export function useRater(): { rater: Rater } {
  const holder = {} as { rater: Rater };
  beforeAll(async () => {
    holder.rater = await Rater.load(rulesetsDir, wasmPath);
  });
  return holder;
}

/** useApp loads the Rater and builds one app for the whole file (closed in afterAll). */
export function useApp(options: Omit<AppOptions, 'rater'> = {}): { rater: Rater; app: FastifyInstance } {
  const holder = {} as { rater: Rater; app: FastifyInstance };
  beforeAll(async () => {
    holder.rater = await Rater.load(rulesetsDir, wasmPath);
    holder.app = buildApp({ ...options, rater: holder.rater });
    await holder.app.ready();
  });
  afterAll(async () => {
    await holder.app?.close();
  });
  return holder;
}
