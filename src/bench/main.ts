// Bench: `npm run bench`. In one run on this machine, with the same rules, data and seeded inputs:
// in-process evaluation and its floor, HTTP against OPA's own server on the same Rego and data (after
// checking both give the same answers), batch throughput and peak memory, and memory over a long run.
// Prints a summary table and writes BENCHMARKS.md.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Readable } from 'node:stream';
import autocannon from 'autocannon';
import { canonicalJson } from '../audit/canonical.js';
import { ensureOpa } from '../toolchain/ensure-opa.js';
import { opaVersion, ratingEntrypoint, repoRoot, rulesetsDir, wasmPath } from '../artifacts/artifacts.js';
import { PolicyModule, type PolicyInstance } from '../engine/engine.js';
import { comparableCompact, type CompactResult } from '../rating/compact.js';
import { decorate } from '../rating/decorate.js';
import { createAjv } from '../validation/ajv.js';
import type { EvaluationInput } from '../../generated/types/rating/evaluation-input.js';
import { Rater } from '../rating/rater.js';
import { compilePolicyData } from '../rules/compile.js';
import { writeAtomically } from '../build/write-generated.js';
import { generateCases } from './cases.js';
import { benchEvidence, fullSizes } from './evidence.js';
import type { MemoryReport, MemoryWork } from './memory-worker.js';
import { startOpa, startOurs, type Running } from './servers.js';
import { measureLogAndWorkers, measureVerify } from './trail.js';
import { fmt, percentile, rssMb } from './stats.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const httpSeconds = Number(args.get('http-seconds') ?? 10);
const batchCases = Number(args.get('batch') ?? 100_000);
const memoryEvals = Number(args.get('memory') ?? 1_000_000);
const verifyEntries = Number(args.get('verify-entries') ?? 1_000_000);
const trailSeconds = Number(args.get('trail-seconds') ?? httpSeconds);
/** `--only=trail`: the decision log and workers section alone (printed, BENCHMARKS.md left as it is). */
const only = args.get('only');
const evidenceQueries = Number(args.get('evidence-queries') ?? fullSizes.queries);

const lines: string[] = [];
const say = (line = '') => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

