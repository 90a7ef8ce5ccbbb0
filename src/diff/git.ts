// Diff stage: rule files read from a git revision with `git show rev:path`, never a checkout, so a
// diff or a replay can look at the rules as they were without touching the work tree.
import { execFile } from 'node:child_process';
import { posix } from 'node:path';
import { promisify } from 'node:util';
import type { RuleFolder } from '../rules/load.js';

const run = promisify(execFile);

/** GitError: git could not answer (not a repository, an unknown revision, no such path). */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

/** git runs one read-only git command in `repo` and returns its standard output. */
export async function git(repo: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd: repo, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string; code?: string };
    if (e.code === 'ENOENT') throw new GitError('git is not installed or not on PATH');
    throw new GitError((e.stderr ?? '').trim().split('\n')[0] || e.message);
  }
}

/** gitFolder reads a ruleset folder at `rev`; `path` is relative to the top of the repository. */
export function gitFolder(repo: string, rev: string, path: string): RuleFolder {
  const dir = cleanPath(path);
  return {
    dir: `${rev}:${dir}`,
    label: (name) => `${rev}:${posix.join(dir, name)}`,
    read: (name) => git(repo, ['show', `${rev}:${posix.join(dir, name)}`]),
    sibling: (id) => gitFolder(repo, rev, posix.join(posix.dirname(dir), id)),
  };
}

/** resolveRevision turns a revision (`main~3`, a tag, a hash) into a commit hash, or throws GitError. */
export async function resolveRevision(repo: string, rev: string): Promise<string> {
  try {
    return (await git(repo, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])).trim();
  } catch {
    throw new GitError(`"${rev}" is not a revision of the git repository at ${repo}`);
  }
}

/** commitsTouching lists, newest first, the commits that changed any of `paths` (repo-relative). */
export async function commitsTouching(repo: string, paths: string[]): Promise<string[]> {
  const out = await git(repo, ['log', '--format=%H', '--', ...paths.map(cleanPath)]);
  return out.split('\n').filter(Boolean);
}

/** topLevel is the root of the repository holding `dir`. */
export async function topLevel(dir: string): Promise<string> {
  return (await git(dir, ['rev-parse', '--show-toplevel'])).trim();
}

function cleanPath(path: string): string {
  return posix.normalize(path.replaceAll('\\', '/')).replace(/^\.\//, '').replace(/\/+$/, '');
}
