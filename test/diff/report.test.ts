// The renderings of a diff: one golden text, Markdown that rule text cannot break, one self-contained
// HTML page with every string escaped, and the CLI's formats and exit codes end to end.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { diffRulesets, type RulesetDiff } from '../../src/diff/diff.js';
import { loadRuleset } from '../../src/rules/load.js';
import { renderDiffHtml } from '../../src/render/diff/html.js';
import { renderDiffMarkdown } from '../../src/render/diff/markdown.js';
import { renderDiffText } from '../../src/render/diff/text.js';
import { fixtureBase, fixtureRulesets, scratchRulesets } from '../fixtures/helpers.js';
import { editFile } from '../helper.js';

const cli = `${repoRoot}dist/cli/main.js`;
function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, '--lang', 'en', ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let oneChange: RulesetDiff;
let scratch: string;
beforeAll(async () => {
  scratch = join(await scratchRulesets(), 'yinfa-2018-102');
  await editFile(
    join(scratch, 'scoring-table.yaml'),
    '                points: 0.2\n                clause: 2. 存在领导机制',
    '                points: 0.3\n                clause: 2. 存在领导机制',
  );
  oneChange = diffRulesets(await loadRuleset(fixtureBase), await loadRuleset(scratch), { from: 'before', to: 'after' });
});

// A diff whose texts try to break out of their format.
const hostile: RulesetDiff = {
  from: {
    id: 'a',
    hash: 'sha256:aa',
    source: 'a',
    title: 'A <b>',
    effective: { fromYear: 2018, untilYear: null },
    region: null,
  },
  to: {
    id: 'b',
    hash: 'sha256:bb',
    source: 'b',
    title: 'B',
    effective: { fromYear: 2025, untilYear: null },
    region: '浙江',
  },
  same: false,
  changes: [
    {
      section: 'item',
      kind: 'deduction',
      action: 'changed',
      item: '1.1',
      path: 'items[1.1].rules[x].points',
      from: 0.2,
      to: 0.3,
      clause: {
        from: '每项扣0.2分 | *bold* _it_ <script>alert(1)</script> [link](http://x) `code`',
        to: 'a & b\nnext line',
      },
    },
  ],
  itemNames: { '1.1': '组织设置' },
  counts: { deduction: 1 },
};

describe('the text rendering', () => {
  it('is item by item, with the clause of both sides', () => {
    expect(renderDiffText(oneChange, 'en')).toBe(
      [
        `from yinfa-2018-102 (before)  2018–2024  ${oneChange.from.hash}`,
        `to   yinfa-2018-102 (after)  2018–2024  ${oneChange.to.hash}`,
        '',
        '1 change: 1 deduction',
        '',
        'Item 1.1 组织设置',
        '  ~ deduction  rules[1.1:organisation-deficiency].points: 0.2 → 0.3',
        '      clause:        2. 存在领导机制不健全、牵头部门不明确或者部门岗位设置不合理的,每项扣0.2分,扣完为止。',
        '',
      ].join('\n'),
    );
  });

  it('says so when there is nothing to report', () => {
    expect(renderDiffText({ ...oneChange, same: true, changes: [], counts: {} }, 'en')).toContain(
      'No change: the two rulesets are the same rules.',
    );
  });
});

describe('the Markdown rendering', () => {
  it('escapes rule text so that it cannot make links, tables, markup or HTML', () => {
    const md = renderDiffMarkdown(hostile, 'en');
    expect(md).toContain(
      '  - clause before: 每项扣0.2分 \\| \\*bold\\* \\_it\\_ \\<script\\>alert(1)\\</script\\> \\[link\\](http://x) \\`code\\`',
    );
    expect(md).toContain('  - clause after: a \\& b next line');
    expect(md).toContain('### Item 1.1 组织设置');
    expect(md).toContain('- **deduction** `rules[x].points`: 0.2 → 0.3');
  });
});

describe('the HTML rendering', () => {
  it('is one page with no scripts or outside resources, every string escaped', () => {
    const html = renderDiffHtml(hostile, 'en');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|href=/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<title>Rules diff: a → b</title>');
    expect(html).toContain('A &lt;b&gt;');
  });
});

describe('credit-policy diff', () => {
  it('prints the text diff of two folders and exits 0', () => {
    const r = run('diff', fixtureBase, scratch);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  ~ deduction  rules[1.1:organisation-deficiency].points: 0.2 → 0.3');
  });

  it.each([
    ['--json', (out: string) => expect(JSON.parse(out)).toMatchObject({ same: false, counts: { deduction: 1 } })],
    ['--markdown', (out: string) => expect(out).toMatch(/^## Rules diff: `yinfa-2018-102` → `yinfa-2018-102`/)],
    ['--html', (out: string) => expect(out).toMatch(/^<!DOCTYPE html>/)],
  ])('prints %s', (flag, check) => {
    const r = run('diff', fixtureBase, scratch, flag);
    expect(r.code).toBe(0);
    check(r.stdout);
  });

  it('with --exit-code exits 1 on a change and 0 on the same rules', () => {
    expect(run('diff', fixtureBase, scratch, '--exit-code').code).toBe(1);
    expect(run('diff', fixtureBase, fixtureBase, '--exit-code').code).toBe(0);
  });

  it('looks ids up in --rules', () => {
    const r = run('diff', 'yinfa-2018-102', 'yinfa-2018-102-amended-2025', '--rules', fixtureRulesets, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).counts.band).toBe(5);
  });

  it('refuses a name that is no ruleset, and two formats at once, with exit 2', () => {
    expect(run('diff', 'no-such-ruleset', fixtureBase)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/"no-such-ruleset" is neither a folder nor a ruleset of/),
    });
    expect(run('diff', fixtureBase, scratch, '--json', '--html')).toMatchObject({
      code: 2,
      stderr: 'choose one of --json, --markdown and --html\n',
    });
    // The last --lang wins, as commander reads it.
    expect(run('--lang', 'zh', 'diff', fixtureBase, scratch, '--json', '--html')).toMatchObject({
      code: 2,
      stderr: '--json、--markdown 与 --html 只能选一个\n',
    });
  });
});
