// `credit-policy keys`: one command makes a key for one user or service, prints the secret once and
// stores only its digest, rewriting the keys file atomically (owner-only); names are never shared. Its
// messages are asserted in English (`--lang en`); Chinese is the default.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { hashSecret } from '../../src/security/api-keys.js';

const cli = `${repoRoot}dist/cli/main.js`;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, '--lang', 'en', 'keys', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('credit-policy keys', () => {
  it('adds a key: the secret once on stdout, only its sha256 in the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keys-'));
    const file = join(dir, 'keys.json');
    const added = run('add', 'alice@branch-hz', '--scopes', 'evaluate,read', '--file', file);
    expect(added.code).toBe(0);
    const secret = added.stdout.trim();
    expect(secret).toMatch(/^cpk_[A-Za-z0-9_-]{43}$/);
    expect(added.stderr).toContain('shown only now');
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toEqual({
      keys: [
        {
          name: 'alice@branch-hz',
          hash: hashSecret(secret),
          scopes: ['evaluate', 'read'],
          created: expect.any(String),
        },
      ],
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    expect(run('add', 'batch-runner', '--scopes', 'evaluate', '--rate-limit', '5000', '--file', file).code).toBe(0);
    expect(run('list', '--file', file).stdout).toMatch(
      /^alice@branch-hz\tevaluate,read\tcreated .*\nbatch-runner\tevaluate\trate-limit 5000\tcreated .*\n$/,
    );
    // Written by rename: nothing left beside the file.
    expect(await readdir(dir)).toEqual(['keys.json']);
  });

  it('refuses a second key for the same name, unknown scopes and bad names, and removes a key', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'keys-')), 'keys.yaml');
    expect(run('add', 'svc', '--scopes', 'read', '--file', file).code).toBe(0);
    const again = run('add', 'svc', '--scopes', 'read', '--file', file);
    expect([again.code, again.stderr]).toEqual([
      2,
      `${file} already has a key for "svc": remove it first (credit-policy keys remove svc) to replace it\n`,
    ]);
    expect(run('add', 'other', '--scopes', 'read,write', '--file', file).stderr).toBe(
      '--scopes "read,write": unknown write; allowed: evaluate, read, admin\n',
    );
    expect(run('add', 'two words', '--scopes', 'read', '--file', file).code).toBe(2);
    expect(run('remove', 'svc', '--file', file).code).toBe(0);
    expect(run('list', '--file', file).stdout).toBe(`${file}: no keys\n`);
    expect(run('remove', 'svc', '--file', file).code).toBe(2);
  });
});
