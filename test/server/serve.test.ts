import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onSignals, serve, type Serving } from '../../src/server/serve.js';
import { bearer, example, exampleLine, testKeys, useRater } from './helper.js';

const ctx = useRater();

/** get makes a request on a fresh connection (no keep-alive pool), resolving to its status or the connection error. */
function get(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

describe('the real server on a loopback port', () => {
  let serving: Serving;
  beforeAll(async () => {
    serving = await serve({ rater: ctx.rater, keys: testKeys, pressure: false, port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await serving.shutdown();
  });

  it('listens on a free port and answers over HTTP', async () => {
    expect(serving.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${serving.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const res = await fetch(`${serving.url}/v1/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer() },
      body: JSON.stringify(example('typical-bank')),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(await res.json()).toMatchObject({ score: 82, grade: 'B' });

    const bad = await fetch(`${serving.url}/v1/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer() },
      body: '{"year":',
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe('malformed-json');
  });
});

describe('graceful shutdown', () => {
  it('lets a request in flight finish and refuses new ones', async () => {
    const serving = await serve({ rater: ctx.rater, keys: testKeys, pressure: false, port: 0, host: '127.0.0.1' });
    // An NDJSON batch stays in flight for as long as its client keeps sending.
    const req = request(`${serving.url}/v1/evaluate/batch`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/x-ndjson', ...bearer() },
    });
    const chunks: string[] = [];
    const firstLine = new Promise<void>((resolve) => {
      req.on('response', (res) => {
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          chunks.push(c);
          if (chunks.join('').includes('\n')) resolve();
        });
      });
    });
    const finished = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => res.on('end', () => resolve({ status: res.statusCode!, body: chunks.join('') })));
      req.on('error', reject);
    });
    req.write(`${exampleLine('clean-bank')}\n`);
    await firstLine; // the first entry is answered while the request is still open: it streams

    const closing = serving.shutdown('test');
    while (serving.app.server.listening) await new Promise((r) => setTimeout(r, 5));
    expect(await get(`${serving.url}/healthz`)).toBe('ECONNREFUSED');

    req.end(`${exampleLine('typical-bank')}\n`);
    const { status, body } = await finished;
    expect(status).toBe(200);
    const entries = body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entries.map((e) => [e.line, e.result.grade])).toEqual([
      [1, 'A'],
      [2, 'B'],
    ]);
    await closing;
    expect(serving.shutdown()).toBe(closing);
  });

  it('shuts down on SIGTERM and exits 0; a second signal exits 1 at once', async () => {
    const serving = await serve({ rater: ctx.rater, keys: testKeys, pressure: false, port: 0, host: '127.0.0.1' });
    const codes: number[] = [];
    let exited!: () => void;
    const done = new Promise<void>((r) => (exited = r));
    const off = onSignals(serving, (code) => {
      codes.push(code);
      if (code === 0) exited();
    });
    try {
      process.emit('SIGTERM');
      process.emit('SIGINT');
      await done;
      expect(codes).toEqual([1, 0]);
      expect(serving.app.server.listening).toBe(false);
    } finally {
      off();
    }
  });
});
