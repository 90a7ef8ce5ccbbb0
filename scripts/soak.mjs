#!/usr/bin/env node
// Soak: sustained load on the built service over loopback for a bounded time, with the server's
// resident memory (/proc/<pid>/status VmRSS) sampled throughout. Reports requests served, errors
// (which must be zero), and RSS at the start, at its peak and at the end; exits 1 on any error.
//
//   node scripts/soak.mjs --seconds 120 [--connections 16] [--no-decision-log]
//
// The server runs as `npm start` would (dist/server/main.js), with a key made for the run, the
// operations log in a file, and (unless --no-decision-log) the decision log with checkpoints signed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const seconds = option('seconds', 120);
const connections = option('connections', 16);
const decisionLog = !args.includes('--no-decision-log');
if (!Number.isFinite(seconds) || seconds < 1 || !Number.isInteger(connections) || connections < 1) {
  console.error('usage: node scripts/soak.mjs [--seconds N] [--connections N] [--no-decision-log]');
  process.exit(2);
}

if (!existsSync(join(root, 'dist/server/main.js')))
  spawnSync('npx', ['tsc', '-p', '.'], { cwd: root, stdio: 'inherit' });
const work = mkdtempSync(join(tmpdir(), 'credit-policy-soak-'));
const made = spawnSync(
  process.execPath,
  [
    join(root, 'dist/cli/main.js'),
    'keys',
    'add',
    'soak-runner',
    '--scopes',
    'evaluate,read',
    '--rate-limit',
    '100000000',
    '--file',
    join(work, 'keys.json'),
  ],
  { encoding: 'utf8' },
);
if (made.status !== 0) throw new Error(made.stderr);
const secret = made.stdout.trim();
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

const env = {
  PATH: process.env.PATH,
  HOST: '127.0.0.1',
  PORT: String(port),
  LOG_LEVEL: 'warn',
  API_KEYS_FILE: join(work, 'keys.json'),
  OPERATIONS_LOG: join(work, 'operations.jsonl'),
  ...(decisionLog
    ? {
        DECISION_LOG: join(work, 'decisions.jsonl'),
        DECISION_LOG_KEY: join(work, 'decision-key.pem'),
        DECISION_LOG_MASK: '["/institution/name"]',
      }
    : {}),
};
const server = spawn(process.execPath, [join(root, 'dist/server/main.js')], {
  cwd: root,
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let serverOutput = '';
server.stdout.on('data', (c) => (serverOutput += c));
server.stderr.on('data', (c) => (serverOutput += c));
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  if (server.exitCode !== null) throw new Error(`the server exited: ${serverOutput}`);
  try {
    if ((await fetch(`${base}/readyz`)).ok) break;
  } catch {
    // not listening yet
  }
  if (i > 300) throw new Error('the server did not become ready');
  await new Promise((r) => setTimeout(r, 100));
}

const rss = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
const samples = [];
const sample = () => samples.push({ t: performance.now(), mb: rss() });

const example = (name) => readFileSync(join(root, 'examples', `${name}.json`), 'utf8');
const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
const requests = [
  { method: 'POST', path: '/v1/evaluate', headers, body: example('typical-bank') },
  { method: 'POST', path: '/v1/evaluate', headers, body: example('clean-bank') },
  { method: 'POST', path: '/v1/evaluate', headers, body: example('zero-score-bank') },
  { method: 'POST', path: '/v1/evaluate', headers, body: example('newly-connected') },
  {
    method: 'POST',
    path: '/v1/evaluate/batch',
    headers,
    body: `[${['clean-bank', 'typical-bank', 'zero-score-bank', 'typical-bank', 'clean-bank'].map(example).join(',')}]`,
  },
  { method: 'GET', path: '/v1/rulesets', headers },
  { method: 'GET', path: '/readyz' },
];

// Warm up, then take the starting point.
await autocannon({ url: base, connections: 4, duration: 3, requests });
sample();
const start = samples[0].mb;
const timer = setInterval(sample, 1000);
console.error(
  `soak: ${seconds} s, ${connections} connections, decision log ${decisionLog ? 'on' : 'off'}, server pid ${server.pid}`,
);
const result = await autocannon({ url: base, connections, duration: seconds, requests });
clearInterval(timer);
sample();
// After the load: what the process settles to.
await new Promise((r) => setTimeout(r, 5000));
sample();

// Stop the server first, so that the decision log's last checkpoint is written, then check the log.
let decisions = null;
const exited = new Promise((r) => server.once('exit', r));
server.kill('SIGTERM');
const exitCode = await exited;
if (decisionLog) {
  const { verifyLog } = await import(join(root, 'dist/audit/verify.js'));
  const report = await verifyLog(join(work, 'decisions.jsonl'));
  decisions = { ok: report.ok, entries: report.entries, checkpoints: report.checkpoints };
}

const peak = Math.max(...samples.map((s) => s.mb));
const final = samples.at(-1).mb;
const errors = result.errors + result.timeouts + result.non2xx;
const summary = {
  seconds,
  connections,
  decisionLog,
  requests: result.requests.total,
  requestsPerSecond: Math.round(result.requests.average),
  latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  errors: { connection: result.errors, timeouts: result.timeouts, non2xx: result.non2xx },
  rssMb: { start: Math.round(start), peak: Math.round(peak), final: Math.round(final), samples: samples.length },
  serverExit: exitCode,
  ...(decisions ? { decisionLogVerified: decisions } : {}),
};
console.log(JSON.stringify(summary, null, 2));
console.log(
  `soak ${seconds} s: ${result.requests.total} requests served (${summary.requestsPerSecond}/s, p99 ${result.latency.p99} ms), errors ${errors}; RSS start ${summary.rssMb.start} MB, peak ${summary.rssMb.peak} MB, final ${summary.rssMb.final} MB` +
    (decisions
      ? `; decision log ${decisions.ok ? 'verified' : 'BROKEN'}: ${decisions.entries} entries, ${decisions.checkpoints} checkpoints`
      : ''),
);
process.exit(errors === 0 && exitCode === 0 && (!decisions || decisions.ok) ? 0 : 1);