async function main(): Promise<void> {
  const started = Date.now();
  const rater = await Rater.load(rulesetsDir, wasmPath);
  const rs = rater.registry.rulesets[0];
  const cases = generateCases(rs, 600);
  const bodies = cases.map((c) => JSON.stringify(c.input));
  if (only === 'trail') {
    await trailSection(rater, bodies);
    return;
  }
  say(`# Benchmarks`);
  say();
  say(
    `${new Date().toISOString().slice(0, 10)} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · ${fmt(totalmem() / 2 ** 30, 1)} GiB · Node ${process.version} · OPA ${opaVersion} · ruleset ${rs.id}`,
  );
  say(
    `Inputs: ${cases.length} seeded cases cycling clean, typical ×2, heavy, zero-score, not-rated (src/bench/cases.ts).`,
  );
  say();

  // 1 and 2: in process, and the floor (parse the input JSON, serialize the result JSON).
  const wasmOnly = await (await PolicyModule.fromFile(wasmPath)).instantiate(compilePolicyData(rs));
  const inproc = measureInProcess(rater, wasmOnly, bodies);
  say(`## In-process (load once, evaluate many; full result with clause text)`);
  say(
    `- evaluations/s: ${fmt(inproc.perSecond)} on one core · p50 ${fmt(inproc.p50, 1)} µs · p99 ${fmt(inproc.p99, 1)} µs`,
  );
  say(
    `- floor (JSON.parse input + JSON.stringify result): ${fmt(inproc.floorMicros, 1)} µs · evaluation/floor = ${fmt(inproc.full / inproc.floorMicros, 1)}×`,
  );
  const st = inproc.stages;
  say(
    `- where the time goes (µs per evaluation, each stage alone): JSON in ${fmt(st.jsonIn, 1)} · validation ${fmt(st.validation, 1)} · WASM ${fmt(st.wasm, 1)} (input written into WASM memory, OPA's evaluation, result read back) · decoration ${fmt(st.decoration, 1)} · JSON out ${fmt(st.jsonOut, 1)}; together they take ${fmt(inproc.rest, 1)} more than the sum of the stages alone (shared caches and garbage collection: the profile of the whole loop shows the same functions, each slower)`,
  );
  say();

  // 3 and 4: HTTP, ours against OPA's server, after checking the answers agree.
  const dir = await mkdtemp(join(tmpdir(), 'credit-policy-bench-'));
  const opa = ensureOpa();
  const data = compilePolicyData(rs);
  const ours = await startOurs();
  const peer = await startOpa(opa, data, dir);
  let http: { ours: HttpFigures; opa: HttpFigures; common: { ours: HttpFigures; opa: HttpFigures } };
  try {
    const mismatches = await compareWithOpa(
      peer,
      data,
      cases.slice(0, 120).map((c) => c.input),
    );
    say(`## HTTP on loopback (autocannon, ${httpSeconds} s per run)`);
    say(
      `- OPA server answers equal ours for ${120 - mismatches} of 120 inputs${mismatches ? ' — COMPARISON VOID' : ''}`,
    );
    const oursBodies = bodies.slice(0, 60).map((b) => ({
      method: 'POST',
      path: '/v1/evaluate',
      body: b,
      headers: { 'content-type': 'application/json', ...ours.headers },
    }));
    const opaBodies = bodies.slice(0, 60).map((b) => ({
      method: 'POST',
      path: '/v1/data/rating/result',
      body: `{"input":${b}}`,
      headers: { 'content-type': 'application/json' },
    }));
    const oursMax = await load(ours.url, oursBodies);
    const opaMax = await load(peer.url, opaBodies);
    const oursHalf = await load(ours.url, oursBodies, oursMax.rps / 2);
    const opaHalf = await load(peer.url, opaBodies, opaMax.rps / 2);
    const commonRate = Math.min(oursMax.rps, opaMax.rps) / 2;
    http = {
      ours: { ...oursMax, p50: oursHalf.p50, p99: oursHalf.p99, errors: oursMax.errors + oursHalf.errors },
      opa: { ...opaMax, p50: opaHalf.p50, p99: opaHalf.p99, errors: opaMax.errors + opaHalf.errors },
      common: { ours: await load(ours.url, oursBodies, commonRate), opa: await load(peer.url, opaBodies, commonRate) },
    };
    say(
      `- ours: max ${fmt(http.ours.rps)} req/s; at half of it p50 ${fmt(http.ours.p50, 2)} ms, p99 ${fmt(http.ours.p99, 2)} ms; errors ${http.ours.errors}`,
    );
    say(
      `- OPA:  max ${fmt(http.opa.rps)} req/s; at half of it p50 ${fmt(http.opa.p50, 2)} ms, p99 ${fmt(http.opa.p99, 2)} ms; errors ${http.opa.errors}`,
    );
    say(
      `- both at ${fmt(commonRate)} req/s: ours p99 ${fmt(http.common.ours.p99, 2)} ms, OPA p99 ${fmt(http.common.opa.p99, 2)} ms`,
    );
    say();
  } finally {
    await peer.stop();
  }

  // 5: batch, through the CLI and through the service.
  const file = join(dir, 'cases.ndjson');
  await writeFile(
    file,
    `${generateCases(rs, batchCases, 7)
      .map((c) => JSON.stringify(c.input))
      .join('\n')}\n`,
  );
  const cli = await runCliBatch(file);
  const service = await postBatch(ours, file);
  await ours.stop();
  say(`## Batch of ${fmt(batchCases)} cases`);
  say(
    `- CLI \`credit-policy batch\` (worker threads, one per core): ${fmt(cli.seconds, 1)} s, ${fmt(batchCases / cli.seconds)} cases/s, peak RSS ${fmt(cli.peakMb)} MB`,
  );
  say(
    `- POST /v1/evaluate/batch as NDJSON (one server process): ${fmt(service.seconds, 1)} s, ${fmt(service.lines)} answers, server peak RSS ${fmt(service.peakMb)} MB`,
  );
  say();

  // 6: the decision log on and off, one worker and two, and verify-log over a long log.
  const trail = await trailSection(rater, bodies);

  // 7: memory over a long run.
  const memory = await measureMemory(memoryEvals);
  say(
    `## Memory over ${fmt(memoryEvals)} in-process evaluations (${memory.threads} worker threads of the bench process)`,
  );
  say(
    `- RSS before ${fmt(memory.before)} MB, highest sample during ${fmt(memory.during)} MB, after ${fmt(memory.after)} MB (samples: ${memory.samples.map((s) => fmt(s)).join(', ')})`,
  );
  say();
  await rm(dir, { recursive: true, force: true });

  // 7: findings derived from evidence (issue 12).
  const scale = evidenceQueries / fullSizes.queries;
  const evidence = await benchEvidence({
    queries: evidenceQueries,
    authorizations: Math.round(fullSizes.authorizations * scale),
    users: Math.max(50, Math.round(fullSizes.users * scale)),
    staff: Math.max(100, Math.round(fullSizes.staff * scale)),
  });
  for (const line of evidence.lines) say(line);

  say(`## Summary`);
  say();
  say(`| measure | ours | OPA server | ours / OPA | target | met |`);
  say(`|---|---|---|---|---|---|`);
  const row = (m: string, a: string, b: string, r: string, t: string, ok: boolean) =>
    say(`| ${m} | ${a} | ${b} | ${r} | ${t} | ${ok ? 'yes' : 'no'} |`);
  row(
    'HTTP max throughput (req/s)',
    fmt(http.ours.rps),
    fmt(http.opa.rps),
    `${fmt(http.ours.rps / http.opa.rps, 2)}×`,
    '≥ 2×',
    http.ours.rps >= 2 * http.opa.rps,
  );
  row(
    `HTTP p99 at ${fmt(Math.min(http.ours.rps, http.opa.rps) / 2)} req/s (ms)`,
    fmt(http.common.ours.p99, 2),
    fmt(http.common.opa.p99, 2),
    `${fmt(http.common.ours.p99 / http.common.opa.p99, 2)}×`,
    '≤ 1×',
    http.common.ours.p99 <= http.common.opa.p99,
  );
  row('HTTP errors', String(http.ours.errors), String(http.opa.errors), '', '0', http.ours.errors === 0);
  for (const r of trailRows(trail)) row(r.measure, r.value, '', '', r.target, r.met);
  row('in-process evaluations/s per core', fmt(inproc.perSecond), '', '', '≥ 5,000', inproc.perSecond >= 5000);
  row(
    'evaluation / floor',
    `${fmt(inproc.full / inproc.floorMicros, 1)}×`,
    '',
    '',
    '≤ 5×',
    inproc.full / inproc.floorMicros <= 5,
  );
  row(`batch ${fmt(batchCases)} via CLI (s)`, fmt(cli.seconds, 1), '', '', '< 30 s', cli.seconds < 30);
  row('batch peak RSS (MB)', fmt(cli.peakMb), '', '', '< 300 MB', cli.peakMb < 300);
  row(
    `RSS growth over ${fmt(memoryEvals)} evaluations (MB)`,
    fmt(memory.after - memory.samples[0]),
    '',
    '',
    'flat',
    memory.after - memory.samples[0] < 30,
  );
  say();
  const ev = evidence.figures;
  const gaps = [
    ev.seconds > 60 && `findings from evidence took ${fmt(ev.seconds / 60, 2)}× the 60 s asked for`,
    ev.peakMb > 500 && `findings from evidence peaked ${fmt(ev.peakMb - 500)} MB over 500 MB`,
    !ev.sample.same && 'opa eval gave different findings on the evidence sample',
    inproc.perSecond < 5000 && `in-process throughput is ${fmt(5000 / inproc.perSecond, 1)}× short of 5,000/s`,
    inproc.full / inproc.floorMicros > 5 &&
      `evaluation is ${fmt(inproc.full / inproc.floorMicros / 5, 2)}× over the 5× floor ratio`,
    cli.seconds >= 30 && `the CLI batch took ${fmt(cli.seconds / 30, 2)}× the 30 s asked for`,
    cli.peakMb >= 300 && `the CLI batch peaked ${fmt(cli.peakMb - 300)} MB over 300 MB`,
  ].filter(Boolean);
  say();
  say(
    gaps.length
      ? `Missed: ${gaps.join('; ')}. Where the time goes is in the sections above; what was tried is under "Reading the figures".`
      : 'Every target met.',
  );
  say();
  say(`Run took ${fmt((Date.now() - started) / 1000)} s. Reproduce with \`npm run bench\`.`);
  await writeBenchmarks(`${lines.join('\n')}\n`);
}

