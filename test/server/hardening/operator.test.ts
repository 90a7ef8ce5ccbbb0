// Issue 14, probe 6: operator mistakes end in one line, never a stack trace. The service at start
// (a port in use, an OPERATIONS_LOG it cannot write: exit 2) and the CLI's --out (a missing folder, a
// folder, a symbolic link, a full device: exit 1, the file it names untouched).
import { spawn, spawnSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../src/artifacts/artifacts.js';
import { OutputError, writeOutput } from '../../../src/cli/io.js';

const main = `${repoRoot}dist/server/main.js`;
const cli = `${repoRoot}dist/cli/main.js`;

/** startMain runs the service until it exits (it should, at once) and gives its code and stderr. */
function startMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [main], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    }),
  );
}

describe('the service at start', () => {
  it('a port in use: "cannot start: …", exit 2, no trace', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await startMain({ PORT: String(port) });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `cannot start: 127.0.0.1:${port} is already in use by another process: stop it, or set PORT (or HOST) to a free one\n`,
      );
    } finally {
      blocker.close();
    }
  }, 40_000);

  it('an OPERATIONS_LOG that cannot be written: one line, exit 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ops-log-'));
    const r = await startMain({ OPERATIONS_LOG: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^cannot start: OPERATIONS_LOG=${dir} cannot be written: EISDIR`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  }, 40_000);
});

describe('credit-policy report render --out', () => {
  let dir: string;
  const render = (out: string) => {
    const r = spawnSync(
      process.execPath,
      [
        cli,
        'report',
        'render',
        'test/obligations/fixtures/2024-09.json',
        '--format',
        'csv',
        '--as-of',
        '2025-01-01',
        '--out',
        out,
      ],
      { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 },
    );
    return { code: r.status, stderr: r.stderr };
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'out-'));
  });

  it('writes the file, leaving no temporary file beside it', async () => {
    const out = join(dir, 'table.csv');
    expect(render(out)).toEqual({ code: 0, stderr: '' });
    expect((await readFile(out, 'utf8')).length).toBeGreaterThan(0);
    expect(await readdir(dir)).toEqual(['table.csv']);
  });

  it('into a missing folder: one line, exit 1', () => {
    const out = join(dir, 'nope', 'table.csv');
    expect(render(out)).toEqual({
      code: 1,
      stderr: `cannot write ${out}: the folder ${join(dir, 'nope')} does not exist\n`,
    });
  });

  it('onto a folder: one line, exit 1', async () => {
    const out = join(dir, 'a-folder');
    await mkdir(out);
    expect(render(out)).toEqual({ code: 1, stderr: `cannot write ${out}: it is a folder; give a file name\n` });
  });

  it('through a symbolic link: refused, exit 1, the file it points to untouched', async () => {
    const target = join(dir, 'keys.json');
    await writeFile(target, '{"keys":[]}\n');
    const link = join(dir, 'link.csv');
    await symlink(target, link);
    expect(render(link)).toEqual({
      code: 1,
      stderr: `cannot write ${link}: it is a symbolic link; give the path of a regular file\n`,
    });
    expect(await readFile(target, 'utf8')).toBe('{"keys":[]}\n');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
  });

  it('onto a device such as /dev/full: one line, exit 1', () => {
    expect(render('/dev/full')).toEqual({ code: 1, stderr: 'cannot write /dev/full: it is not a regular file\n' });
  });

  it('on a full device: one message, the old file as it was, no temporary file left', async () => {
    const out = join(dir, 'kept.csv');
    await writeFile(out, 'old\n');
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const error = await writeOutput(out, 'new\n', async () => {
      throw full;
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toBe(
      `cannot write ${out}: no space left on the device (the file was not changed)`,
    );
    expect(await readFile(out, 'utf8')).toBe('old\n');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
