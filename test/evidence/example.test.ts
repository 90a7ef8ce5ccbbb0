// The synthetic example (examples/evidence/synthetic-bank): every finding derived as worked out by
// hand from the clauses (see the folder's README.md), and the rating it leads to.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import type { DerivedFindings } from '../../src/evidence/derive.js';
import { compileSchema } from '../../src/validation/ajv.js';
import {
  exampleDir,
  exampleFindings,
  exampleRequest,
  loadDeriver,
  u05FiledLate,
  usersNotRegisteredEvidence,
} from './helper.js';

const cli = `${repoRoot}dist/cli/main.js`;
const run = (args: string[], input?: string) => {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8', input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** deriveExample runs `findings derive` on the example, writing the findings file to out. */
const deriveExample = (out: string, lang: string[] = []) =>
  run([
    ...lang,
    'findings',
    'derive',
    exampleDir,
    '--institution',
    '示例',
    '--year',
    '2024',
    '--users-needed',
    '4',
    '--out',
    out,
  ]);

/** evaluateExample runs `evaluate` on the example's case and tables, writing the findings file to findingsOut. */
const evaluateExample = (findingsOut: string, more: string[] = []) =>
  run([
    'evaluate',
    `${exampleDir}/case.json`,
    '--evidence',
    exampleDir,
    '--users-needed',
    '4',
    '--findings-out',
    findingsOut,
    ...more,
  ]);

/** evaluateTyped runs `evaluate` on a case given on standard input, beside the example's tables. */
const evaluateTyped = (input: object) =>
  run(
    [
      'evaluate',
      '-',
      '--evidence',
      exampleDir,
      '--users-needed',
      '4',
      '--findings-out',
      join(tmpdir(), `cp-f-${process.pid}.json`),
    ],
    JSON.stringify(input),
  );

let f: DerivedFindings;
beforeAll(async () => {
  f = await (await loadDeriver()).derive(exampleRequest);
});

const rowsOf = (item: string, finding: string) =>
  f.derived.find((d) => d.item === item && d.finding === finding)?.rows.map((r) => `${r.key}:${r.why}`);

describe('the synthetic example derives its hand-worked findings', () => {
  it('gives every derivable finding, and no item is left underived', () => {
    expect(f.notDerived).toEqual([]);
    expect(f.findings).toEqual(exampleFindings);
  });

  it.each([
    ['2.3', 'rulesNotFiled', ['F02:not-filed']],
    ['3.2', 'auditReportsNotFiled', ['F05:filed-late']],
    ['5.1', 'userCountDeviationPercent', ['U01:counted', 'U03:counted', 'U04:counted', 'U05:counted', 'U06:counted']],
    ['5.2', 'realNameNotEnforced', ['U03:not-real-name']],
    // 2024-09-27 (Fri) → 09-29 (Sun, a working day) → 09-30 → 10-08 → 10-09: four working days.
    ['5.2', 'usersNotRegistered', ['U05:filed-late']],
    ['5.3', 'sharedOrOverlappingUsers', ['U04:roles-combined', 'U06:shared']],
    [
      '5.4',
      'userDeactivationFailures',
      [
        'U02:idle-not-locked',
        'U02:not-stopped-on-leaving',
        'U03:idle-not-locked',
        'U03:idle-not-locked',
        'U03:idle-not-locked',
        'U04:idle-not-locked',
      ],
    ],
    ['5.6', 'passwordPolicyViolations', ['U04:initial-password-kept', 'U04:password-too-old', 'U06:password-too-old']],
    ['5.7', 'nonRegularStaffUsers', ['U03:dispatched']],
    ['6.2', 'passRatePercent', ['S02:no-test-passed', 'S03:no-test-passed']],
    ['6.3', 'coveragePercent', ['S03:no-training-attended']],
    [
      '8.1',
      'queriesWithoutAuthorization',
      ['Q002:signedAfterQuery', 'Q003:expired', 'Q004:expired', 'Q005:none', 'Q006:unknown', 'Q008:noOriginal'],
    ],
    ['8.2', 'authorizationElementsMissing', ['A02:date', 'A04:date,period,signature']],
    ['8.2', 'formatContractWithoutNotice', ['A02:no-prominent-notice']],
    ['8.3', 'queriesNotRegistered', ['Q004:not-registered']],
    ['8.3', 'authorizationNotEnforced', ['Q003:no-internal-approval']],
    ['10.1', 'lateReplies', ['D02:answered-late', 'D03:not-answered']],
    ['10.2', 'lateCorrections', ['D03:not-corrected', 'D04:corrected-late']],
  ])('%s %s rests on the rows %j', (item, finding, rows) => {
    expect(rowsOf(item, finding)).toEqual(rows);
  });

  it('names each idle stretch of 5.4 by the query rows (or the bound) on either side', () => {
    const d = f.derived.find((x) => x.item === '5.4');
    const q = (row: number, key: string) => ({ table: 'queries', row, key });
    expect(d?.rows.filter((r) => r.stretch).map((r) => [r.key, r.stretch])).toEqual([
      ['U02', { from: '2024-01-01', to: '2024-06-14', days: 166, after: 'period-start', before: q(5, 'Q004') }],
      ['U03', { from: '2024-04-03', to: '2024-05-17', days: 45, after: q(9, 'Q008'), before: q(3, 'Q002') }],
      ['U03', { from: '2024-05-19', to: '2024-08-07', days: 81, after: q(3, 'Q002'), before: q(7, 'Q006') }],
      ['U03', { from: '2024-08-09', to: '2024-12-19', days: 133, after: q(7, 'Q006'), before: q(6, 'Q005') }],
      ['U04', { from: '2024-10-21', to: '2024-12-30', days: 71, after: q(4, 'Q003'), before: 'as-of' }],
    ]);
  });

  it('names each row by table, spreadsheet row and key, and each file by its hash', () => {
    const d = f.derived.find((x) => x.item === '5.2' && x.finding === 'usersNotRegistered');
    expect(d?.rows).toEqual([u05FiledLate]);
    expect(f.tables.map((t) => [t.table, t.rows])).toEqual([
      ['authorizations', 4],
      ['filings', 7],
      ['incidents', 2],
      ['queries', 8],
      ['training', 5],
      ['users', 6],
      ['staff', 6],
      ['disputes', 4],
    ]);
    for (const t of f.tables) expect(t.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('judges open duties on the as-of day: U06 changed 2024-12-27 is late to file by 2025-01-02', async () => {
    const later = await (await loadDeriver()).derive({ ...exampleRequest, asOf: '2025-01-02' });
    expect(later.findings['5.2']).toEqual({ realNameNotEnforced: 1, usersNotRegistered: 2 });
  });

  it('without --users-needed leaves 5.1 not derived, saying why', async () => {
    const g = await (await loadDeriver()).derive({ dir: exampleDir, institution: '示例', year: 2024 });
    expect(g.notDerived).toEqual([
      { item: '5.1', reason: 'not derived (the number of users the business needs was not given: --users-needed)' },
    ]);
    expect(g.findings['5.1']).toBeUndefined();
  });
});

describe('the example through the CLI', () => {
  it('findings derive writes the findings file with its rows', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'cp-findings-')), 'findings.json');
    const r = deriveExample(out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('5.2 usersNotRegistered = 1');
    expect(r.stdout).toContain('users 第 6 行 U05: filed-late');
    // The same summary in English with --lang en; the file written is the same.
    const en = deriveExample(out, ['--lang', 'en']);
    expect(en.code).toBe(0);
    expect(en.stdout).toContain('findings derived from evidence\n  ');
    expect(en.stdout).toContain('users row 6 U05: filed-late');
    const file = JSON.parse(await readFile(out, 'utf8')) as DerivedFindings;
    expect(file.findings['8.1']).toEqual({ queriesWithoutAuthorization: 6 });
  });

  it('evaluate --evidence rates the example to 83.7 (B), with derived, typed and overridden findings shown', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'cp-findings-')), 'findings.json');
    const r = evaluateExample(out, ['--json']);
    expect(r.stderr).toBe('');
    const result = JSON.parse(r.stdout);
    // 97 (100 less the 3 bonus points of item 18, not earned) less the hand-worked deductions:
    // 2.3 0.2, 3.2 0.5, 5.1 0.5, 5.2 0.7, 5.3 1, 5.4 1 (of 3), 5.6 1, 5.7 1, 6.2 2, 6.3 1, 8.1 3, 8.2 0.3,
    // 8.3 0.3, 10.1 0.4, 10.2 0.4 = 13.3.
    expect([result.score, result.grade]).toEqual([83.7, 'B']);
    const item = (id: string) => result.items.find((i: { id: string }) => i.id === id);
    expect(item('5.2').deductions[1].evidence).toEqual(usersNotRegisteredEvidence);
    // 5.4's rows carry their idle stretches into the result, which stays a RatingResult.
    expect(item('5.4').deductions.find((d: { evidence?: unknown }) => d.evidence).evidence.rows[0]).toMatchObject({
      key: 'U02',
      why: 'idle-not-locked',
      stretch: { days: 166, after: 'period-start', before: { table: 'queries', row: 5, key: 'Q004' } },
    });
    // The result (JSON, the API, the decision log) carries the first five of its six rows and the total.
    const idle = item('5.4').deductions.find((d: { evidence?: unknown }) => d.evidence).evidence;
    expect([idle.rows.length, idle.total]).toEqual([5, 6]);
    const valid = compileSchema('rating/result.schema.json');
    expect(valid(result), JSON.stringify(valid.errors)).toBe(true);
    expect(item('8.1').deductions[0].count).toBe(5);
    expect(item('8.1').deductions[0].evidence).toMatchObject({ source: 'overridden', derivedValue: 6, total: 6 });
    expect(item('8.1').deductions[0].evidence.reason).toContain('A99');
    expect(result.evidence.asserted).toEqual([
      { item: '6.1', finding: 'trainingTargeting' },
      { item: '7.3', finding: 'dataQualityScore' },
      { item: '8.3', finding: 'noInternalAuthorizationMechanism' },
    ]);
    expect(result.evidence.overridden).toHaveLength(1);
    expect(result.evidence.findingsFile).toBe(out);
  });

  it('the text report shows the rows behind a deduction and the override with its reason', () => {
    const r = evaluateExample(join(tmpdir(), `cp-f-${process.pid}.json`));
    expect(r.stdout).toContain('证据：users 第 6 行 U05（filed-late）');
    expect(r.stdout).toContain('评级人员改定：8.1 queriesWithoutAuthorization 由 6 改为 5，理由：Q006');
    // 5.4's six rows, each idle stretch with its days and the query rows around it: all of them, none left to
    // the findings file (the result's JSON carries the first five, with the total).
    const line = r.stdout.split('\n').find((l) => l.includes('U02（idle-not-locked'));
    expect(line?.trim().split('；')).toEqual([
      '证据：users 第 3 行 U02（idle-not-locked：2024-01-01 至 2024-06-14 共 166 天无查询，此前：年度开始，此后：queries 第 5 行 Q004）',
      'users 第 3 行 U02（not-stopped-on-leaving）',
      'users 第 4 行 U03（idle-not-locked：2024-04-03 至 2024-05-17 共 45 天无查询，此前：queries 第 9 行 Q008，此后：queries 第 3 行 Q002）',
      'users 第 4 行 U03（idle-not-locked：2024-05-19 至 2024-08-07 共 81 天无查询，此前：queries 第 3 行 Q002，此后：queries 第 7 行 Q006）',
      'users 第 4 行 U03（idle-not-locked：2024-08-09 至 2024-12-19 共 133 天无查询，此前：queries 第 7 行 Q006，此后：queries 第 6 行 Q005）',
      'users 第 5 行 U04（idle-not-locked：2024-10-21 至 2024-12-30 共 71 天无查询，此前：queries 第 4 行 Q003，此后：截至日）',
    ]);
    const en = evaluateExample(join(tmpdir(), `cp-f-${process.pid}-en.json`), ['--lang', 'en']).stdout;
    expect(en).toContain(
      '; users row 5 U04 (idle-not-locked: no query from 2024-10-21 to 2024-12-30, 71 days, after queries row 4 Q003 and before the as-of day)\n',
    );
  });

  it('the HTML report lists the rows', () => {
    const r = evaluateExample(join(tmpdir(), `cp-f-${process.pid}.json`), ['--format', 'html']);
    expect(r.stdout).toContain('<ul class="evidence"><li>users 第 6 行 U05（filed-late）</li></ul>');
    expect(r.stdout).toContain(
      '<li>users 第 3 行 U02（idle-not-locked：2024-01-01 至 2024-06-14 共 166 天无查询，此前：年度开始，此后：queries 第 5 行 Q004）</li>',
    );
    expect(r.stdout).toContain(
      '<li>users 第 5 行 U04（idle-not-locked：2024-10-21 至 2024-12-30 共 71 天无查询，此前：queries 第 4 行 Q003，此后：截至日）</li></ul>',
    );
    expect(r.stdout).toContain('<h2>事实来源</h2>');
    // The derivation's readings are listed with the scoring table's.
    expect(r.stdout).toContain('<code>derivation-5.4</code> 5.4');
  });

  it('the text report lists the readings of derivation.yaml the derived findings used', () => {
    const r = evaluateExample(join(tmpdir(), `cp-f-${process.pid}-readings.json`));
    expect(r.stdout).toContain('[derivation-5.4] 5.4：A user whose operator left counts');
    expect(r.stdout).toContain('[derivation-period] 第九条：Rows are read for the rating year');
    expect(r.stdout).not.toContain('[derivation-8.1]');
  });

  it('evaluate --evidence --decision-log logs the rating with its findings, and replay reproduces it from evidence', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-evidence-log-'));
    const log = join(dir, 'decisions.jsonl');
    const rated = evaluateExample(join(dir, 'findings.json'), ['--decision-log', log, '--json']);
    expect(rated.code).toBe(0);
    expect(JSON.parse(rated.stdout).score).toBe(83.7);
    const [entry] = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entry.inputEvidence.findingsFile).toBe(join(dir, 'findings.json'));
    expect(entry.inputEvidence.derived.derived).toHaveLength(18);
    const replay = run(['--lang', 'en', 'replay', log]);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toBe(
      '1 decision: 1 reproduced, 0 no longer reproduce, 0 with rules not found, 0 skipped; 1 made from evidence, rated again with the findings logged with them (each evidence file named by its sha256)\n',
    );
    const json = run(['replay', log, '--json'])
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // Each line as schemas/audit/replay.schema.json says, the evidence files named by the findings schema's shape.
    const validLine = compileSchema('audit/replay.schema.json');
    for (const line of json) expect(validLine(line), JSON.stringify(validLine.errors)).toBe(true);
    expect(json[0]).toMatchObject({ status: 'reproduced', fromEvidence: { derived: 18 } });
    expect(json[0].fromEvidence.tables.find((t: { table: string }) => t.table === 'staff')).toEqual({
      table: 'staff',
      file: `${exampleDir}/员工.csv`,
      rows: 6,
      sha256: 'a885c78f9d5d04e743e0605c7f25a555de870ef16b316588b138c9ac2687cc28',
    });
    expect(json[1]).toEqual({
      summary: { decisions: 1, reproduced: 1, differs: 0, skipped: 0, 'ruleset-not-found': 0, fromEvidence: 1 },
    });
  });

  it('refuses a typed value that contradicts the evidence, naming the rows', async () => {
    const r = evaluateTyped({
      institution: { name: '示例' },
      year: 2024,
      findings: {
        '5.2': { usersNotRegistered: 3 },
        '6.1': { trainingTargeting: 'targeted' },
        '7.3': { dataQualityScore: 99 },
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      '<stdin>: /findings/5.2/usersNotRegistered: is typed as 3, but the evidence gives 1 from users row 6 (U05); remove the typed value, or override it in assessorOverrides with a reason\n',
    );
  });

  it('refuses an override of a derived count without a stated reason', () => {
    const r = evaluateTyped({
      institution: { name: '示例' },
      year: 2024,
      findings: { '6.1': { trainingTargeting: 'targeted' }, '7.3': { dataQualityScore: 99 } },
      assessorOverrides: [{ item: '5.4', finding: 'userDeactivationFailures', value: 1, reason: '' }],
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      '/assessorOverrides/0/reason: overrides the derived 5.4.userDeactivationFailures without a stated reason',
    );
  });
});