/** trailSection: the decision log's cost and the workers' gain, side by side, and verify-log over a long log. */
async function trailSection(rater: Rater, bodies: string[]) {
  const runs = await measureLogAndWorkers(bodies.slice(0, 60), trailSeconds);
  const typical = JSON.parse(await readFile(join(repoRoot, 'examples/typical-bank.json'), 'utf8'));
  const outcome = rater.evaluate(typical);
  if (!outcome.ok) throw new Error('examples/typical-bank.json was refused');
  const verify = await measureVerify(verifyEntries, typical, outcome.result);
  say(`## Decision log and workers (autocannon, 20 connections, ${trailSeconds} s per run, one after the other)`);
  for (const r of runs)
    say(
      `- ${r.workers} worker${r.workers > 1 ? 's' : ''}, decision log ${r.log ? 'on (fsync, group commit, checkpoint every 1,000 entries or 1 s)' : 'off'}: ${fmt(r.rps)} req/s, p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms, errors ${r.errors}`,
    );
  say(
    '- the load generator (autocannon) runs on the same 2 cores as the workers, so two workers share the machine with it',
  );
  say(
    `- verify-log over ${fmt(verify.entries)} entries (${fmt(verify.megabytes)} MB, the typical example with its full result each): ${fmt(verify.seconds, 1)} s, ${fmt(verify.entries / verify.seconds)} entries/s, peak RSS ${fmt(verify.peakMb)} MB, ${verify.ok ? 'ok' : 'NOT OK'}`,
  );
  say();
  return { runs, verify };
}

