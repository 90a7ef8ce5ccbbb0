// The CLI end to end: the built command on the examples, from a file and from standard input, and
// its exit codes and messages on bad input.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';

const cli = `${repoRoot}dist/cli/main.js`;

function run(args: string[], stdin?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, input: stdin, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('credit-policy evaluate', () => {
  it.each([
    ['examples/clean-bank.json', 99, 'A'],
    ['examples/typical-bank.json', 82, 'B'],
    ['examples/zero-score-bank.json', 0, 'D'],
  ])('rates %s: %s points, grade %s', (file, score, grade) => {
    const r = run(['evaluate', file, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect([result.score, result.grade]).toEqual([score, grade]);
  });

  it('prints the interpretations in Chinese by default and everything it can in English with --lang en', () => {
    const zh = run(['evaluate', 'examples/typical-bank.json']);
    expect(zh.stdout).toContain('所依据的解释（原文有歧义之处）：');
    expect(zh.stdout).toContain(
      '  [coverage-60-to-100] 6.3：覆盖面达到60%及以上但不足100%的，与覆盖面不足60%相同，得1分。',
    );
    const en = run(['evaluate', 'examples/typical-bank.json', '--lang', 'en']);
    expect(en.code).toBe(0);
    expect(en.stdout).toContain('Score: 82    Grade: B');
    expect(en.stdout).toContain('Interpretations relied on (where the source is ambiguous):');
    expect(en.stdout).toContain(
      '  [coverage-60-to-100] 6.3: A coverage of 60% or more but below 100% scores 1 point, like a coverage below 60%.',
    );
    // The clauses are quotations of the source: Chinese in both.
    expect(en.stdout).toContain('每次扣1分，扣完为止。');
    const bad = run(['evaluate', 'examples/typical-bank.json', '--lang', 'fr']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--lang.*zh, en/);
  });

  it('prints a readable breakdown in the table wording', () => {
    const r = run(['evaluate', 'examples/typical-bank.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('考核计分：82 分    等级：B');
    expect(r.stdout).toContain('  5.2 实名与备案  0.6 / 2');
    expect(r.stdout).toContain('    扣 1 分 × 3（已达扣分上限）  未按规定进行报备的，每次扣0.5分，扣分最高不超过1分。');
    expect(r.stdout).toContain('监管措施（B 级）');
  });

  it('reads standard input with -', () => {
    const r = run(['evaluate', '-', '--json'], readFileSync(`${repoRoot}examples/newly-connected.json`, 'utf8'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rated: false, grade: null, score: null });
  });

  it('refuses a misspelled finding with its JSON path and the allowed keys, exit 1', () => {
    const input = JSON.parse(readFileSync(`${repoRoot}examples/clean-bank.json`, 'utf8'));
    input.findings['1.1'] = { organisationDefficiencies: 2 };
    const r = run(['evaluate', '-'], JSON.stringify(input));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      '<stdin>: /findings/1.1/organisationDefficiencies: unknown key "organisationDefficiencies"; allowed keys are: organisationDeficiencies\n',
    );
    expect(r.stdout).toBe('');
  });

  it('names the line and column of malformed JSON', () => {
    const r = run(['evaluate', '-'], '{\n  "year": 2023,\n  "institution" {}\n}');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^<stdin>:3:17: not valid JSON/);
  });

  it('says so when the file does not exist, exit 2', () => {
    const r = run(['evaluate', 'no-such-case.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('cannot read no-such-case.json: no such file\n');
  });
});

describe('credit-policy evaluate reads one input one way (issue 14)', () => {
  it.each([
    [
      'a duplicate key',
      '{"institution":{"name":"A","name":"中国工商银行"},"year":2023,"findings":{}}',
      '<stdin>:1:28: the key "name" appears twice in one object; a key may be given once (at /institution/name)\n',
    ],
    [
      'a lone surrogate',
      '{"institution":{"name":"x\\ud800"},"year":2023,"findings":{}}',
      '<stdin>:1:26: a string holds a lone surrogate (U+D800), which is not a character: text must be well-formed Unicode (at /institution/name)\n',
    ],
    [
      'a zero-width space in the name',
      '{"institution":{"name":"中国工商银行\\u200b"},"year":2023,"findings":{}}',
      '<stdin>: /institution/name: holds the invisible character U+200B (zero-width space) at character 7; names may hold only visible characters and inner spaces\n',
    ],
  ])('refuses %s, exit 1, naming where', (_what, input, message) => {
    const r = run(['evaluate', '-'], input);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(message);
  });
});
