// `check --format json`, from the built CLI, validated against schemas/check/check-report.schema.json:
// on the tiny fixture (a warning, a failing rule test, coverage gaps) in English and Chinese, and on a
// copy with a misspelt key beside the repo's calendars (rule-file errors, the rule tests not run).
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policiesDir, repoRoot } from '../../src/artifacts/artifacts.js';
import { severities } from '../../src/diagnostics/codes.js';
import { compileSchema, readSchema } from '../../src/validation/ajv.js';
import { editFile } from '../helper.js';

const validReport = compileSchema('check/check-report.schema.json');
const tiny = 'test/check/fixtures/tiny';

function checkJson(args: string[], cwd = repoRoot) {
  const r = spawnSync(process.execPath, [`${repoRoot}dist/cli/main.js`, 'check', '--format', 'json', ...args], {
    cwd,
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout);
  const ok = validReport(report);
  expect(validReport.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  return { code: r.status, report };
}

describe('check --format json, against schemas/check/check-report.schema.json', () => {
  it('the tiny fixture with --coverage: a warning, a failing rule test and the elements no test reaches', () => {
    const { code, report } = checkJson([tiny, '--coverage', '--lang', 'en']);
    expect(code).toBe(1);
    expect(Object.keys(report)).toEqual(['checked', 'diagnostics', 'ruleTests', 'notes', 'coverage']);
    expect(report.checked).toEqual({ rulesets: [{ id: 'tiny', dir: tiny }], rego: [], obligations: [], calendars: [] });
    // Item b is worth 4 points but its criteria text says 得5分.
    expect(report.diagnostics[0]).toEqual({
      code: 'RULE060',
      severity: 'warning',
      file: `${tiny}/scoring-table.yaml`,
      line: 42,
      column: 23,
      path: 'items[b].criteria',
      message: 'says 得5分 but maxPoints is 4',
      messageId: 'diag.rules.textNumber',
      params: { says: '得5分', max: 4 },
    });
    // One lapse costs 1 of the 10 points: 9, where the test (wrong on purpose) expects 8.5.
    expect(report.ruleTests).toEqual({
      passed: 2,
      failed: 1,
      tests: [
        expect.objectContaining({ line: 8, name: 'A clean bank keeps every point and is A', passed: true }),
        expect.objectContaining({ line: 10, name: 'Three lapses are capped at 2 points', passed: true }),
        {
          ruleset: 'tiny',
          file: `${tiny}/tests/basic.yaml`,
          line: 13,
          name: 'One lapse costs one point (wrong on purpose, it costs 1 and leaves 9)',
          passed: false,
          failures: ['score: expected 8.5, got 9'],
          failureMessages: [{ key: 'diag.test.mismatch', params: { what: 'score', expected: '8.5', actual: '9' } }],
        },
      ],
    });
    expect(report.diagnostics[1]).toMatchObject({ code: 'TEST002', severity: 'error', line: 13 });
    const [coverage] = report.coverage;
    expect(coverage).toMatchObject({ ruleset: 'tiny', total: 13, covered: 8 });
    const missing = Object.fromEntries(
      coverage.categories.map((c: { name: string; missing: string[] }) => [c.name, c.missing]),
    );
    expect(missing).toEqual({
      rules: [],
      tiers: ['b:rate#1'],
      caps: [],
      downgradeTriggers: ['down-1'],
      zeroScoreTriggers: ['zero-1'],
      grades: [],
      measures: ['zero'],
      notRated: ['notRated'],
    });
    // Each element missed is a COV001 error, its message nesting the element's own.
    const cov = report.diagnostics.filter((d: { code: string }) => d.code === 'COV001');
    expect(cov).toHaveLength(5);
    expect(cov[0].params).toEqual({
      what: { key: 'diag.coverage.tier', params: { n: 1, bounds: 'lt 90', rule: 'b:rate' } },
    });
  });

  it('in Chinese (the default) the same report, the messages in Chinese', () => {
    const en = checkJson([tiny, '--coverage', '--lang', 'en']).report;
    const { code, report } = checkJson([tiny, '--coverage']);
    expect(code).toBe(1);
    const strip = (r: typeof en) => ({
      ...r,
      diagnostics: r.diagnostics.map(({ message: _, ...d }: { message: string }) => d),
    });
    expect(strip(report)).toEqual(strip(en));
    expect(report.diagnostics[0].message).not.toBe(en.diagnostics[0].message);
  });

  describe('a copy of the fixture with a misspelt key, beside the repo calendars', () => {
    let work: string;
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'credit-policy-check-report-'));
      await cp(join(repoRoot, tiny), join(work, 'tiny'), { recursive: true });
      await cp(join(policiesDir, 'calendars'), join(work, 'calendars'), { recursive: true });
      await editFile(
        join(work, 'tiny', 'scoring-table.yaml'),
        '                finding: lapses\n                points: 1',
        '                finding: lapses\n                pionts: 1',
      );
    });
    afterAll(() => rm(work, { recursive: true, force: true }));

    it('is refused at the key, and the rule tests are not run', () => {
      const { code, report } = checkJson(['tiny', 'calendars', '--lang', 'en'], work);
      expect(code).toBe(1);
      expect(report.checked).toEqual({
        rulesets: [{ id: 'tiny', dir: 'tiny' }],
        rego: [],
        obligations: [],
        calendars: ['calendars'],
      });
      expect(report.diagnostics).toEqual([
        expect.objectContaining({
          code: 'RULE003',
          line: 30,
          path: 'items[a].rules[0]',
          messageId: 'diag.schema.required',
          params: { key: 'points' },
        }),
        expect.objectContaining({
          code: 'RULE003',
          line: 33,
          column: 17,
          messageId: 'diag.schema.unknownKey',
          params: { key: 'pionts', allowed: 'kind, id, finding, clause, interpretations, points, cap' },
        }),
      ]);
      expect(report.ruleTests).toEqual({ passed: 0, failed: 0, tests: [] });
      expect(report.notes).toEqual(['rule tests of tiny not run: the rules have errors']);
      expect(report).not.toHaveProperty('coverage');
    });
  });

  it('every code codes.ts declares, with its severity, has the form the diagnostic schema gives', () => {
    const { code, severity } = (
      readSchema('diagnostics/diagnostic.schema.json') as {
        properties: { code: { pattern: string }; severity: { enum: string[] } };
      }
    ).properties;
    for (const [c, s] of Object.entries(severities)) {
      expect(c).toMatch(new RegExp(code.pattern));
      expect(severity.enum).toContain(s);
    }
  });

  it('the schema refuses a diagnostic it does not describe', () => {
    const base = {
      checked: { rulesets: [], rego: [], obligations: [], calendars: [] },
      ruleTests: { passed: 0, failed: 0, tests: [] },
      notes: [],
    };
    expect(validReport({ ...base, diagnostics: [] })).toBe(true);
    expect(
      validReport({ ...base, diagnostics: [{ code: 'RULE003', severity: 'fatal', file: 'x', message: 'm' }] }),
    ).toBe(false);
    expect(validReport({ ...base, diagnostics: [{ code: 'RULE003', severity: 'error', file: 'x' }] })).toBe(false);
  });
});