function trailRows(t: Awaited<ReturnType<typeof trailSection>>) {
  const get = (workers: number, log: boolean) => t.runs.find((r) => r.workers === workers && r.log === log)!;
  const [off1, on1, on2] = [get(1, false), get(1, true), get(2, true)];
  const perMillion = (t.verify.seconds / t.verify.entries) * 1e6;
  return [
    {
      measure: 'decision log on / off, throughput (1 worker)',
      value: `${fmt((100 * on1.rps) / off1.rps)}% (${fmt(on1.rps)} / ${fmt(off1.rps)} req/s)`,
      target: '≥ 85%',
      met: on1.rps >= 0.85 * off1.rps,
    },
    {
      measure: 'decision log on / off, p99 (1 worker)',
      value: `${fmt(on1.p99 / off1.p99, 2)}× (${fmt(on1.p99, 1)} / ${fmt(off1.p99, 1)} ms)`,
      target: '≤ 2×',
      met: on1.p99 <= 2 * off1.p99,
    },
    {
      measure: '2 workers / 1, log on (load generator on the same 2 cores)',
      value: `${fmt(on2.rps / on1.rps, 2)}×`,
      target: '≥ 1.4×',
      met: on2.rps >= 1.4 * on1.rps,
    },
    {
      measure: `verify-log, s per 1,000,000 entries (${fmt(t.verify.entries)} measured)`,
      value: fmt(perMillion, 1),
      target: '≤ 30 s',
      met: perMillion <= 30,
    },
    {
      measure: 'verify-log peak RSS (MB)',
      value: fmt(t.verify.peakMb),
      target: 'flat',
      met: t.verify.peakMb < 200,
    },
  ];
}

/** The heading after which BENCHMARKS.md is written by hand; a run replaces only what comes before it. */
const handWritten = '## Reading the figures';

async function writeBenchmarks(generated: string): Promise<void> {
  const old = await readFile('BENCHMARKS.md', 'utf8').catch(() => '');
  const at = old.indexOf(handWritten);
  await writeAtomically('BENCHMARKS.md', at === -1 ? generated : `${generated}\n${old.slice(at)}`);
}

interface HttpFigures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/**
 * measureInProcess: the full pipeline (JSON text in, full result JSON text out) timed per evaluation,
 * then each of its stages alone on the same inputs, so the gap to the floor can be read stage by stage.
 */
function measureInProcess(rater: Rater, policy: PolicyInstance, bodies: string[]) {
  const n = 20_000;
  const rs = rater.registry.rulesets[0];
  const times: number[] = [];
  const run = (i: number) =>
    JSON.stringify((rater.evaluate(JSON.parse(bodies[i % bodies.length])) as { result?: unknown }).result);
  for (let i = 0; i < 2000; i++) run(i);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    run(i);
    times.push((performance.now() - s) * 1000);
  }
  const full = ((performance.now() - t0) * 1000) / n;
  times.sort((a, b) => a - b);
  const inputs = bodies.map((b) => JSON.parse(b) as EvaluationInput);
  const compacts = inputs.map((x) => policy.evaluate(x, ratingEntrypoint) as CompactResult);
  const results = inputs.map((x, i) => decorate(rs, x, compacts[i]));
  const validate = createAjv().compile(rater.inputSchema(rs.id)!);
  // Each stage alone, best of three rounds (a stage's own garbage is collected within it).
  const stage = (f: (i: number) => unknown) => {
    let best = Infinity;
    for (let round = 0; round < 3; round++) {
      const s = performance.now();
      for (let i = 0; i < n / 4; i++) f(i % bodies.length);
      best = Math.min(best, ((performance.now() - s) * 1000) / (n / 4));
    }
    return best;
  };
  const stages = {
    jsonIn: stage((i) => JSON.parse(bodies[i])),
    validation: stage((i) => validate(inputs[i])),
    wasm: stage((i) => policy.evaluate(inputs[i], ratingEntrypoint)),
    decoration: stage((i) => decorate(rs, inputs[i], compacts[i])),
    jsonOut: stage((i) => JSON.stringify(results[i])),
  };
  const floorMicros = stages.jsonIn + stages.jsonOut;
  const rest = full - Object.values(stages).reduce((a, b) => a + b, 0);
  return {
    perSecond: 1e6 / full,
    full,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    floorMicros,
    stages,
    rest,
  };
}

