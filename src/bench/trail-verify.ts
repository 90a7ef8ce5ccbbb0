// Bench: verify-log over a long log for the trail section: a log of many realistic entries written
// quickly from one template, then `credit-policy verify-log` timed, its memory sampled as it runs.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../artifacts/artifacts.js';
import { canonicalJson, sha256Text } from '../audit/canonical.js';
import { type CheckpointBody, genesisHash } from '../audit/entry.js';
import { headPathFor } from '../audit/head.js';
import { loadSigningKey, signCheckpoint } from '../audit/keys.js';
import { buildEntryLine, createDecisionLog } from '../audit/log.js';
import type { RatingResult } from '../rating/decorate.js';
import { rssMb } from './stats.js';

export interface VerifyRun {
  entries: number;
  checkpoints: number;
  megabytes: number;
  seconds: number;
  peakMb: number;
  /** RSS growth: the highest sample in the second half of the run over the highest from 20% to 50% of it
   * (the first fifth is the start: loading the code and the worker threads). */
  growthMb: number;
  /** CPU time verify-log used (all its threads, user and system), from its last /proc sample. */
  cpuSeconds: number;
  /** The machine's 1-minute load average when the run started and when it ended. */
  load: [number, number];
  ok: boolean;
}

/**
 * measureVerify writes a log of `entries` decisions (the same rating, each its own entry of the chain,
 * with a signed checkpoint every 1,000 and a signed head) and times `credit-policy verify-log` over it.
 */
export async function measureVerify(entries: number, input: unknown, result: RatingResult): Promise<VerifyRun> {
  const dir = await mkdtemp(join(tmpdir(), 'credit-policy-bench-verify-'));
  const path = join(dir, 'decisions.jsonl');
  try {
    await writeLongLog(path, entries, input, result);
    const megabytes = (await stat(path)).size / 2 ** 20;
    const load0 = loadavg()[0];
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(repoRoot, 'dist/cli/main.js'), 'verify-log', path, '--json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    const samples: { t: number; rss: number }[] = [];
    let peakMb = 0;
    let cpuSeconds = Number.NaN;
    const timer = setInterval(() => {
      cpuSeconds = cpuOf(child.pid!) ?? cpuSeconds;
      const m = rssMb(child.pid!);
      if (Number.isFinite(m.rss)) samples.push({ t: performance.now() - t0, rss: m.rss });
      peakMb = Math.max(peakMb, m.peak || 0);
    }, 100);
    await new Promise((resolve) => child.once('exit', resolve));
    clearInterval(timer);
    const seconds = (performance.now() - t0) / 1000;
    const early = samples.filter((x) => x.t > seconds * 200 && x.t <= seconds * 500);
    const late = samples.filter((x) => x.t > seconds * 500);
    const highest = (xs: { rss: number }[]) => Math.max(0, ...xs.map((x) => x.rss));
    const report = JSON.parse(out) as { ok: boolean; entries: number; checkpoints: number };
    return {
      entries: report.entries,
      checkpoints: report.checkpoints,
      megabytes,
      seconds,
      peakMb,
      cpuSeconds,
      growthMb: late.length && early.length ? highest(late) - highest(early) : Number.NaN,
      load: [load0, loadavg()[0]],
      ok: report.ok,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// The log holds the lines the appender would write (checked against buildEntryLine for the first
// entries), made from one template: only the seq and prevHash differ from entry to entry, so writing a
// million takes a hash each, not a serialization each. A signed checkpoint follows every 1,000 entries,
// as the service writes them by default; the appender, reopened, signs the end and writes the head.
export async function writeLongLog(path: string, entries: number, input: unknown, result: RatingResult): Promise<void> {
  const keyPath = `${path}.key.pem`;
  const seed = await createDecisionLog({ path, privateKeyPath: keyPath, createKey: true, fsync: false });
  await seed.close();
  await rm(path);
  await rm(headPathFor(path));
  const key = await loadSigningKey(keyPath, { create: false });
  const publicKey = key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
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
    const hash = sha256Text(body);
    let line = `${prefix},"hash":"${hash}"${body.slice(prefix.length)}\n`;
    if (seq <= 3 && line !== `${buildEntryLine({ caller: 'bench', input, result }, seq, head, time).line}\n`)
      throw new Error('the bench log template does not write what the appender writes');
    head = hash;
    if (seq % 1000 === 0 && seq < entries) {
      const cp: CheckpointBody = { seq, head, time: time.toISOString(), keyId: key.keyId, publicKey };
      line += `${canonicalJson({ checkpoint: cp, signature: signCheckpoint(cp, key) })}\n`;
    }
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  // Reopened with its key, the log signs its end: a checkpoint line and the head beside it.
  const log = await createDecisionLog({ path, privateKeyPath: keyPath, fsync: false });
  await log.close();
}

/** cpuOf: the CPU seconds (user + system, every thread) a process has used so far, from /proc. */
function cpuOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
