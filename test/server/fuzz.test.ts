// The HTTP layer under arbitrary input (fast-check): any JSON body, any text, any NDJSON, any header,
// path and method, with or without a key. The service must answer every one with a clear status:
// 2xx, or 4xx with `{ error, message }` and a declared code; never a 500, never a crash.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { errorCodes } from '../../src/server/http/schemas.js';
import { ratedInput } from '../rating/arbitraries.js';
import { anonymous, example, secrets, useApp } from './helper.js';

const ctx = useApp({ batchMaxElements: 20 });

/** FUZZ_SCALE multiplies the number of runs (1 in the suite; raise it for a longer hunt). */
const scale = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => ({ numRuns: Math.round(n * scale) });

const tally: Record<string, Record<number, number>> = {};
const count = (property: string, status: number) => {
  tally[property] ??= {};
  tally[property][status] = (tally[property][status] ?? 0) + 1;
};
afterAll(() => {
  for (const [property, statuses] of Object.entries(tally)) {
    const total = Object.values(statuses).reduce((a, b) => a + b, 0);
    console.log(`fuzz ${property}: ${total} requests, statuses ${JSON.stringify(statuses)}`);
  }
});

/** clear: a status below 500, and for a refusal the service's error body with a declared code. */
function assertClear(res: { statusCode: number; headers: Record<string, unknown>; body: string }, what: unknown): void {
  // A body must never plant a key on Object.prototype (prototype pollution): a full run once saw every
  // later object carry a fuzzed key. The key is removed again so fast-check can shrink to the culprit.
  const planted = Object.keys(Object.prototype);
  if (planted.length) {
    for (const k of planted) delete (Object.prototype as Record<string, unknown>)[k];
    throw new Error(`Object.prototype polluted with ${planted.join(', ')} by ${JSON.stringify(what).slice(0, 400)}`);
  }
  if (res.statusCode >= 500)
    throw new Error(`${res.statusCode} for ${JSON.stringify(what).slice(0, 400)}: ${res.body.slice(0, 400)}`);
  if (res.statusCode < 400) return;
  const body = JSON.parse(res.body) as { error: keyof typeof errorCodes; message: string };
  if (!(body.error in errorCodes) || typeof body.message !== 'string' || body.message === '')
    throw new Error(`unclear refusal ${res.body.slice(0, 300)} for ${JSON.stringify(what).slice(0, 300)}`);
  // Where an error code is answered, it is answered with its own status (fastify's own 4xx keep theirs).
  if (body.error !== 'bad-request' && errorCodes[body.error].status !== res.statusCode)
    throw new Error(`${body.error} answered with ${res.statusCode}`);
}

/**
 * nearValid: an example with one value somewhere replaced by anything. fast-check draws keys such as
 * `__proto__` and `constructor` on purpose, so the path is walked by own keys and written as own data
 * properties: `at[k] = v` would climb into Object.prototype and pollute this very process (which is
 * what a full run once saw). Written as own keys, they reach the service, which must refuse them.
 */
const nearValid = fc
  .tuple(
    fc.constantFrom('clean-bank', 'typical-bank', 'zero-score-bank', 'newly-connected'),
    fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 3 }),
    fc.jsonValue({ maxDepth: 3 }),
  )
  .map(([name, path, value]) => {
    const input = example(name as 'clean-bank');
    const keys = ['findings', '1.1', ...path];
    const pick = path.length % 3 === 0 ? path : path.length % 3 === 1 ? ['institution', ...path] : keys;
    setOwn(input, pick, value);
    return input;
  });

/** setOwn writes value at path through own properties only, making objects where the path has none. */
function setOwn(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const own = (o: Record<string, unknown>, k: string, v: unknown) =>
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  let at = root;
  for (const k of path.slice(0, -1)) {
    const next = Object.hasOwn(at, k) ? at[k] : undefined;
    if (next === null || typeof next !== 'object') own(at, k, {});
    at = at[k] as Record<string, unknown>;
  }
  own(at, path[path.length - 1], value);
}

