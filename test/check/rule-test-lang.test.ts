// A failed rule test says what failed in the reader's language: Chinese by default, English with
// `--lang en` (the same text the check JSON keeps in `params.failures`), through the built CLI.
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';

const cli = `${repoRoot}dist/cli/main.js`;
let work: string;
let outputs: Record<'zh' | 'en' | 'json' | 'junitZh' | 'junitEn', string>;

// Each test fails on purpose. The tiny ruleset: item a (6 points, a:lapse 1 point each: one lapse leaves 5),
// item b (4 points, b:rate tiers); a local bank (not in institutions.yaml).
const tests = `base:
  institution: { name: 某测试银行 }
  year: 2023
  findings:
    b: { ratePercent: 95 }
tests:
  - name: wrong item and type
    input: { findings: { a: { lapses: 1 } } }
    expect: { items: { a: 1 }, institutionType: national }
  - name: a rule that does not apply
    expect: { deductions: { "a:lapse": 1 }, interpretations: [lower-bound] }
  - name: not refused
    expect: { refused: [/year] }
  - name: refused
    input: { year: "x" }
    expect: { score: 10 }
`;

function check(lang: string[], format = 'text') {
  const r = spawnSync(process.execPath, [cli, 'check', join(work, 'tiny'), '--format', format, ...lang], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return r.stdout;
}
const failed = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.includes('TEST002'))
    .map((l) => l.replace(/^.*?tests\[\d\] /, ''));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'credit-policy-rule-test-lang-'));
  await cp(`${repoRoot}test/check/fixtures/tiny`, join(work, 'tiny'), { recursive: true });
  await writeFile(join(work, 'tiny/tests/basic.yaml'), tests);
  outputs = {
    zh: check([]),
    en: check(['--lang', 'en']),
    json: check(['--lang', 'en'], 'json'),
    junitZh: check([], 'junit'),
    junitEn: check(['--lang', 'en'], 'junit'),
  };
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('rule-test failures in check', () => {
  it('are said in Chinese by default', () => {
    const lines = failed(outputs.zh);
    expect(lines[0]).toBe(
      '规则测试“wrong item and type”未通过：机构类型：预期 "national"，实为 "local"；二级指标 a：预期 1，实为 5',
    );
    expect(lines[1]).toBe(
      '规则测试“a rule that does not apply”未通过：规则 a:lapse：预期扣 1 分，但该规则未适用；解释 lower-bound：预期列出，但列出的是：无',
    );
    expect(lines[2]).toBe('规则测试“not refused”未通过：预期输入被拒绝，但它被评级了');
    expect(lines[3]).toMatch(/^规则测试“refused”未通过：输入被拒绝：\/year /);
  });

  it('are said in English with --lang en, as before', () => {
    const lines = failed(outputs.en);
    expect(lines[0]).toBe(
      'rule test "wrong item and type" failed: institution type: expected "national", got "local"; item a: expected 1, got 5',
    );
    expect(lines[1]).toBe(
      'rule test "a rule that does not apply" failed: rule a:lapse: expected 1 points, but it did not apply; interpretation lower-bound: expected it to be listed; listed: none',
    );
    expect(lines[2]).toBe('rule test "not refused" failed: expected the input to be refused, but it was rated');
    expect(lines[3]).toMatch(/^rule test "refused" failed: the input was refused: \/year /);
  });

  it('keep their English text in the JSON, with the messages beside it', () => {
    const report = JSON.parse(outputs.json);
    const d = report.diagnostics.find(
      (x: { code: string; params: { name: string } }) => x.params?.name === 'not refused',
    );
    expect(d.params.failures).toBe('expected the input to be refused, but it was rated');
    expect(d.params.details).toEqual({ key: 'diag.test.notRefused' });
    const first = report.ruleTests.tests.find((t: { name: string }) => t.name === 'wrong item and type');
    expect(first.failures).toEqual(['institution type: expected "national", got "local"', 'item a: expected 1, got 5']);
  });

  it("are said in the reader's language in JUnit too: one failure per line, Chinese by default", () => {
    const failure = (xml: string, name: string) =>
      new RegExp(`<testcase name="${name}"[^>]*>\\s*<failure message="([^"]*)" type="TEST002">([^<]*)</failure>`).exec(
        xml,
      );
    const zh = failure(outputs.junitZh, 'wrong item and type');
    expect(zh?.[1]).toBe('机构类型：预期 &quot;national&quot;，实为 &quot;local&quot;；二级指标 a：预期 1，实为 5');
    expect(zh?.[2]).toBe('机构类型：预期 &quot;national&quot;，实为 &quot;local&quot;\n二级指标 a：预期 1，实为 5');
    expect(failure(outputs.junitZh, 'not refused')?.[1]).toBe('预期输入被拒绝，但它被评级了');
    const en = failure(outputs.junitEn, 'wrong item and type');
    expect(en?.[1]).toBe(
      'institution type: expected &quot;national&quot;, got &quot;local&quot;; item a: expected 1, got 5',
    );
    expect(en?.[2]).toBe(
      'institution type: expected &quot;national&quot;, got &quot;local&quot;\nitem a: expected 1, got 5',
    );
  });

  it("keep their messages beside the English in the JSON's rule-test records", () => {
    const report = JSON.parse(outputs.json);
    const first = report.ruleTests.tests.find((t: { name: string }) => t.name === 'wrong item and type');
    expect(first.failureMessages).toEqual([
      {
        key: 'diag.test.mismatch',
        params: { what: { key: 'diag.test.what.institutionType' }, expected: '"national"', actual: '"local"' },
      },
      {
        key: 'diag.test.mismatch',
        params: { what: { key: 'diag.test.what.item', params: { id: 'a' } }, expected: '1', actual: '5' },
      },
    ]);
  });
});
