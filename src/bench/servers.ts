// Bench: starts the two servers under test as child processes on loopback: ours (the committed
// generated/ on Node) and OPA's own server on the same Rego and data.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { regoDirs, repoRoot } from '../artifacts/artifacts.js';
import { generateSecret, hashSecret } from '../security/api-keys.js';

export interface Running {
  url: string;
  pid: number;
  /** Headers every request must carry (our service's API key; nothing for OPA). */
  headers: Record<string, string>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/** startOurs: the service as `npm start` runs it, with one bench key and no per-key rate limit
 * (the load generator is one caller sending far more than a person would). */
export async function startOurs(nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const secret = generateSecret();
  const keys = JSON.stringify({ keys: [{ name: 'bench', hash: hashSecret(secret), scopes: ['evaluate', 'read'] }] });
  const child = spawn(process.execPath, [...nodeArgs, join(repoRoot, 'dist/server/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      API_KEYS: keys,
      RATE_LIMIT_MAX: '0',
      MAX_IN_FLIGHT: '4096',
      // One load generator is one caller: no per-key share.
      MAX_IN_FLIGHT_PER_KEY: '0',
      BATCH_MAX_ELEMENTS: '1000000',
      // One process unless a run asks for more: the comparisons with OPA are per process.
      WORKERS: '1',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  // Several workers each load and test the rules; on a loaded machine that takes a while.
  await waitFor(`${url}/readyz`, child, 180_000).catch(async (err) => {
    await stopper(child)();
    throw err;
  });
  return { url, pid: child.pid!, headers: { authorization: `Bearer ${secret}` }, stop: stopper(child) };
}

export async function startOpa(opa: string, data: unknown, dir: string): Promise<Running> {
  const port = await freePort();
  const dataFile = join(dir, 'data.json');
  await writeFile(dataFile, JSON.stringify(data));
  const child = spawn(
    opa,
    [
      'run',
      '--server',
      '--addr',
      `127.0.0.1:${port}`,
      '--log-level',
      'error',
      '--ignore',
      '*_test.rego',
      ...regoDirs.filter((d) => d.endsWith('rating')),
      dataFile,
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/health`, child);
  return { url, pid: child.pid!, headers: {}, stop: stopper(child) };
}
