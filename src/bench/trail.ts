// Bench: the decision log and the workers, side by side in one run: the service with the log off and
// on, with one worker and with two (autocannon, 20 connections, the same inputs); and verify-log over a
// long log, its time and its peak memory.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { repoRoot } from '../artifacts/artifacts.js';
import { genesisHash } from '../audit/entry.js';
import { headPathFor } from '../audit/head.js';
import { buildEntryLine, createDecisionLog } from '../audit/log.js';
import type { RatingResult } from '../rating/decorate.js';
import { numberArg, type Section } from './section.js';
import { startOurs } from './servers.js';
import { fmt, rssMb } from './stats.js';

/** The section: the decision log's cost and the workers' gain, side by side, and verify-log over a long log. */
export const trailSection: Section = {
  name: 'trail',
  async run(ctx) {
    const seconds = numberArg(ctx, 'trail-seconds', numberArg(ctx, 'http-seconds', 10));
    const verifyEntries = numberArg(ctx, 'verify-entries', 1_000_000);
    const runs = await measureLogAndWorkers(ctx.bodies.slice(0, 60), seconds);
    const typical = JSON.parse(await readFile(join(repoRoot, 'examples/typical-bank.json'), 'utf8'));
    const outcome = ctx.rater.evaluate(typical);
    if (!outcome.ok) throw new Error('examples/typical-bank.json was refused');
    const verify = await measureVerify(verifyEntries, typical, outcome.result);
    const lines = [
      `## Decision log and workers (autocannon, 20 connections, ${seconds} s per run, one after the other)`,
      ...runs.map(
        (r) =>
          `- ${r.workers} worker${r.workers > 1 ? 's' : ''}, decision log ${r.log ? 'on (fsync, group commit, checkpoint every 1,000 entries or 1 s)' : 'off'}: ${fmt(r.rps)} req/s, p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms, errors ${r.errors}`,
      ),
      '- the load generator (autocannon) runs on the same 2 cores as the workers, so two workers share the machine with it',
      `- verify-log over ${fmt(verify.entries)} entries (${fmt(verify.megabytes)} MB, the typical example with its full result each): ${fmt(verify.seconds, 1)} s, ${fmt(verify.entries / verify.seconds)} entries/s, peak RSS ${fmt(verify.peakMb)} MB, ${verify.ok ? 'ok' : 'NOT OK'}`,
    ];
    const rows = trailRows(runs, verify);
    return { lines, rows, gaps: rows.filter((r) => !r.met).map((r) => `${r.measure}: ${r.ours} (target ${r.target})`) };
  },
};

function trailRows(runs: ServiceRun[], verify: VerifyRun) {
  const get = (workers: number, log: boolean) => runs.find((r) => r.workers === workers && r.log === log)!;
  const [off1, on1, on2] = [get(1, false), get(1, true), get(2, true)];
  const perMillion = (verify.seconds / verify.entries) * 1e6;
  return [
    {
      measure: 'decision log on / off, throughput (1 worker)',
      ours: `${fmt((100 * on1.rps) / off1.rps)}% (${fmt(on1.rps)} / ${fmt(off1.rps)} req/s)`,
      target: '≥ 85%',
      met: on1.rps >= 0.85 * off1.rps,
    },
    {
      measure: 'decision log on / off, p99 (1 worker)',
      ours: `${fmt(on1.p99 / off1.p99, 2)}× (${fmt(on1.p99, 1)} / ${fmt(off1.p99, 1)} ms)`,
      target: '≤ 2×',
      met: on1.p99 <= 2 * off1.p99,
    },
    {
      measure: '2 workers / 1, log on (load generator on the same 2 cores)',
      ours: `${fmt(on2.rps / on1.rps, 2)}×`,
      target: '≥ 1.4×',
      met: on2.rps >= 1.4 * on1.rps,
    },
    {
      measure: `verify-log, s per 1,000,000 entries (${fmt(verify.entries)} measured)`,
      ours: fmt(perMillion, 1),
      target: '≤ 30 s',
      met: perMillion <= 30,
    },
    { measure: 'verify-log peak RSS (MB)', ours: fmt(verify.peakMb), target: 'flat', met: verify.peakMb < 200 },
  ];
}

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

export interface VerifyRun {
  entries: number;
  megabytes: number;
  seconds: number;
  peakMb: number;
  ok: boolean;
}

/**
 * measureVerify writes a log of `entries` decisions (the same rating, each its own entry of the chain,
 * with a checkpoint every 1,000 and a signed head) and times `credit-policy verify-log` over it.
 */
export async function measureVerify(entries: number, input: unknown, result: RatingResult): Promise<VerifyRun> {
  const dir = await mkdtemp(join(tmpdir(), 'credit-policy-bench-verify-'));
  const path = join(dir, 'decisions.jsonl');
  try {
    await writeLongLog(path, entries, input, result);
    const megabytes = (await stat(path)).size / 2 ** 20;
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(repoRoot, 'dist/cli/main.js'), 'verify-log', path, '--json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    let peakMb = 0;
    const timer = setInterval(() => {
      peakMb = Math.max(peakMb, rssMb(child.pid!).peak || 0);
    }, 100);
    await new Promise((resolve) => child.once('exit', resolve));
    clearInterval(timer);
    const seconds = (performance.now() - t0) / 1000;
    const report = JSON.parse(out) as { ok: boolean; entries: number };
    return { entries: report.entries, megabytes, seconds, peakMb, ok: report.ok };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// The log holds the lines the appender would write (checked against buildEntryLine for the first
// entries), made from one template: only the seq and prevHash differ from entry to entry, so writing a
// million takes a hash each, not a serialization each. A checkpoint and the signed head end it.
async function writeLongLog(path: string, entries: number, input: unknown, result: RatingResult): Promise<void> {
  const key = `${path}.key.pem`;
  const seed = await createDecisionLog({ path, privateKeyPath: key, createKey: true, fsync: false });
  await seed.close();
  await rm(path);
  await rm(headPathFor(path));
  const time = new Date();
  const marker = { prev: 'sha256:PREV-MARKER', seq: 987_654_321_012 };
  const { line: template } = buildEntryLine({ caller: 'bench', input, result }, marker.seq, marker.prev, time);
  const withoutHash = template.replace(/,"hash":"sha256:[0-9a-f]{64}"/, '');
  const [a, rest] = withoutHash.split(marker.prev);
  const [b, c] = rest.split(String(marker.seq));
  const prefix = '{"caller":"bench"';
  const out = createWriteStream(path, { mode: 0o600 });
  let head = genesisHash;
  for (let seq = 1; seq <= entries; seq++) {
    const body = `${a}${head}${b}${seq}${c}`;
    const hash = `sha256:${createHash('sha256').update(body, 'utf8').digest('hex')}`;
    const line = `${prefix},"hash":"${hash}"${body.slice(prefix.length)}`;
    if (seq <= 3 && line !== buildEntryLine({ caller: 'bench', input, result }, seq, head, time).line)
      throw new Error('the bench log template does not write what the appender writes');
    head = hash;
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  // Reopened with its key, the log signs its end: a checkpoint line and the head beside it.
  const log = await createDecisionLog({ path, privateKeyPath: key, fsync: false });
  await log.close();
}
