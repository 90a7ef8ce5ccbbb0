// Bench: the service with the decision log off and on, with one worker and with two (autocannon, 20
// connections, the same inputs), for the trail section. The four services run at once, and are measured
// in turns of a few seconds each, round after round, so that the machine's other work (the cores are
// shared) falls on all four alike: the ratios compare figures taken side by side, not minutes apart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { type Running, startOurs } from './servers.js';

export interface ServiceRun {
  workers: number;
  log: boolean;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const configs = [
  [1, false],
  [1, true],
  [2, false],
  [2, true],
] as const;

/** Seconds of one turn: long enough for autocannon's percentiles, short enough for several rounds. */
const turn = 2.5;

/** Seconds of full load on each service before the turns (after 20 s the JIT's share was under 1%). */
const warmSeconds = 5;

interface Service {
  workers: number;
  log: boolean;
  server: Running;
  dir: string;
  requests: { method: string; path: string; body: string; headers: Record<string, string> }[];
  total: number;
  duration: number;
  errors: number;
  p50: number[];
  p99: number[];
}

/**
 * measureLogAndWorkers measures the four services for `seconds` each, in turns (the order reversed
 * every other round). p50 and p99 are the medians of the turns' percentiles.
 */
export async function measureLogAndWorkers(bodies: string[], seconds: number): Promise<ServiceRun[]> {
  const services: Service[] = [];
  try {
    for (const [workers, log] of configs) {
      const dir = await mkdtemp(join(tmpdir(), 'credit-policy-bench-log-'));
      const server = await startOurs([], {
        WORKERS: String(workers),
        ...(log ? { DECISION_LOG: join(dir, 'decisions.jsonl') } : {}),
      }).catch(async (err) => {
        await rm(dir, { recursive: true, force: true });
        throw err;
      });
      const requests = bodies.map((b) => ({
        method: 'POST',
        path: '/v1/evaluate',
        body: b,
        headers: { 'content-type': 'application/json', ...server.headers },
      }));
      services.push({ workers, log, server, dir, requests, total: 0, duration: 0, errors: 0, p50: [], p99: [] });
      // Every worker must be listening (and warm) before the clock starts.
      for (let i = 0; i < 100 && (await workersListening(server)) < workers; i++)
        await new Promise((r) => setTimeout(r, 500));
      // Warm at full load: the JIT compiles on helper threads for the first seconds, which a lone worker
      // gets for free on the other core and two workers pay for out of theirs. Measured is the steady state.
      await autocannon({ url: server.url, connections: 20, duration: warmSeconds, requests });
    }
    const rounds = Math.max(1, Math.round(seconds / turn));
    for (let round = 0; round < rounds; round++)
      for (const s of round % 2 ? [...services].reverse() : services) {
        const r = await autocannon({
          url: s.server.url,
          connections: 20,
          duration: seconds / rounds,
          requests: s.requests,
        });
        s.total += r.requests.total;
        s.duration += r.duration;
        s.errors += r.errors + r.timeouts + r.non2xx;
        s.p50.push(r.latency.p50);
        s.p99.push(r.latency.p99);
      }
  } finally {
    for (const s of services) {
      await s.server.stop();
      await rm(s.dir, { recursive: true, force: true });
    }
  }
  return services.map((s) => {
    const run = {
      workers: s.workers,
      log: s.log,
      rps: s.total / s.duration,
      p50: median(s.p50),
      p99: median(s.p99),
      errors: s.errors,
    };
    process.stderr.write(`trail run: ${JSON.stringify(run)}\n`);
    return run;
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function workersListening(server: { url: string; headers: Record<string, string> }): Promise<number> {
  try {
    const status = (await (await fetch(`${server.url}/v1/status`, { headers: server.headers })).json()) as {
      workers?: unknown[];
    };
    return status.workers?.length ?? 0;
  } catch {
    return 0;
  }
}
