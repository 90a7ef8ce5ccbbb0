// The impact run: a few cases rated under the 2018 fixture and the amended fixture (not issued
// rules), what moved each, and the grade distribution before and after; through the API and the CLI.
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { caseFiles, readCases } from '../../src/diff/cases.js';
import { runImpact, type CaseImpact, type ImpactSummary } from '../../src/diff/impact.js';
import { RulesetRater } from '../../src/rating/ruleset-rater.js';
import { PolicyModule } from '../../src/engine/engine.js';
import { loadRuleset } from '../../src/rules/load.js';
import { fixtureAmended, fixtureBase } from '../fixtures/helpers.js';
import { fullMeasures, wasmPath } from '../helper.js';

const rated = (findings: Record<string, Record<string, unknown>>, extra: Record<string, unknown> = {}) => ({
  institution: { name: '某市农村商业银行' },
  year: 2023,
  findings: { ...fullMeasures, ...findings },
  ...extra,
});

let casesDir: string;
beforeAll(async () => {
  casesDir = await mkdtemp(join(tmpdir(), 'credit-policy-cases-'));
  const put = (name: string, value: unknown) => writeFile(join(casesDir, name), JSON.stringify(value, null, 2));
  await put('a-typical-bank.json', JSON.parse(await readFile(`${repoRoot}examples/typical-bank.json`, 'utf8')));
  // 79 points: B under the 2018 bands (75–89), C under the amended ones (80–89 for B).
  await put(
    'b-band-moved.json',
    rated({
      '14': { networkSecurityHazards: 5 },
      '15.1': { securityHazards: 5 },
      '1.1': { organisationDeficiencies: 5 },
      '1.2': { tasksNotImplemented: 5 },
      '2.2': { rulesNotRevised: 5 },
    }),
  );
  // Two serious violations of one type: no downgrade in 2018, a downgrade under the amended threshold.
  await put('c-downgraded.json', rated({}, { circumstances: { seriousViolationsOfOneType: 2 } }));
  // A finding the amended rules removed: refused there.
  await put('d-removed-finding.json', rated({ '8.2': { rightsExpanded: 1 } }));
  await mkdir(join(casesDir, 'more'));
  await writeFile(
    join(casesDir, 'more', 'batch.ndjson'),
    [
      JSON.stringify(rated({ '7.3': { dataQualityScore: 97.5 } })),
      '',
      JSON.stringify(rated({})),
      '{"year": 2023,',
      '',
    ].join('\n'),
  );
});

