// Limits and overload: per-key rate limits (429 + Retry-After), batches bounded in elements (413),
// a time bound on each request's evaluation work (503 + Retry-After, never a hung request), and load
// shed with 503 + Retry-After when requests in flight or the event-loop delay pass their bounds.
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { AppendOptions, DecisionLog } from '../../src/audit/log.js';
import { hashSecret } from '../../src/security/api-keys.js';
import { serve } from '../../src/server/serve.js';
import { bearer, example, exampleLine, secrets, testApp, testKeys, useApp } from './helper.js';

const ctx = useApp();

const lines = (body: string) =>
  body
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

/** stuckLog: a decision log whose earlier write never finishes (a hung disk): new appends wait in its queue until withdrawn. */
const queued = <T>(options?: AppendOptions) =>
  new Promise<T>((_, reject) => {
    options?.signal?.addEventListener('abort', () => reject(options.signal!.reason));
    const until = options?.until;
    if (until) setTimeout(() => reject(until.reason()), Math.max(0, until.at - performance.now())).unref();
  });
const stuckLog = (): DecisionLog => ({
  path: 'stuck',
  append: (_d, options) => queued(options),
  appendAll: (_d, options) => queued(options),
  checkpoint: async () => undefined,
  status: () => ({ path: 'stuck', seq: 0, head: '', checkpointed: 0, keyId: '' }),
  close: async () => undefined,
});

describe('rate limits per key', () => {
  it('answers 429 with Retry-After past the limit, for that key only, and honours a key’s own limit', async () => {
    const keys = [
      ...testKeys,
      { name: 'slow-client', hash: hashSecret('cpk_slow'), scopes: ['read' as const], rateLimit: 1 },
    ];
    const app = testApp({ rater: ctx.rater, keys, rateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const get = (headers: Record<string, string>) => app.inject({ url: '/v1/rulesets', headers });
      for (let i = 0; i < 3; i++) expect((await get(bearer('reader'))).statusCode).toBe(200);
      const limited = await get(bearer('reader'));
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.json()).toMatchObject({
        error: 'rate-limited',
        message: expect.stringMatching(/^the key "reader" may make 3 requests per 60 s; retry in/),
      });
      // Another key is counted on its own; health is never counted.
      expect((await get(bearer('ops'))).statusCode).toBe(200);
      for (let i = 0; i < 5; i++) expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
      // A key's own limit wins over the service's.
      expect((await get({ 'x-api-key': 'cpk_slow' })).statusCode).toBe(200);
      expect((await get({ 'x-api-key': 'cpk_slow' })).statusCode).toBe(429);
    } finally {
      await app.close();
    }
  });
});

