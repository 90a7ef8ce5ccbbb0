// Bench section: the decision log and the workers, side by side in one run: the service with the log
// off and on, with one worker and with two, measured in turns (src/bench/trail-service.ts); and
// verify-log over a long log, its time and its memory (src/bench/trail-verify.ts).
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../artifacts/artifacts.js';
import { numberArg, type Section, type SummaryRow } from './section.js';
import { fmt } from './stats.js';
import { measureLogAndWorkers, type ServiceRun } from './trail-service.js';
import { measureVerify, type VerifyRun } from './trail-verify.js';

export const trailSection: Section = {
  name: 'trail',
  async run(ctx) {
    // 20 s per service: eight turns of 2.5 s each, so that one slow turn (the cores are shared) moves a
    // ratio less; four turns of the same code gave 2 workers / 1 from 1.35× to 1.51×.
    const seconds = numberArg(ctx, 'trail-seconds', 20);
    const verifyEntries = numberArg(ctx, 'verify-entries', 1_000_000);
    const load0 = loadavg()[0];
    const runs = await measureLogAndWorkers(ctx.bodies.slice(0, 60), seconds);
    const load1 = loadavg()[0];
    // --verify-entries=0: the service runs only (a quick look at throughput; BENCHMARKS.md is not rewritten).
    if (verifyEntries === 0) {
      const rows = trailRows(runs);
      const lines = [...sideBySide(runs), `- load average ${fmt(load0, 1)} before, ${fmt(load1, 1)} after`];
      process.stdout.write(`${lines.join('\n')}\n`);
      return { lines: [], rows, gaps: [], skipReport: true };
    }
    const typical = JSON.parse(await readFile(join(repoRoot, 'examples/typical-bank.json'), 'utf8'));
    const outcome = ctx.rater.evaluate(typical);
    if (!outcome.ok) throw new Error('examples/typical-bank.json was refused');
    const verify = await measureVerify(verifyEntries, typical, outcome.result);
    const rows = trailRows(runs, verify);
    return {
      lines: [
        `## Decision log and workers (autocannon, 20 connections, ${seconds} s per service, in turns of a few seconds: the four side by side)`,
        ...sideBySide(runs),
        '',
        `- the four services run at once and are measured in turns, round after round, so that the shared machine's other work falls on all alike; p99 is the median of the turns'. Decision log on: fsync, group commit, a signed checkpoint every 1,000 entries or 1 s. The load generator (autocannon) runs on the same 2 cores as the workers, so two workers share the machine with it. Load average (1 min) ${fmt(load0, 1)} before the runs, ${fmt(load1, 1)} after.`,
        `- verify-log over ${fmt(verify.entries)} entries and ${fmt(verify.checkpoints)} checkpoints (${fmt(verify.megabytes)} MB, the typical example with its full result each): ${fmt(verify.seconds, 1)} s, ${fmt(verify.entries / verify.seconds)} entries/s, CPU time ${fmt(verify.cpuSeconds, 1)} s (all its threads; the machine's other work takes the rest of the wall time), peak RSS ${fmt(verify.peakMb)} MB (its second half over 20–50% of the run: ${fmt(verify.growthMb, 0)} MB), ${verify.ok ? 'ok' : 'NOT OK'}; load average ${fmt(verify.load[0], 1)} at its start, ${fmt(verify.load[1], 1)} at its end`,
      ],
      rows,
      gaps: rows.filter((r) => !r.met).map((r) => `${r.measure}: ${r.ours} (target ${r.target})`),
    };
  },
};

/** sideBySide: the four runs as one table, log off/on in rows, one worker/two in columns, with the ratios. */
function sideBySide(runs: ServiceRun[]): string[] {
  const get = (workers: number, log: boolean) => runs.find((r) => r.workers === workers && r.log === log)!;
  const cell = (r: ServiceRun) =>
    `${fmt(r.rps)} req/s, p99 ${fmt(r.p99, 1)} ms${r.errors ? `, ${r.errors} errors` : ''}`;
  const ratio = (a: ServiceRun, b: ServiceRun) => `${fmt(a.rps / b.rps, 2)}× req/s, p99 ${fmt(a.p99 / b.p99, 2)}×`;
  return [
    '| | 1 worker | 2 workers | 2 workers / 1 |',
    '|---|---|---|---|',
    `| log off | ${cell(get(1, false))} | ${cell(get(2, false))} | ${ratio(get(2, false), get(1, false))} |`,
    `| log on | ${cell(get(1, true))} | ${cell(get(2, true))} | ${ratio(get(2, true), get(1, true))} |`,
    `| on / off | ${ratio(get(1, true), get(1, false))} | ${ratio(get(2, true), get(2, false))} | |`,
  ];
}

function trailRows(runs: ServiceRun[], verify?: VerifyRun): SummaryRow[] {
  const get = (workers: number, log: boolean) => runs.find((r) => r.workers === workers && r.log === log)!;
  const [off1, on1, on2] = [get(1, false), get(1, true), get(2, true)];
  const service: SummaryRow[] = [
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
  ];
  if (!verify) return service;
  const perMillion = (verify.seconds / verify.entries) * 1e6;
  return [
    ...service,
    {
      measure: `verify-log, s per 1,000,000 entries (${fmt(verify.entries)} measured)`,
      ours: fmt(perMillion, 1),
      target: '≤ 30 s',
      met: perMillion <= 30,
    },
    {
      measure: 'verify-log RSS growth, second half of the run over 20–50% (MB)',
      ours: `${fmt(verify.growthMb)} (peak ${fmt(verify.peakMb)})`,
      target: 'flat',
      met: verify.growthMb < 30,
    },
  ];
}
