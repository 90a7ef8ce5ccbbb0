// The rule loader: the real ruleset loads whole, and each way of breaking a rule file gives a clear
// message at the line and column the policy editor must look at.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/diagnostics/diagnostics.js';
import { inspectRuleset, loadRuleset } from '../../src/rules/load.js';
import { Registry } from '../../src/rules/registry.js';
import { copyRulesets, editFile, mainRulesetDir } from '../helper.js';

describe('the 2018 ruleset', () => {
  it('holds the whole table: 5 dimensions, 18 indicators, 48 items, adding up to 100', async () => {
    const rs = await loadRuleset(mainRulesetDir);
    expect(rs.table.dimensions.map((d) => [d.id, d.maxPoints])).toEqual([
      ['d1', 10],
      ['d2', 20],
      ['d3', 30],
      ['d4', 30],
      ['d5', 10],
    ]);
    expect(rs.table.dimensions.flatMap((d) => d.indicators)).toHaveLength(18);
    expect([...rs.items.keys()]).toEqual([
      '1.1',
      '1.2',
      '2.1',
      '2.2',
      '2.3',
      '3.1',
      '3.2',
      '4.1',
      '4.2',
      '4.3',
      '5.1',
      '5.2',
      '5.3',
      '5.4',
      '5.5',
      '5.6',
      '5.7',
      '6.1',
      '6.2',
      '6.3',
      '7.1',
      '7.2',
      '7.3',
      '8.1',
      '8.2',
      '8.3',
      '9.1',
      '9.2',
      '9.3',
      '10.1',
      '10.2',
      '10.3',
      '10.4',
      '10.5',
      '11.1',
      '11.2',
      '12.1',
      '12.2',
      '13.1',
      '13.2',
      '13.3',
      '13.4',
      '14',
      '15.1',
      '15.2',
      '16',
      '17',
      '18',
    ]);
    expect(rs.grading.downgrade.triggers).toHaveLength(8);
    expect(rs.grading.zeroScore.triggers).toHaveLength(4);
    expect(rs.institutions.national).toHaveLength(21);
    expect(rs.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('keeps every number beside its clause, quoted from the source', async () => {
    const rs = await loadRuleset(mainRulesetDir);
    const source = await readFile(join(mainRulesetDir, 'source.txt'), 'utf8');
    const r73 = rs.rules.get('7.3:data-quality-score')!.rule;
    expect(r73.kind === 'tiers' && r73.tiers.map((t) => [t.when, t.deduct ?? null, t.zero ?? null])).toEqual([
      [{ gte: 97 }, 0, null],
      [{ gte: 96, lt: 97 }, 0.5, null],
      [{ gte: 95, lt: 96 }, 1, null],
      [{ lt: 95 }, null, true],
    ]);
    for (const { rule } of rs.rules.values()) expect(source.includes(rule.clause), rule.id).toBe(true);
  });

  it('warns where the criteria text and the max points disagree (16, 17, 18)', async () => {
    const { diagnostics } = await inspectRuleset(mainRulesetDir, mainRulesetDir);
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${d.path} ${d.message}`)).toEqual([
      'warning RULE060 items[16].criteria says 得5分 but maxPoints is 3 (read as: full-marks-is-max)',
      'warning RULE060 items[17].criteria says 得5分 but maxPoints is 4 (read as: full-marks-is-max)',
      'warning RULE060 items[18].criteria says 加2分 but maxPoints is 3 (read as: bonus-two-points)',
    ]);
  });
});

describe('a broken rule file', () => {
  let dir: string;
  let table: string;
  let grading: string;
  beforeEach(async () => {
    dir = join(await copyRulesets(), 'yinfa-2018-102');
    table = join(dir, 'scoring-table.yaml');
    grading = join(dir, 'grading.yaml');
  });
  const problems = async () =>
    (await inspectRuleset(dir, dir)).diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);

  it('with a typo in a key names the key, its line, and the allowed keys', async () => {
    await editFile(
      table,
      '                points: 0.2\n                clause: 2. 存在领导机制',
      '                pionts: 0.2\n                clause: 2. 存在领导机制',
    );
    expect(await problems()).toEqual([
      expect.stringMatching(
        /^scoring-table\.yaml:\d+:17: error RULE003: items\[1\.1\]\.rules\[0\] missing required key "points"$/,
      ),
      expect.stringMatching(
        /^scoring-table\.yaml:\d+:17: error RULE003: items\[1\.1\]\.rules\[0\] unknown key "pionts"; allowed keys are: kind, id, finding, clause, interpretations, points, cap$/,
      ),
    ]);
  });

  it('with a number written as text says what is allowed', async () => {
    await editFile(
      table,
      '                points: 0.2\n                clause: 2. 存在领导机制',
      '                points: "0.2"\n                clause: 2. 存在领导机制',
    );
    const out = await problems();
    expect(out).toContainEqual(
      expect.stringMatching(
        /^scoring-table\.yaml:\d+:25: error RULE003: items\[1\.1\]\.rules\[0\]\.points must be a number, not "0\.2" \(text\)$/,
      ),
    );
  });

  it('with items that no longer add up to their indicator and dimension says so', async () => {
    await editFile(
      table,
      '            name: 组织设置\n            maxPoints: 1',
      '            name: 组织设置\n            maxPoints: 1.5',
    );
    expect(await problems()).toEqual([
      expect.stringMatching(
        /^scoring-table\.yaml:\d+:20: error RULE020: dimensions\[d1\]\.indicators\[i1\]\.maxPoints indicator i1 has maxPoints 2, but its items add up to 2\.5$/,
      ),
    ]);
  });

  it('with a cap above the item max says so at the cap', async () => {
    await editFile(
      table,
      '                  points: 2\n                  clause: 扣分最高不超过2分',
      '                  points: 3\n                  clause: 扣分最高不超过2分',
    );
    expect(await problems()).toEqual([
      expect.stringMatching(
        /^scoring-table\.yaml:\d+:27: error RULE021: items\[3\.2\]\.rules\[0\]\.cap\.points caps the deduction at 3, above the item's maxPoints 2$/,
      ),
    ]);
  });

  it('with a gap between two grade bands says which scores get no grade', async () => {
    await editFile(grading, '      from: 75\n      to: 89', '      from: 75\n      to: 88');
    expect(await problems()).toEqual([
      expect.stringMatching(
        /^grading\.yaml:\d+:11: error RULE030: bands\.grades\[B\]\.to scores between 88 and 90 fall in no band$/,
      ),
    ]);
  });

  it('with a dangling trigger names the circumstance and those declared', async () => {
    await editFile(
      grading,
      '        - circumstance: obstructedSupervision',
      '        - circumstance: obstructedSupervison',
    );
    expect((await problems())[0]).toMatch(
      /^grading\.yaml:\d+:25: error RULE040: downgrade\.triggers\[art15-7\]\.conditions\[0\]\.circumstance refers to circumstance "obstructedSupervison", which is not declared under circumstances; declared: violationCaseComplaintsOrUnrest, /,
    );
  });

  it('with a clause that is not the source text verbatim says so', async () => {
    await editFile(
      table,
      'clause: 2. 存在领导机制不健全、牵头部门不明确或者部门岗位设置不合理的,每项扣0.2分,扣完为止。',
      'clause: 2. 存在领导机制不健全、牵头部门不明确或者部门岗位设置不合理的,每项扣0.3分,扣完为止。',
    );
    expect(await problems()).toEqual([
      expect.stringMatching(
        /^scoring-table\.yaml:\d+:25: error RULE061: items\[1\.1\]\.rules\[0\]\.clause quotes text that is not in the source verbatim/,
      ),
    ]);
  });

  it('with a duplicate key or broken YAML gives the position and never a half-loaded ruleset', async () => {
    await editFile(grading, '  steps: 1\n', '  steps: 1\n  steps: 2\n');
    const { ruleset, diagnostics } = await inspectRuleset(dir, dir);
    expect(ruleset).toBeUndefined();
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^grading\.yaml:\d+:3: error RULE001: YAML syntax: Map keys must be unique/),
    ]);
  });

  it('with an interpretation nobody uses, or a reference to a missing one, says so', async () => {
    await editFile(table, 'interpretations: [meetings-in-principle]', 'interpretations: [meeting-in-principle]');
    const out = await problems();
    expect(out).toContainEqual(
      expect.stringMatching(
        /error RULE012: items\[1\.2\]\.interpretations\[0\] refers to interpretation "meeting-in-principle", which interpretations\.yaml does not define/,
      ),
    );
    expect(out).toContainEqual(
      expect.stringMatching(
        /^interpretations\.yaml:\d+:9: error RULE051: interpretations\[meetings-in-principle\]\.id interpretation "meetings-in-principle" is not used/,
      ),
    );
  });

  it('reports several errors at once', async () => {
    await editFile(
      table,
      '                points: 0.2\n                clause: 2. 存在领导机制',
      '                points: -1\n                clause: 2. 存在领导机制',
    );
    await editFile(grading, '  steps: 1\n', '  steps: one\n');
    const out = await problems();
    expect(out.some((l) => l.startsWith('scoring-table.yaml'))).toBe(true);
    expect(out.some((l) => l.startsWith('grading.yaml'))).toBe(true);
  });
});

describe('several rulesets', () => {
  it('that claim the same rating year and region are refused at load time', async () => {
    const root = await copyRulesets();
    const { cp } = await import('node:fs/promises');
    await cp(join(root, 'yinfa-2018-102'), join(root, 'yinfa-2018-102-copy'), { recursive: true });
    await editFile(join(root, 'yinfa-2018-102-copy', 'ruleset.yaml'), 'id: yinfa-2018-102', 'id: yinfa-2018-102-copy');
    const { registry, diagnostics } = await Registry.inspect(root);
    expect(registry).toBeUndefined();
    expect(diagnostics.map((d) => d.message)).toContain(
      'rulesets "yinfa-2018-102" (2018–open) and "yinfa-2018-102-copy" (2018–open) both claim the same rating years for region (national)',
    );
  });
});