describe('batch size', () => {
  it('refuses a JSON array over the element bound with 413 before rating any of it', async () => {
    const app = testApp({ rater: ctx.rater, batchMaxElements: 3 });
    try {
      expect(
        (await app.inject({ method: 'POST', url: '/v1/evaluate/batch', payload: Array(3).fill(example('clean-bank')) }))
          .statusCode,
      ).toBe(200);
      const res = await app.inject({
        method: 'POST',
        url: '/v1/evaluate/batch',
        payload: Array(4).fill(example('clean-bank')),
      });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ error: 'batch-too-large', problems: [{ path: '/3' }] });
      expect(res.json().message).toContain('at most 3');
    } finally {
      await app.close();
    }
  });

  it('ends an NDJSON stream past the bound with one batch-too-large entry, and lets the client finish sending', async () => {
    const serving = await serve({
      rater: ctx.rater,
      keys: testKeys,
      pressure: false,
      port: 0,
      host: '127.0.0.1',
      batchMaxElements: 3,
    });
    try {
      // Far more than the bound, and more than socket buffers hold: the rest must be read and dropped.
      const body = Array.from({ length: 3000 }, () => exampleLine('clean-bank')).join('\n');
      const res = await fetch(`${serving.url}/v1/evaluate/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', ...bearer() },
        body,
      });
      expect(res.status).toBe(200);
      const entries = lines(await res.text());
      expect(entries.map((e) => [e.line, e.ok])).toEqual([
        [1, true],
        [2, true],
        [3, true],
        [4, false],
      ]);
      expect(entries[3]).toMatchObject({ status: 413, error: 'batch-too-large' });
      // The connection is still good for the next request.
      expect((await fetch(`${serving.url}/healthz`)).status).toBe(200);
    } finally {
      await serving.shutdown();
    }
  });
});

describe('time bound of a request', () => {
  it('answers 503 timeout with Retry-After when the decision log does not confirm in time, for one input and a batch', async () => {
    const app = testApp({ rater: ctx.rater, decisionLog: stuckLog(), evaluationTimeout: 150 });
    try {
      const started = performance.now();
      const one = await app.inject({ method: 'POST', url: '/v1/evaluate', payload: example('typical-bank') });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(one.statusCode).toBe(503);
      expect(one.headers['retry-after']).toBe('5');
      expect(one.json()).toEqual({
        error: 'timeout',
        message:
          'recording the rating in the decision log took longer than 150 ms, the bound of one request; nothing of it was answered',
      });
      const batch = await app.inject({
        method: 'POST',
        url: '/v1/evaluate/batch',
        payload: [example('clean-bank'), example('typical-bank')],
      });
      expect(batch.statusCode).toBe(503);
      expect(batch.json().error).toBe('timeout');
      const nd = await app.inject({
        method: 'POST',
        url: '/v1/evaluate/batch',
        payload: `${exampleLine('clean-bank')}\n`,
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(lines(nd.body)).toEqual([expect.objectContaining({ ok: false, line: 1, status: 503, error: 'timeout' })]);
      // A refused input is answered at once: nothing is written for it.
      expect((await app.inject({ method: 'POST', url: '/v1/evaluate', payload: { year: 'x' } })).statusCode).toBe(400);
    } finally {
      await app.close();
    }
  });

  it('stops a JSON batch between elements once its time is up', async () => {
    const app = testApp({ rater: ctx.rater, evaluationTimeout: 1 });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/evaluate/batch',
        payload: Array(200).fill(example('typical-bank')),
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().message).toMatch(/^the batch of 200 elements took longer than 1 ms/);
    } finally {
      await app.close();
    }
  });

  it('answers 503 when the decision log fails, and never a rating it could not record', async () => {
    const failing: DecisionLog = {
      ...stuckLog(),
      append: async () => Promise.reject(new Error('ENOSPC: no space left on device')),
    };
    const app = testApp({ rater: ctx.rater, decisionLog: failing });
    try {
      const res = await app.inject({ method: 'POST', url: '/v1/evaluate', payload: example('typical-bank') });
      expect(res.statusCode).toBe(503);
      expect(res.json().error).toBe('decision-log-unavailable');
      expect(res.body).not.toContain('score');
    } finally {
      await app.close();
    }
  });
});

describe('load shedding', () => {
  it('sheds requests past the in-flight bound with 503 and Retry-After, and still answers /healthz', async () => {
    const serving = await serve({
      rater: ctx.rater,
      keys: testKeys,
      port: 0,
      host: '127.0.0.1',
      pressure: { maxInFlight: 1, maxEventLoopDelay: 0, retryAfter: 7 },
    });
    try {
      // An NDJSON upload holds its slot for as long as its client keeps sending.
      const held = request(`${serving.url}/v1/evaluate/batch`, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/x-ndjson', ...bearer() },
      });
      const done = new Promise<number>((resolve, reject) => {
        held.on('response', (r) => {
          r.resume();
          r.on('end', () => resolve(r.statusCode!));
        });
        held.on('error', reject);
      });
      held.write(`${exampleLine('clean-bank')}\n`);
      await new Promise((r) => setTimeout(r, 200));
      const shed = await fetch(`${serving.url}/v1/rulesets`, { headers: bearer() });
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('7');
      expect(await shed.json()).toMatchObject({ error: 'overloaded' });
      expect((await fetch(`${serving.url}/healthz`)).status).toBe(200);
      held.end();
      expect(await done).toBe(200);
      expect((await fetch(`${serving.url}/v1/rulesets`, { headers: bearer() })).status).toBe(200);
    } finally {
      await serving.shutdown();
    }
  });

  it('sheds with 503 and Retry-After while the event loop lags past its bound', async () => {
    const app = testApp({ rater: ctx.rater, pressure: { maxEventLoopDelay: 50, maxInFlight: 0, retryAfter: 3 } });
    try {
      await app.ready();
      const until = Date.now() + 1200;
      while (Date.now() < until); // a blocked event loop, as under a flood of work
      // The lag is seen at the sampler's next tick (every 500 ms), which may run before or after the
      // delay is recorded; it is then acted on until the tick after. Ask until it is, for two ticks at most.
      const ask = () => app.inject({ url: '/v1/rulesets', headers: { authorization: `Bearer ${secrets.reader}` } });
      let res = await ask();
      for (const giveUp = Date.now() + 1100; res.statusCode !== 503 && Date.now() < giveUp; res = await ask())
        await new Promise((r) => setTimeout(r, 20));
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('3');
      expect(res.json()).toMatchObject({ error: 'overloaded' });
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