describe('runImpact', () => {
  let impacts: CaseImpact[];
  let summary: ImpactSummary;
  beforeAll(async () => {
    const module = await PolicyModule.fromFile(wasmPath);
    const from = await RulesetRater.create(module, await loadRuleset(fixtureBase), { anyYear: true });
    const to = await RulesetRater.create(module, await loadRuleset(fixtureAmended), { anyYear: true });
    impacts = [];
    summary = await runImpact(from, to, readCases(await caseFiles(casesDir), casesDir), (c) => void impacts.push(c));
  });

  const byName = (name: string) => impacts.find((c) => c.case === name)!;

  it('reads every case in name order: JSON files, then NDJSON lines (blank ones skipped)', () => {
    expect(impacts.map((c) => c.case)).toEqual([
      'a-typical-bank.json',
      'b-band-moved.json',
      'c-downgraded.json',
      'd-removed-finding.json',
      'more/batch.ndjson:1',
      'more/batch.ndjson:3',
      'more/batch.ndjson:4',
    ]);
  });

  it('names the rules whose deductions moved a score', () => {
    expect(byName('a-typical-bank.json')).toMatchObject({
      from: { rated: true, score: 82, grade: 'B' },
      to: { rated: true, score: 81.4, grade: 'B' },
      changed: true,
      moved: [
        { rule: '5.2:real-name-not-enforced', item: '5.2', from: 0.4, to: 0.6 },
        { rule: '5.2:user-not-registered', item: '5.2', from: 1, to: 1.5 },
      ],
    });
    expect(byName('more/batch.ndjson:1')).toMatchObject({
      from: { score: 97 },
      to: { score: 96.5 },
      moved: [{ rule: '7.3:data-quality-score', from: null, to: 0.5 }],
    });
  });

  it('says when a band, not a deduction, moved the grade', () => {
    expect(byName('b-band-moved.json')).toMatchObject({
      from: { score: 79, grade: 'B' },
      to: { score: 79, grade: 'C' },
      moved: [],
      bands: true,
      changed: true,
    });
  });

  it('names a trigger that fires under one ruleset only', () => {
    expect(byName('c-downgraded.json')).toMatchObject({
      from: { grade: 'A', downgraded: false },
      to: { grade: 'B', downgraded: true },
      triggers: [{ trigger: 'art15-5', from: false, to: true }],
    });
  });

  it('reports a case the newer rules refuse, and a line that is not JSON', () => {
    expect(byName('d-removed-finding.json').to).toMatchObject({
      rated: false,
      refused: [expect.objectContaining({ path: '/findings/8.2/rightsExpanded' })],
    });
    expect(byName('more/batch.ndjson:4')).toMatchObject({
      from: { unreadable: '1:15: not valid JSON: expected a string, found the end of the input' },
    });
  });

  it('counts the outcomes under each ruleset, the moves between them and the rules behind them', () => {
    expect(summary).toMatchObject({
      cases: 7,
      changed: 5,
      unchanged: 1,
      unreadable: 1,
      scoreUp: 0,
      scoreDown: 2,
      grades: { from: { A: 4, B: 2 }, to: { A: 2, B: 2, C: 1, refused: 1 } },
      transitions: { 'B → C': 1, 'A → B': 1, 'A → refused': 1 },
      rules: { '5.2:real-name-not-enforced': 1, '5.2:user-not-registered': 1, '7.3:data-quality-score': 1 },
    });
  });
});

describe('credit-policy impact', () => {
  const run = (...args: string[]) =>
    spawnSync(
      process.execPath,
      [`${repoRoot}dist/cli/main.js`, '--lang', 'en', 'impact', fixtureBase, fixtureAmended, casesDir, ...args],
      { cwd: repoRoot, encoding: 'utf8' },
    );

  it('prints the cases that moved and the distribution before and after', () => {
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      'a-typical-bank.json  82 B → 81.4 B   5.2:real-name-not-enforced 0.4 → 0.6; 5.2:user-not-registered 1 → 1.5\n',
    );
    expect(r.stdout).toContain('b-band-moved.json  79 B → 79 C   grade band moved\n');
    expect(r.stdout).toContain('c-downgraded.json  97 A → 97 B (downgraded)   art15-5 now fires\n');
    expect(r.stdout).not.toContain('more/batch.ndjson:3');
    expect(r.stdout).toContain('7 cases: 5 changed (2 scored lower, 0 higher), 1 unchanged, 1 unreadable\n');
    expect(r.stdout).toMatch(/^C +0 +1 {2}\+1$/m);
    expect(r.stdout).toContain('moves: ');
  });

  it('streams NDJSON with --json: a line per case, then the summary', () => {
    const r = run('--json');
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(8);
    expect(lines[0]).toMatchObject({ case: 'a-typical-bank.json', changed: true });
    expect(lines[7].summary).toMatchObject({ cases: 7, changed: 5, grades: { to: { C: 1 } } });
  });

  it('refuses a cases folder that does not exist, exit 2', () => {
    const r = spawnSync(
      process.execPath,
      [`${repoRoot}dist/cli/main.js`, '--lang', 'en', 'impact', fixtureBase, fixtureAmended, join(casesDir, 'nope')],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read cases from .*nope: no such file or folder/);
  });
});
