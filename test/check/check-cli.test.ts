// `credit-policy check` end to end, through the built CLI: the repo's own policies pass (warnings
// allowed), and each way of breaking a copied rule file, Rego file or rule test gives a positioned
// message and a non-zero exit code.
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { policiesDir, repoRoot } from '../../src/artifacts/artifacts.js';
import { editFile } from '../helper.js';

const cli = `${repoRoot}dist/cli/main.js`;

function check(args: string[], cwd = repoRoot) {
  const r = spawnSync(process.execPath, [cli, 'check', '--lang', 'en', ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('credit-policy check on the repo', () => {
  it("passes on the repo's own policies/ (warnings allowed), running every stage", { timeout: 180_000 }, () => {
    const r = check([]);
    expect(
      r.stdout.split('\n').filter((l) => / error [A-Z]+\d{3}: /.test(l)),
      r.stdout + r.stderr,
    ).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^check passed: 0 errors; \d+ warnings?; rule tests: [1-9]\d* passed, 0 failed$/m);
    expect(r.stdout).toContain('warning RULE060: items[16].criteria says 得5分 but maxPoints is 3');
  });

  it('refuses a path it cannot check with exit code 2', () => {
    const r = check(['no/such/folder']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('no/such/folder: no such folder\n');
  });
});

describe('credit-policy check on a broken copy', () => {
  let work: string;
  const ruleset = 'policies/rulesets/yinfa-2018-102';
  const file = (name: string) => join(work, ruleset, name);
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'credit-policy-check-'));
    await cp(policiesDir, join(work, 'policies'), { recursive: true });
  });
  afterEach(() => rm(work, { recursive: true, force: true }));
  const errors = (out: string) => out.split('\n').filter((l) => l.includes(': error '));

  it.each([
    [
      'a typo in a key',
      'scoring-table.yaml',
      '                points: 0.2\n                clause: 2. 存在领导机制',
      '                pionts: 0.2\n                clause: 2. 存在领导机制',
      /^policies\/rulesets\/yinfa-2018-102\/scoring-table\.yaml:\d+:17: error RULE003: items\[1\.1\]\.rules\[0\] missing required key "points"$/,
      /^policies\/rulesets\/yinfa-2018-102\/scoring-table\.yaml:\d+:17: error RULE003: items\[1\.1\]\.rules\[0\] unknown key "pionts"; allowed keys are: kind, id, finding, clause, interpretations, points, cap$/,
    ],
    [
      'a number written as text',
      'scoring-table.yaml',
      '                points: 0.2\n                clause: 2. 存在领导机制',
      '                points: "0.2"\n                clause: 2. 存在领导机制',
      /^policies\/rulesets\/yinfa-2018-102\/scoring-table\.yaml:\d+:25: error RULE003: items\[1\.1\]\.rules\[0\]\.points must be a number, not "0\.2" \(text\)$/,
    ],
    [
      'a gap between two grade bands',
      'grading.yaml',
      '      from: 75\n      to: 89',
      '      from: 75\n      to: 88',
      /^policies\/rulesets\/yinfa-2018-102\/grading\.yaml:\d+:11: error RULE030: bands\.grades\[B\]\.to scores between 88 and 90 fall in no band$/,
    ],
    [
      'items that no longer add up to their indicator',
      'scoring-table.yaml',
      '            name: 组织设置\n            maxPoints: 1',
      '            name: 组织设置\n            maxPoints: 1.5',
      /^policies\/rulesets\/yinfa-2018-102\/scoring-table\.yaml:\d+:20: error RULE020: dimensions\[d1\]\.indicators\[i1\]\.maxPoints indicator i1 has maxPoints 2, but its items add up to 2\.5$/,
    ],
    [
      'a cap above the item max',
      'scoring-table.yaml',
      '                  points: 2\n                  clause: 扣分最高不超过2分',
      '                  points: 3\n                  clause: 扣分最高不超过2分',
      /^policies\/rulesets\/yinfa-2018-102\/scoring-table\.yaml:\d+:27: error RULE021: items\[3\.2\]\.rules\[0\]\.cap\.points caps the deduction at 3, above the item's maxPoints 2$/,
    ],
    [
      'a dangling trigger',
      'grading.yaml',
      '        - circumstance: obstructedSupervision',
      '        - circumstance: obstructedSupervison',
      /^policies\/rulesets\/yinfa-2018-102\/grading\.yaml:\d+:25: error RULE040: downgrade\.triggers\[art15-7\]\.conditions\[0\]\.circumstance refers to circumstance "obstructedSupervison", which is not declared under circumstances; declared: /,
    ],
  ])(
    '%s is an error at its line, and the rule tests are not run',
    async (_what, name, from, to, ...expected: RegExp[]) => {
      await editFile(file(name), from, to);
      const r = check([ruleset], work);
      expect(r.code).toBe(1);
      expect(errors(r.stdout)).toEqual(expected.map((e) => expect.stringMatching(e)));
      expect(r.stdout).toContain(`info: rule tests of ${ruleset} not run: the rules have errors`);
      expect(r.stdout).toMatch(
        new RegExp(`^check failed: ${expected.length} errors?; \\d+ warnings?; rule tests: 0 passed, 0 failed$`, 'm'),
      );
    },
  );

  it('unformatted Rego is an error with the diff', { timeout: 60_000 }, async () => {
    await editFile(
      join(work, 'policies/rating/rating.rego'),
      'newly_connected if institution.newlyConnected == true',
      'newly_connected if   institution.newlyConnected == true',
    );
    const r = check(['policies/rating', '--no-regal'], work);
    expect(r.code).toBe(1);
    expect(errors(r.stdout)).toEqual([
      expect.stringMatching(
        /^policies\/rating\/rating\.rego:\d+: error REGO002: is not formatted as `opa fmt` would write it; run `opa fmt -w policies\/rating\/rating\.rego`:$/,
      ),
    ]);
    expect(r.stdout).toContain('+newly_connected if institution.newlyConnected == true');
  });

  it('a failing rule test is an error at the test, saying what was expected and what came out', async () => {
    await writeFile(
      file('tests/zz-wrong.yaml'),
      [
        'tests:',
        '  - name: A clean bank (wrongly) expected at 98',
        '    input:',
        '      institution: { name: 某市农村商业银行 }',
        '      year: 2023',
        '      findings:',
        '        "5.1": { userCountDeviationPercent: 0 }',
        '        "6.1": { trainingTargeting: targeted }',
        '        "6.2": { passRatePercent: 100 }',
        '        "6.3": { coveragePercent: 100 }',
        '        "7.3": { dataQualityScore: 100 }',
        '    expect: { score: 98, grade: A }',
        '',
      ].join('\n'),
    );
    const r = check([ruleset], work);
    expect(r.code).toBe(1);
    expect(errors(r.stdout)).toEqual([
      'policies/rulesets/yinfa-2018-102/tests/zz-wrong.yaml:2:5: error TEST002: tests[0] rule test "A clean bank (wrongly) expected at 98" failed: score: expected 98, got 97',
    ]);
    expect(r.stdout).toMatch(/rule tests: \d+ passed, 1 failed$/m);
  });

  it('a malformed rule test file is an error at the key', async () => {
    await writeFile(file('tests/zz-malformed.yaml'), 'tests:\n  - name: no expectation\n    expected: { score: 97 }\n');
    const r = check([ruleset], work);
    expect(r.code).toBe(1);
    expect(errors(r.stdout)).toEqual([
      expect.stringMatching(
        /^policies\/rulesets\/yinfa-2018-102\/tests\/zz-malformed\.yaml:2:5: error TEST001: tests\[0\] missing required key "expect"$/,
      ),
      expect.stringMatching(
        /^policies\/rulesets\/yinfa-2018-102\/tests\/zz-malformed\.yaml:3:5: error TEST001: tests\[0\] unknown key "expected"; allowed keys are: name, source, input, expect$/,
      ),
    ]);
  });
});
