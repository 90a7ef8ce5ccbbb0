// The workflow files: linted by the pinned actionlint (installed as a Go module when missing), and the
// policy review's one comment updated rather than repeated, with a stand-in for GitHub's API.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { ensureActionlint } from '../../src/toolchain/ensure-actionlint.js';

const require = createRequire(import.meta.url);
const { marker, upsertReviewComment } = require(`${repoRoot}scripts/pr-comment.cjs`);

let actionlint: string;
beforeAll(() => {
  actionlint = ensureActionlint(() => {});
}, 600_000);

describe('the workflows', () => {
  it('lint clean with actionlint', () => {
    const r = spawnSync(actionlint, ['-color=false', '.github/workflows/policy-review.yml'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('run on pull requests that change policies/, and review them with the script the tests run', () => {
    const yml = readFileSync(`${repoRoot}.github/workflows/policy-review.yml`, 'utf8');
    expect(yml).toMatch(/pull_request:\n\s+paths:\n\s+- "policies\/\*\*"/);
    expect(yml).toContain('node scripts/pr-review.mjs --base "$BASE_SHA" --out pr-review.md');
    expect(yml).toContain('scripts/pr-comment.cjs');
    expect(readFileSync(`${repoRoot}.github/CODEOWNERS`, 'utf8')).toMatch(/^\/policies\/ +@/m);
    expect(readFileSync(`${repoRoot}.github/pull_request_template.md`, 'utf8')).toMatch(
      /条款 Clause[\s\S]*理由 Reason[\s\S]*适用年度 Years in force/,
    );
  });
});

describe('the review comment', () => {
  /** A stand-in for the parts of GitHub's REST client the comment uses, holding the comments in memory. */
  function fakeGithub(comments: { id: number; body: string; user: { type: string } }[]) {
    let next = 100;
    return {
      comments,
      paginate: async (fn: (p: unknown) => Promise<{ data: unknown[] }>, params: unknown) => (await fn(params)).data,
      rest: {
        issues: {
          listComments: async () => ({ data: comments }),
          createComment: async ({ body }: { body: string }) => {
            const c = { id: next++, body, user: { type: 'Bot' } };
            comments.push(c);
            return { data: c };
          },
          updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
            const c = comments.find((x) => x.id === comment_id)!;
            c.body = body;
            return { data: c };
          },
        },
      },
    };
  }
  const context = { repo: { owner: 'o', repo: 'r' }, issue: { number: 7 } };

  it('is created once, then updated on every later push, leaving people quoting the marker alone', async () => {
    const github = fakeGithub([{ id: 1, body: `${marker} quoted by a person`, user: { type: 'User' } }]);
    expect(await upsertReviewComment({ github, context, body: `${marker}\nfirst` })).toEqual({
      action: 'created',
      id: 100,
    });
    expect(await upsertReviewComment({ github, context, body: `${marker}\nsecond` })).toEqual({
      action: 'updated',
      id: 100,
    });
    expect(github.comments.map((c) => c.body)).toEqual([`${marker} quoted by a person`, `${marker}\nsecond`]);
  });

  it('refuses a body without the marker, which could never be found again', async () => {
    await expect(upsertReviewComment({ github: fakeGithub([]), context, body: 'no marker' })).rejects.toThrow(/marker/);
  });
});
