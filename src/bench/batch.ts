// Bench section: a large batch through the CLI (worker threads) and through the service's NDJSON
// batch endpoint, each timed with its peak memory.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { repoRoot } from '../artifacts/artifacts.js';
import { generateCases } from './cases.js';
import { numberArg, type Section } from './section.js';
import { type Running, startOurs } from './servers.js';
import { fmt, rssMb } from './stats.js';

export const batchSection: Section = {
  name: 'batch',
  async run(ctx) {
    const n = numberArg(ctx, 'batch', 100_000);
    const dir = await mkdtemp(join(tmpdir(), 'credit-policy-bench-batch-'));
    try {
      const file = join(dir, 'cases.ndjson');
      await writeFile(
        file,
        `${generateCases(ctx.rs, n, 7)
          .map((c) => JSON.stringify(c.input))
          .join('\n')}\n`,
      );
      const cli = await runCliBatch(file);
      const ours = await startOurs();
      const service = await postBatch(ours, file).finally(() => ours.stop());
      return {
        lines: [
          `## Batch of ${fmt(n)} cases`,
          `- CLI \`credit-policy batch\` (worker threads, one per core): ${fmt(cli.seconds, 1)} s, ${fmt(n / cli.seconds)} cases/s, peak RSS ${fmt(cli.peakMb)} MB`,
          `- POST /v1/evaluate/batch as NDJSON (one server process): ${fmt(service.seconds, 1)} s, ${fmt(service.lines)} answers, server peak RSS ${fmt(service.peakMb)} MB`,
        ],
        rows: [
          {
            measure: `batch ${fmt(n)} via CLI (s)`,
            ours: fmt(cli.seconds, 1),
            target: '< 30 s',
            met: cli.seconds < 30,
          },
          { measure: 'batch peak RSS (MB)', ours: fmt(cli.peakMb), target: '< 300 MB', met: cli.peakMb < 300 },
        ],
        gaps: [
          cli.seconds >= 30 && `the CLI batch took ${fmt(cli.seconds / 30, 2)}× the 30 s asked for`,
          cli.peakMb >= 300 && `the CLI batch peaked ${fmt(cli.peakMb - 300)} MB over 300 MB`,
        ].filter((g): g is string => typeof g === 'string'),
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

async function runCliBatch(file: string): Promise<{ seconds: number; peakMb: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(repoRoot, 'dist/cli/main.js'), 'batch', file], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  let peakMb = 0;
  const timer = setInterval(() => {
    peakMb = Math.max(peakMb, rssMb(child.pid!).peak || 0);
  }, 50);
  await new Promise((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  return { seconds: (performance.now() - t0) / 1000, peakMb };
}

async function postBatch(server: Running, file: string): Promise<{ seconds: number; lines: number; peakMb: number }> {
  const t0 = performance.now();
  let peakMb = 0;
  const timer = setInterval(() => {
    peakMb = Math.max(peakMb, rssMb(server.pid).peak || 0);
  }, 50);
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
