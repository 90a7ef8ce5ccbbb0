// Issue 14, probes 1, 2 and 7 (Node's own refusals): no caller can starve the others. A real server on
// loopback, raw sockets for the slow and oversized uploads; bounds are generous for a loaded 2-core
// machine, and the figures seen are printed (docs/operations.md keeps them).
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Serving } from '../../../src/server/serve.js';
import { exampleLine, secrets, testKeys, useRater } from '../helper.js';

const ctx = useRater();
const body = exampleLine('typical-bank');

async function startServer(extra: Record<string, unknown> = {}): Promise<Serving & { port: number }> {
  const serving = await serve({
    rater: ctx.rater,
    keys: testKeys,
    port: 0,
    host: '127.0.0.1',
    rateLimit: false,
    // Only the counts in flight: event-loop delay on a shared test machine is not this test's load.
    pressure: { maxEventLoopDelay: 0 },
    graceMs: 500,
    ...extra,
  });
  return { ...serving, port: Number(new URL(serving.url).port) };
}

/** raw opens a socket, writes `head`, and collects what comes back. */
function raw(port: number, head: string | Buffer): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (c: string) => {
    text += c;
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  socket.write(head);
  return { socket, received: () => text, closed };
}

function uploadHead(key: string, length: number, url = '/v1/evaluate'): string {
  return `POST ${url} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await work();
  return { ms: performance.now() - t, value };
}

const until = async (what: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('fair share (probe 1)', () => {
  let s: Serving & { port: number };
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    s.app.server.closeAllConnections();
    await s.shutdown();
  });

  it('while 260 slow uploads hold one key, another key is answered at once and /readyz too', async () => {
    const slow = Array.from({ length: 260 }, () => raw(s.port, `${uploadHead(secrets.rater, 100_000)}{`));
    try {
      // The key's share (32) is held; the other 228 are refused with 429 before their bodies are read.
      await until(() => slow.filter((u) => u.received().startsWith('HTTP/1.1 429')).length >= 228, 30_000);
      const refused = slow.filter((u) => u.received().startsWith('HTTP/1.1 429'));
      expect(refused).toHaveLength(228);
      expect(refused[0].received()).toContain('"error":"rate-limited"');
      expect(refused[0].received()).toContain('has 32 requests in flight');

      const evaluate = () =>
        fetch(`${s.url}/v1/evaluate`, {
          method: 'POST',
          headers: { authorization: `Bearer ${secrets.ops}`, 'content-type': 'application/json' },
          body,
        });
      await evaluate(); // the connection and the first-call costs
      const evaluations = [];
      const readies = [];
      for (let i = 0; i < 5; i++) {
        const e = await timed(evaluate);
        expect(e.value.status).toBe(200);
        evaluations.push(e.ms);
        const r = await timed(() => fetch(`${s.url}/readyz`));
        expect(r.value.status).toBe(200);
        readies.push(r.ms);
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      console.log(
        `fair share: evaluate ${median(evaluations).toFixed(1)} ms median (max ${Math.max(...evaluations).toFixed(1)}), /readyz ${median(readies).toFixed(1)} ms median (max ${Math.max(...readies).toFixed(1)}) while 32 slow uploads are held and 228 refused`,
      );
      // Targets: 100 ms and 50 ms; asserted with room for a loaded machine.
      expect(median(evaluations)).toBeLessThan(1000);
      expect(median(readies)).toBeLessThan(500);
    } finally {
      for (const u of slow) u.socket.destroy();
    }
  }, 60_000);
});

describe('the body deadline (probe 1)', () => {
  it('cuts a body still arriving at REQUEST_TIMEOUT_MS, within a second or two, with a 408 body', async () => {
    const s = await startServer({ requestTimeout: 1500 });
    const u = raw(s.port, `${uploadHead(secrets.ops, 100_000)}{`);
    const drip = setInterval(() => u.socket.write(' '), 200);
    try {
      const { ms } = await timed(() => u.closed);
      console.log(`body deadline: REQUEST_TIMEOUT_MS=1500 cut the upload after ${ms.toFixed(0)} ms`);
      expect(ms).toBeGreaterThan(1400);
      expect(ms).toBeLessThan(3500);
      expect(u.received()).toMatch(/^HTTP\/1\.1 408/);
      expect(u.received()).toContain('"error":"request-timeout"');
      expect(u.received()).toContain('did not arrive within 1500 ms');
    } finally {
      clearInterval(drip);
      u.socket.destroy();
      await s.shutdown();
    }
  }, 20_000);
});

describe('the request deadline on an NDJSON upload (probe 1)', () => {
  it('cuts an NDJSON stream still arriving at REQUEST_TIMEOUT_MS within a second or two', async () => {
    const s = await startServer({ requestTimeout: 1500 });
    const head = `POST /v1/evaluate/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${secrets.ops}\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const u = raw(s.port, head);
    const line = `${body}\n`;
    const chunk = `${Buffer.byteLength(line).toString(16)}\r\n${line}\r\n`;
    const drip = setInterval(() => u.socket.write(chunk), 200);
    try {
      const { ms } = await timed(() => u.closed);
      console.log(`NDJSON deadline: REQUEST_TIMEOUT_MS=1500 cut the stream after ${ms.toFixed(0)} ms`);
      expect(ms).toBeGreaterThan(1400);
      expect(ms).toBeLessThan(4000);
      // The answer had begun (one entry per line so far); it is cut, not followed by a second answer.
      expect(u.received()).toMatch(/^HTTP\/1\.1 200/);
      expect(u.received()).not.toContain('HTTP/1.1 408');
    } finally {
      clearInterval(drip);
      u.socket.destroy();
      await s.shutdown();
    }
  }, 20_000);
});