// The example plans of annex 4 inspections, valid as given, for POST /v1/inspections/status.
const inspectionPlans = ['2024-mou-sheng.yaml', '2025-mou-sheng.yaml'].map((f) =>
  parse(readFileSync(`examples/inspections/${f}`, 'utf8')),
);

const anyBody = fc.oneof(fc.jsonValue({ maxDepth: 4 }), nearValid, fc.array(nearValid, { maxLength: 25 }));

describe('arbitrary bodies', () => {
  it.each(['/v1/evaluate', '/v1/evaluate/batch', '/v1/obligations/due', '/v1/inspections/status'])(
    'POST %s answers any JSON document clearly',
    async (url) => {
      // Valid inputs too, so that the answers the service rates are among those checked.
      const valid =
        url === '/v1/inspections/status'
          ? fc.record({
              plans: fc.constantFrom(inspectionPlans, inspectionPlans.slice(1), [{ ...inspectionPlans[0], year: 'x' }]),
              asOf: fc.constantFrom('2025-11-20', '2024-02-30', '2027-01-04', '2023-06-01'),
            })
          : url === '/v1/obligations/due'
            ? fc.record(
                {
                  obligation: fc.constantFrom(
                    'monthly-security-report',
                    'quarterly-self-inspection-report',
                    'rating-self-assessment',
                    'security-event-report',
                    'idle-user-lock',
                    'no-such-thing',
                  ),
                  start: fc.oneof(
                    fc.integer({ min: 1, max: 12 }).map((m) => `2024-${String(m).padStart(2, '0')}`),
                    fc.constantFrom('2024', '2025', '2024-06-03', '2027-01-01', '2024-13'),
                  ),
                  reporter: fc.constantFrom('national', 'local', 'branch', 'pboc', 'pboc-branch'),
                  submitted: fc.constantFrom('2024-02-19', '2025-01-10', 'yesterday'),
                },
                { requiredKeys: ['obligation', 'start', 'reporter'] },
              )
            : ratedInput(ctx.rater.registry.rulesets[0]);
      const bodies = fc.oneof(anyBody, valid, fc.array(valid, { maxLength: 5 }));
      await fc.assert(
        fc.asyncProperty(bodies, async (body) => {
          const res = await ctx.app.inject({
            method: 'POST',
            url,
            payload: JSON.stringify(body),
            headers: { 'content-type': 'application/json' },
          });
          count(`JSON ${url}`, res.statusCode);
          assertClear(res, body);
        }),
        runs(250),
      );
    },
  );

  it('POST /v1/evaluate answers any text clearly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.json().map((j) => j.slice(0, Math.max(1, j.length - 1))),
        ),
        async (text) => {
          const res = await ctx.app.inject({
            method: 'POST',
            url: '/v1/evaluate',
            payload: text,
            headers: { 'content-type': 'application/json' },
          });
          count('text /v1/evaluate', res.statusCode);
          assertClear(res, text);
        },
      ),
      runs(250),
    );
  });

  it('POST /v1/evaluate refuses any name or region that is not plain text, and never answers 500', async () => {
    // Any code points, lone surrogates included (JSON.stringify escapes them as \\udXXX).
    const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(text, fc.boolean(), async (value, inRegion) => {
        const input = example('typical-bank');
        if (inRegion) input.institution.region = value;
        else input.institution.name = value;
        const res = await ctx.app.inject({
          method: 'POST',
          url: '/v1/evaluate',
          payload: JSON.stringify(input),
          headers: { 'content-type': 'application/json' },
        });
        count('names /v1/evaluate', res.statusCode);
        assertClear(res, value);
        const plain = !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u.test(value) && !/^\s|\s$/u.test(value);
        if (!plain) expect(res.statusCode).toBe(400);
      }),
      runs(250),
    );
  });

  it('POST /v1/evaluate/batch answers any NDJSON with one clear entry per line', async () => {
    const line = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      nearValid.map((v) => JSON.stringify(v)),
      fc.string({ unit: 'binary', maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, '')),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 30 }), async (lines) => {
        const res = await ctx.app.inject({
          method: 'POST',
          url: '/v1/evaluate/batch',
          payload: lines.join('\n'),
          headers: { 'content-type': 'application/x-ndjson' },
        });
        count('NDJSON /v1/evaluate/batch', res.statusCode);
        assertClear(res, lines);
        for (const entry of res.body
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { ok: boolean; status?: number; error?: string }))
          if (!entry.ok && (entry.status! >= 500 || !(entry.error! in errorCodes)))
            throw new Error(`entry ${JSON.stringify(entry)}`);
      }),
      runs(150),
    );
  });
});

