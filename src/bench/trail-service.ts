// Bench: the service with the decision log off and on, with one worker and with two, one after the
// other (autocannon, 20 connections, the same inputs), for the trail section.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startOurs } from './servers.js';

export interface ServiceRun {
  workers: number;
  log: boolean;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** measureLogAndWorkers runs the four services one after the other, each for `seconds`. */
export async function measureLogAndWorkers(bodies: string[], seconds: number): Promise<ServiceRun[]> {
  const runs: ServiceRun[] = [];
  for (const [workers, log] of [
    [1, false],
    [1, true],
    [2, false],
    [2, true],
  ] as const) {
    const dir = await mkdtemp(join(tmpdir(), 'credit-policy-bench-log-'));
    const server = await startOurs([], {
      WORKERS: String(workers),
      ...(log ? { DECISION_LOG: join(dir, 'decisions.jsonl') } : {}),
    });
    try {
      const requests = bodies.map((b) => ({
        method: 'POST',
        path: '/v1/evaluate',
        body: b,
        headers: { 'content-type': 'application/json', ...server.headers },
      }));
      // Every worker must be listening (and warm) before the clock starts.
      for (let i = 0; i < 100 && (await workersListening(server)) < workers; i++)
        await new Promise((r) => setTimeout(r, 500));
      await autocannon({ url: server.url, connections: 4, amount: 200, requests });
      const r = await autocannon({ url: server.url, connections: 20, duration: seconds, requests });
      const run = {
        workers,
        log,
        rps: r.requests.total / r.duration,
        p50: r.latency.p50,
        p99: r.latency.p99,
        errors: r.errors + r.timeouts + r.non2xx,
      };
      runs.push(run);
      process.stderr.write(`trail run: ${JSON.stringify(run)}\n`);
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }
  return runs;
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
