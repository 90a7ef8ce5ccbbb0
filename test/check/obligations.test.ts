// `credit-policy check` validates the obligations data too: the obligations.yaml of every ruleset
// folder it checks and the working-day calendars of a policies folder (or a calendars folder given
// on its own), each problem at its line, beside the rule files and the Rego of policies/obligations.
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { policiesDir, repoRoot } from '../../src/artifacts/artifacts.js';
import type { CheckFindings } from '../../src/diagnostics/findings.js';
import { resolveTargets } from '../../src/check/targets.js';
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

const errors = (out: string) => out.split('\n').filter((l) => l.includes(': error '));

describe('what check reads in a policies folder', () => {
  it('every Rego folder (derive, inspections, obligations and rating) and the calendars folder', () => {
    const t = resolveTargets(['policies'], repoRoot);
    expect(t.rego).toEqual([
      `${policiesDir}derive`,
      `${policiesDir}inspections`,
      `${policiesDir}obligations`,
      `${policiesDir}rating`,
    ]);
    expect(t.calendars).toEqual([`${policiesDir}calendars`]);
    expect(t.rulesetRoots).toEqual([`${policiesDir}rulesets`]);
  });

  it('a calendars folder given on its own', () => {
    expect(resolveTargets(['policies/calendars'], repoRoot)).toEqual({
      rulesetRoots: [],
      rulesets: [],
      rego: [],
      calendars: [`${policiesDir}calendars`],
    });
  });

  it("passes on the repo's own policies/, having read obligations.yaml and the calendars", { timeout: 120_000 }, () => {
    const r = check(['policies', '--format', 'json', '--no-regal']);
    const report = JSON.parse(r.stdout) as CheckFindings;
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.code).toBe(0);
    expect(report.checked).toMatchObject({
      rego: ['policies/derive', 'policies/inspections', 'policies/obligations', 'policies/rating'],
      obligations: ['policies/rulesets/yinfa-2018-102/obligations.yaml'],
      calendars: ['policies/calendars'],
    });
  });
});

describe('check on a copy with broken obligations data', () => {
  let work: string;
  const ruleset = 'policies/rulesets/yinfa-2018-102';
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'credit-policy-check-obligations-'));
    await cp(policiesDir, join(work, 'policies'), { recursive: true });
  });
  afterEach(() => rm(work, { recursive: true, force: true }));

  it('a clause not in the source is OBL020 at its line; the rating rule tests still run', async () => {
    await editFile(
      join(work, ruleset, 'obligations.yaml'),
      '应当自变更之日起 10 日内向人民银行报备。\n',
      '应当自变更之日起 15 日内向人民银行报备。\n',
    );
    const r = check([ruleset], work);
    expect(r.code).toBe(1);
    expect(errors(r.stdout)).toEqual([
      'policies/rulesets/yinfa-2018-102/obligations.yaml:121:13: error OBL020: obligations[internal-control-change-filing].clause quotes text that is not in the source verbatim: "征信内控制度及问责制度变更的，应当自变更之日起 15 日内向人民银行报备。"',
    ]);
    expect(r.stdout).not.toContain('not run');
    expect(r.stdout).toMatch(/^check failed: 1 error; \d+ warnings?; rule tests: [1-9]\d* passed, 0 failed$/m);
  });

  it('a number written as text is OBL003 at the value', async () => {
    await editFile(
      join(work, ruleset, 'obligations.yaml'),
      'schedule: { kind: after, count: 10, unit: days }',
      'schedule: { kind: after, count: "10", unit: days }',
    );
    const r = check([ruleset], work);
    expect(r.code).toBe(1);
    expect(errors(r.stdout)).toEqual([
      'policies/rulesets/yinfa-2018-102/obligations.yaml:125:37: error OBL003: obligations[internal-control-change-filing].schedule.count must be a whole number, not "10" (text)',
    ]);
  });

  it('a holiday date outside its year is CAL004 at the date, through the policies folder', {
    timeout: 120_000,
  }, async () => {
    await editFile(
      join(work, 'policies/calendars/2025.yaml'),
      'off: { from: "2025-01-01", to: "2025-01-01" }',
      'off: { from: "2024-12-31", to: "2025-01-01" }',
    );
    const r = check(['policies', '--no-regal'], work);
    expect(r.code).toBe(1);
    expect(errors(r.stdout)).toEqual([
      'policies/calendars/2025.yaml:12:18: error CAL004: holidays.0.off.from 2024-12-31 is not in 2025',
    ]);
  });

  it('an unknown key in a calendar is CAL003 at the key, through the calendars folder', async () => {
    await editFile(
      join(work, 'policies/calendars/2025.yaml'),
      '    off: { from: "2025-01-01", to: "2025-01-01" }\n    workdays: []',
      '    off: { from: "2025-01-01", to: "2025-01-01" }\n    workday: []',
    );
    const r = check(['policies/calendars'], work);
    expect(r.code).toBe(1);
    expect(errors(r.stdout)).toEqual([
      expect.stringMatching(
        /^policies\/calendars\/2025\.yaml:10:5: error CAL003: holidays\.0 missing required key "workdays"$/,
      ),
      'policies/calendars/2025.yaml:13:5: error CAL003: holidays.0.workday unknown key "workday"; allowed keys are: name, clause, off, workdays',
    ]);
  });
});