async function compareWithOpa(peer: Running, data: unknown, inputs: unknown[]): Promise<number> {
  const policy = await (await PolicyModule.fromFile(wasmPath)).instantiate(data);
  let mismatches = 0;
  for (const input of inputs) {
    const res = await fetch(`${peer.url}/v1/data/rating/result`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input }),
    });
    const theirs = ((await res.json()) as { result: unknown }).result;
    if (
      canonicalJson(comparableCompact(theirs)) !==
      canonicalJson(comparableCompact(policy.evaluate(input, ratingEntrypoint)))
    )
      mismatches++;
  }
  return mismatches;
}

async function load(
  url: string,
  requests: { method: string; path: string; body: string; headers: Record<string, string> }[],
  rate?: number,
): Promise<HttpFigures> {
  const r = await autocannon({
    url,
    connections: 32,
    duration: httpSeconds,
    requests,
    ...(rate ? { overallRate: Math.max(1, Math.round(rate)) } : {}),
  });
  return {
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}

async function runCliBatch(file: string): Promise<{ seconds: number; peakMb: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(repoRoot, 'dist/cli/main.js'), 'batch', file], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  let peakMb = 0;
  const timer = setInterval(() => (peakMb = Math.max(peakMb, rssMb(child.pid!).peak || 0)), 50);
  await new Promise((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  return { seconds: (performance.now() - t0) / 1000, peakMb };
}

async function postBatch(server: Running, file: string): Promise<{ seconds: number; lines: number; peakMb: number }> {
  const t0 = performance.now();
  let peakMb = 0;
  const timer = setInterval(() => (peakMb = Math.max(peakMb, rssMb(server.pid).peak || 0)), 50);
  const res = await fetch(`${server.url}/v1/evaluate/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', ...server.headers },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  let lines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  clearInterval(timer);
  return { seconds: (performance.now() - t0) / 1000, lines, peakMb };
}

/**
 * measureMemory: the process's RSS before, during (after each tenth) and after `n` evaluations,
 * shared by one worker thread per core so the million evaluations take half the time.
 */
async function measureMemory(n: number) {
  const threads = cpus().length;
  const workers = Array.from(
    { length: threads },
    (_, k) =>
      new Worker(new URL('./memory-worker.js', import.meta.url), {
        workerData: { evaluations: Math.ceil(n / threads), seed: 20180102 + k } satisfies MemoryWork,
      }),
  );
  // One queue of reports per worker; a worker that fails fails the run.
  const reports = workers.map((w) => {
    const q: MemoryReport[] = [];
    let failed: Error | undefined;
    let wake: (() => void) | undefined;
    w.on('message', (r: MemoryReport) => {
      q.push(r);
      wake?.();
    });
    w.on('error', (err) => {
      failed = err;
      wake?.();
    });
    return async (): Promise<MemoryReport> => {
      while (!q.length) {
        if (failed) throw failed;
        await new Promise<void>((r) => (wake = r));
      }
      return q.shift()!;
    };
  });
  for (const next of reports) await next();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = rssMb().rss;
  for (const w of workers) w.postMessage('go');
  const samples: number[] = [];
  for (let tenth = 1; tenth <= 10; tenth++) {
    // A sample once every worker has done this tenth of its share.
    for (const next of reports) await next();
    samples.push(rssMb().rss);
  }
  for (const next of reports) await next();
  gc?.();
  const after = rssMb().rss;
  await Promise.all(workers.map((w) => w.terminate()));
  return { before, during: Math.max(...samples), after, samples, threads };
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
