// The pull-request review, run locally as the workflow runs it: a temporary git repository with the
// repo's policies/ and part of the synthetic corpus, one commit that raises one deduction (5.2
// 未按规定进行报备: 0.5 → 1 per user) without updating its rule tests, and scripts/pr-review.mjs against
// the commit before, with GITHUB_STEP_SUMMARY pointed at a file. What the reviewer reads: the
// annotation of the failing rule test, the diff entry and the cases that moved.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';

const dir = mkdtempSync(join(tmpdir(), 'credit-policy-pr-'));
const git = (...args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
// The first 600 synthetic cases keep the run short; line numbers are those of the full corpus.
const cases = readFileSync(`${repoRoot}corpus/synthetic-cases.ndjson`, 'utf8').split('\n').slice(0, 600);
let run: { status: number | null; stdout: string; stderr: string };
let summary: string;
let comment: string;

beforeAll(() => {
  cpSync(`${repoRoot}policies`, join(dir, 'policies'), { recursive: true });
  cpSync(`${repoRoot}corpus`, join(dir, 'corpus'), { recursive: true });
  writeFileSync(join(dir, 'corpus', 'synthetic-cases.ndjson'), `${cases.join('\n')}\n`);
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'base');
  const table = join(dir, 'policies/rulesets/yinfa-2018-102/scoring-table.yaml');
  const text = readFileSync(table, 'utf8');
  const before = 'finding: usersNotRegistered\n                points: 0.5\n';
  expect(text).toContain(before);
  writeFileSync(table, text.replace(before, 'finding: usersNotRegistered\n                points: 1\n'));
  git('commit', '-qam', '5.2: one point per user not registered');
  const r = spawnSync(process.execPath, [`${repoRoot}scripts/pr-review.mjs`, '--base', 'HEAD~1'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_STEP_SUMMARY: join(dir, 'summary.md') },
  });
  run = r;
  summary = readFileSync(join(dir, 'summary.md'), 'utf8');
  comment = readFileSync(join(dir, 'pr-review.md'), 'utf8');
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the pull-request review of a change of one deduction', () => {
  it('fails like check, and annotates the rule test the change breaks, at its line', () => {
    expect(run.status).toBe(1);
    // Line 79 of d2-people-and-users.yaml is the test of one user not registered, which the text
    // (每次扣0.5分) gives 0.5 and the changed rule 1: 97 - 1 = 96, not 96.5.
    expect(run.stdout).toContain(
      '::error file=policies/rulesets/yinfa-2018-102/tests/d2-people-and-users.yaml,line=79,col=5,title=TEST002 规则测试未通过::',
    );
    expect(run.stdout).toContain('score：预期 96.5，实为 96');
    expect(summary).toContain(
      '- ❌ `policies/rulesets/yinfa-2018-102/tests/d2-people-and-users.yaml:79` **TEST002 规则测试未通过**',
    );
    expect(summary).toContain('### 检查未通过');
    expect(summary).toMatch(/检查未通过：2 个错误；\d+ 个警告；规则测试：\d+ 个通过，2 个未通过/);
  });

  it('shows the diff entry: the one deduction, with its clause', () => {
    expect(summary).toContain('**共 1 处变化：1 扣分**');
    expect(summary).toContain('### 二级指标 5.2 实名与备案');
    expect(summary).toContain('- **扣分** `rules[5.2:user-not-registered].points`: 0.5 → 1');
    expect(summary).toContain('  - 条文：未按规定进行报备的，每次扣0.5分，扣分最高不超过1分。');
  });

  it('shows the cases that moved: only those with one user not registered, since the 1-point cap holds two', () => {
    const moving = cases
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((c) => !c.institution.newlyConnected && c.findings['5.2']?.usersNotRegistered === 1).length;
    expect(moving).toBe(27);
    expect(summary).toContain('共 600 个案例：27 个变化（27 个得分降低，0 个升高），573 个不变');
    expect(summary).toContain('引起变化的规则：5.2:user-not-registered (27)');
    // Case 18: 90.3 was A (90 分-100 分为 A 级); half a point more makes 89.8, which is B.
    expect(summary).toContain('corpus/synthetic-cases.ndjson:18  90.3 A → 89.8 B   5.2:user-not-registered 0.5 → 1');
    expect(summary).toContain('<summary>发生变化的案例：27 个（显示前 27 个）</summary>');
  });

  it('writes the same text as the comment body, which starts with the marker exactly once', () => {
    expect(comment).toBe(summary);
    expect(comment.startsWith('<!-- credit-policy-review -->\n')).toBe(true);
    expect(comment.split('<!-- credit-policy-review -->')).toHaveLength(2);
  });
});