describe('batch bodies counted while they stream (probe 2)', () => {
  it('refuses 8 concurrent 15 MB [[],[],…] bodies after their first elements; memory and others unharmed', async () => {
    const s = await startServer();
    // `[` + 5M × `[],` with the last comma turned into `]`: 15 MB, one top-level array of 5M arrays.
    const n = 5_000_000;
    const big = Buffer.alloc(1 + n * 3);
    big.write('[', 0);
    for (let i = 0; i < n; i++) big.write(i === n - 1 ? '[]]' : '[],', 1 + i * 3);
    try {
      globalThis.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 10);
      const uploads = Array.from({ length: 8 }, () => {
        const u = raw(s.port, uploadHead(secrets.ops, big.length, '/v1/evaluate/batch'));
        u.socket.write(big);
        return u;
      });
      const latencies: number[] = [];
      const evaluating = (async () => {
        for (let i = 0; i < 10; i++) {
          const e = await timed(() =>
            fetch(`${s.url}/v1/evaluate`, {
              method: 'POST',
              headers: { authorization: `Bearer ${secrets.rater}`, 'content-type': 'application/json' },
              body,
            }),
          );
          expect(e.value.status).toBe(200);
          latencies.push(e.ms);
        }
      })();
      await Promise.all(uploads.map((u) => u.closed));
      await evaluating;
      clearInterval(sampler);
      const answered = uploads.filter((u) => u.received().startsWith('HTTP/1.1 413'));
      for (const u of answered) expect(u.received()).toContain('"error":"batch-too-large"');
      const rise = (peak - before) / 2 ** 20;
      console.log(
        `batch streaming: 8 × ${(big.length / 2 ** 20).toFixed(1)} MiB bodies: RSS rose ${rise.toFixed(1)} MiB at most; ${answered.length} of 8 read their 413 before the connection closed; a concurrent evaluate took ${Math.max(...latencies).toFixed(1)} ms at most (median ${[...latencies].sort((a, b) => a - b)[5].toFixed(1)})`,
      );
      expect(rise).toBeLessThan(100);
      expect(Math.max(...latencies)).toBeLessThan(2000);
    } finally {
      await s.shutdown();
    }
  }, 60_000);
});

describe("Node's own refusals in the service's body (probe 7)", () => {
  let s: Serving & { port: number };
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await s.shutdown();
  });

  it('answers malformed HTTP with 400 bad-request', async () => {
    const u = raw(s.port, 'BREW /pot HTTP/9.9\r\n\r\n');
    await u.closed;
    expect(u.received()).toMatch(/^HTTP\/1\.1 400/);
    const json = JSON.parse(u.received().split('\r\n\r\n')[1]);
    expect(json).toEqual({ error: 'bad-request', message: expect.stringContaining('not valid HTTP/1.1') });
  });

  it('answers headers over 16 KiB with 431 headers-too-large', async () => {
    const u = raw(s.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    await u.closed;
    expect(u.received()).toMatch(/^HTTP\/1\.1 431/);
    expect(JSON.parse(u.received().split('\r\n\r\n')[1]).error).toBe('headers-too-large');
  });
});