const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;
const knownPaths = [
  '/healthz',
  '/readyz',
  '/openapi.json',
  '/docs',
  '/v1/evaluate',
  '/v1/evaluate/batch',
  '/v1/rulesets',
  '/v1/rulesets/yinfa-2018-102',
  '/v1/diff',
  '/v1/status',
  '/v1/admin/reload',
  '/v1/obligations/calendar',
  '/v1/obligations/due',
  '/v1/inspections/status',
];
const path = fc.oneof(
  fc.constantFrom(...knownPaths),
  fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
  fc.tuple(fc.constantFrom(...knownPaths), fc.webQueryParameters()).map(([p, q]) => `${p}?${q}`),
  fc
    .tuple(fc.constantFrom('/v1/rulesets/', '/v1/diff?from=', '/docs/static/'), fc.string({ maxLength: 40 }))
    .map(([p, s]) => p + encodeURIComponent(s)),
);
const token = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,20}$/)
  .filter((h) => !['content-length', 'transfer-encoding', 'host', 'connection', 'expect', 'upgrade'].includes(h));
const value = fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, '').trim());
const auth = fc.oneof(
  fc.constant({}),
  fc.constant({ authorization: `Bearer ${secrets.ops}` }),
  fc.constantFrom(...Object.values(secrets)).map((s) => ({ 'x-api-key': s })),
  value.map((v) => ({ authorization: v })),
  value.map((v) => ({ authorization: `Bearer ${v}` })),
  value.map((v) => ({ 'x-api-key': v })),
);
const headers = fc
  .tuple(
    fc.dictionary(token, value, { maxKeys: 6 }),
    auth,
    fc.option(
      fc.constantFrom(
        'application/json',
        'application/x-ndjson',
        'text/plain',
        'application/json; charset=latin1',
        'multipart/form-data',
        '*/*',
        '',
      ),
    ),
  )
  .map(([h, a, ct]) => ({
    ...h,
    ...a,
    ...(ct !== null ? { 'content-type': ct } : {}),
  }));

describe('arbitrary requests', () => {
  it('answers any method, path, header and body clearly, with or without a key', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...methods), path, headers, fc.option(anyBody), async (method, url, h, body) => {
        const withBody = body !== null && method !== 'GET' && method !== 'HEAD';
        const res = await anonymous(ctx.app)({
          method,
          url,
          headers: h,
          ...(withBody ? { payload: JSON.stringify(body) } : {}),
        });
        count('method/path/headers', res.statusCode);
        if (method === 'HEAD') {
          if (res.statusCode >= 500) throw new Error(`HEAD ${url}: ${res.statusCode}`);
          return;
        }
        // The docs' static files and the page are not error bodies.
        if (res.statusCode < 400 || !url.startsWith('/docs')) assertClear(res, { method, url, h, body });
        else if (res.statusCode >= 500) throw new Error(`${method} ${url}: ${res.statusCode}`);
      }),
      runs(600),
    );
  });
});

describe('the service after the fuzzing', () => {
  it('still rates correctly', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/evaluate', payload: example('typical-bank') });
    expect(res.json()).toMatchObject({ score: 82, grade: 'B' });
  });
});
