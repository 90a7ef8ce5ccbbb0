// Overlays: a regional ruleset written as `extends` + `overrides` resolves into a full RuleSet, is
// chosen for its region and years, lists the overrides it applied, and refuses an override that does
// not name something real, at the override's line. The fixtures are not issued rules.
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Rater } from '../../src/rating/rater.js';
import { formatDiagnostic } from '../../src/diagnostics/diagnostics.js';
import { inspectRuleset } from '../../src/rules/load.js';
import { overridesOf } from '../../src/rules/overlay.js';
import { Registry } from '../../src/rules/registry.js';
import { fixtureOverlay, fixtureRulesets, scratchRulesets } from '../fixtures/helpers.js';
import { editFile, fullMeasures, loadRater, mainRulesetDir } from '../helper.js';

const zhejiangCase = (extra: Record<string, Record<string, unknown>> = {}, region: string | null = '浙江') => ({
  institution: { name: '某市农村商业银行', ...(region ? { region } : {}) },
  year: 2024,
  findings: { ...fullMeasures, '5.1': { userCountDeviationPercent: 18 }, '5.2': { usersNotRegistered: 2 }, ...extra },
});

describe('the Zhejiang overlay fixture', () => {
  let rater: Rater;
  beforeAll(async () => {
    rater = await loadRater(fixtureRulesets);
  });

  it('is chosen for its region and years; the national rulesets elsewhere', () => {
    const { registry } = rater;
    expect(registry.select(2024, '浙江').id).toBe('zhejiang-2024-overlay');
    expect(registry.select(2024, '河南').id).toBe('yinfa-2018-102');
    expect(registry.select(2024).id).toBe('yinfa-2018-102');
    expect(registry.select(2025, '浙江').id).toBe('yinfa-2018-102-amended-2025');
    expect(registry.select(2023, '浙江').id).toBe('yinfa-2018-102');
  });

  it('lists the overrides it applied, each with the local clause it comes from', () => {
    const rs = rater.registry.get('zhejiang-2024-overlay')!;
    expect(overridesOf(rs).map((o) => [o.id, o.path])).toEqual([
      ['zj-user-count-full', 'items[5.1].rules[5.1:user-count-deviation].tiers[0]'],
      ['zj-user-count-half', 'items[5.1].rules[5.1:user-count-deviation].tiers[1]'],
      ['zj-user-registration', 'items[5.2].rules[5.2:user-not-registered].points'],
      ['zj-contact-finding', 'items[2.3].findings.contactChangesNotFiled'],
      ['zj-contact-rule', 'items[2.3].rules'],
      ['zj-serious-violations', 'grading.downgrade.triggers[art15-5].conditions[seriousViolationsOfOneType].atLeast'],
      ['zj-serious-violations-clause', 'grading.downgrade.triggers[art15-5].clause'],
    ]);
    expect(overridesOf(rs)[2].clause).toBe(
      '第四条 用户设立或者变更后未按规定向我行报备的，每次扣0.3分，扣分最高不超过1分。',
    );
    expect(overridesOf(rater.registry.get('yinfa-2018-102')!)).toEqual([]);
  });

  it('changes only what it overrides: the rest of the table is the base', () => {
    const base = rater.registry.get('yinfa-2018-102')!,
      overlay = rater.registry.get('zhejiang-2024-overlay')!;
    expect(overlay.items.size).toBe(base.items.size);
    expect(overlay.rules.size).toBe(base.rules.size + 1);
    expect(overlay.rules.get('1.1:organisation-deficiency')).toEqual(base.rules.get('1.1:organisation-deficiency'));
    expect(overlay.grading.bands).toEqual(base.grading.bands);
    // The base is not touched by resolving the overlay.
    expect(base.rules.get('5.2:user-not-registered')!.rule).toMatchObject({ points: 0.5 });
    expect(overlay.rules.get('5.2:user-not-registered')!.rule).toMatchObject({ points: 0.3 });
  });

  it('rates a Zhejiang institution under the local rules, a national one under the national rules', () => {
    const local = rater.evaluate(zhejiangCase({ '2.3': { contactChangesNotFiled: 3 } }));
    const national = rater.evaluate(zhejiangCase({}, null));
    expect(local.ok && national.ok).toBe(true);
    if (!local.ok || !national.ok) return;
    expect(local.result.ruleset.id).toBe('zhejiang-2024-overlay');
    expect(national.result.ruleset.id).toBe('yinfa-2018-102');
    // 5.1: 18% is within the local 20% (1 point, not 0.5); 5.2: 2 × 0.3, not 2 × 0.5; 2.3: 3 × 0.1.
    expect([national.result.score, local.result.score]).toEqual([95.5, 96.1]);
    const itemScore = (r: typeof local.result, id: string) => r.items.find((i) => i.id === id)!.score;
    expect([itemScore(local.result, '5.1'), itemScore(local.result, '5.2'), itemScore(local.result, '2.3')]).toEqual([
      1, 1.4, 0.7,
    ]);
    expect(local.result.items.find((i) => i.id === '2.3')!.deductions[0]).toMatchObject({
      rule: '2.3:zj-contact-change-not-filed',
      clause: '征信合规管理工作联系人发生变动未在5个工作日内报备的，每次扣0.1分，扣完为止。',
    });
    expect(overridesOf(local.ruleset).length).toBe(7);
  });

  it('applies its stricter trigger threshold: two serious violations downgrade in Zhejiang only', () => {
    const circumstances = { seriousViolationsOfOneType: 2 };
    const local = rater.evaluate({ ...zhejiangCase(), circumstances });
    const national = rater.evaluate({ ...zhejiangCase({}, null), circumstances });
    expect(local.ok && local.result.downgrade?.triggers).toEqual([
      { id: 'art15-5', clause: '发生2起以上同一类型较为严重的违规事件的' },
    ]);
    expect(national.ok && national.result.downgrade).toBeNull();
  });

  it('refuses the local finding for an institution the overlay does not cover', () => {
    const outcome = rater.evaluate(zhejiangCase({ '2.3': { contactChangesNotFiled: 1 } }, null));
    expect(outcome.ok).toBe(false);
  });

  it('also loads on its own, finding its base beside it, with a hash tied to the base', async () => {
    const { ruleset, diagnostics } = await inspectRuleset(fixtureOverlay);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(ruleset!.hash).toBe(rater.registry.get('zhejiang-2024-overlay')!.hash);
    expect(ruleset!.files.map((f) => f.name)).toEqual([
      'ruleset.yaml',
      'yinfa-2018-102/ruleset.yaml',
      'yinfa-2018-102/scoring-table.yaml',
      'yinfa-2018-102/grading.yaml',
      'yinfa-2018-102/institutions.yaml',
      'yinfa-2018-102/interpretations.yaml',
    ]);
  });

  it('resolves against the real ruleset too (the overlay names only ids)', async () => {
    const root = await scratchRulesets();
    await rm(join(root, 'yinfa-2018-102'), { recursive: true });
    await cp(mainRulesetDir, join(root, 'yinfa-2018-102'), { recursive: true });
    const { ruleset } = await inspectRuleset(join(root, 'zhejiang-2024-overlay'));
    expect(overridesOf(ruleset!)).toHaveLength(7);
  });
});

describe('a broken overlay', () => {
  let dir: string;
  let meta: string;
  const errors = async () =>
    (await inspectRuleset(dir, dir)).diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  const fresh = async () => {
    dir = join(await scratchRulesets(), 'zhejiang-2024-overlay');
    meta = join(dir, 'ruleset.yaml');
  };

  it.each([
    [
      'an item that does not exist',
      'path: items[5.2].rules[5.2:user-not-registered].points',
      'path: items[5.9].rules[5.2:user-not-registered].points',
      /^ruleset\.yaml:\d+:11: error RULE081: overrides\[zj-user-registration\]\.path path items\[5\.9\]\.rules\[5\.2:user-not-registered\]\.points: the table has no item "5\.9"; items: 1\.1, 1\.2, /,
    ],
    [
      'a rule that the item does not have',
      'path: items[5.2].rules[5.2:user-not-registered].points',
      'path: items[5.2].rules[5.2:user-not-registerd].points',
      /error RULE081: overrides\[zj-user-registration\]\.path path items\[5\.2\]\.rules\[5\.2:user-not-registerd\]\.points: items\[5\.2\]\.rules\[5\.2:user-not-registerd\] names no entry; entries here: 5\.2:real-name-not-enforced, 5\.2:user-not-registered$/,
    ],
    [
      'a key that is not there (set changes only what exists)',
      'path: items[5.2].rules[5.2:user-not-registered].points',
      'path: items[5.2].rules[5.2:user-not-registered].pionts',
      /error RULE081: overrides\[zj-user-registration\]\.path path items\[5\.2\]\.rules\[5\.2:user-not-registered\]\.pionts: .*\.pionts does not exist; set changes what is there \(use add for something new\); keys here: id, kind, finding, points, clause, cap$/,
    ],
    [
      'a number written as text, shown at the override',
      '    set: 0.3\n',
      '    set: "0.3"\n',
      /^ruleset\.yaml:\d+:5: error RULE003: overrides\[zj-user-registration\] scoring-table\.yaml items\[5\.2\]\.rules\[1\]\.points must be a number, not "0\.3" \(text\)$/,
    ],
    [
      'a cap above the item max, shown at the override that caused it',
      'path: items[5.2].rules[5.2:user-not-registered].points\n    set: 0.3',
      'path: items[5.2].rules[5.2:user-not-registered].cap.points\n    set: 3',
      /^ruleset\.yaml:\d+:5: error RULE021: overrides\[zj-user-registration\] scoring-table\.yaml items\[5\.2\]\.rules\[1\]\.cap\.points caps the deduction at 3, above the item's maxPoints 2$/,
    ],
    [
      'an override with two operations',
      '    set: 0.3\n',
      '    set: 0.3\n    remove: true\n',
      /error RULE082: overrides\[zj-user-registration\] needs exactly one of set, add or remove; has set, remove$/,
    ],
    [
      'an added entry whose id is taken',
      'id: "2.3:zj-contact-change-not-filed"',
      'id: "2.3:rule-not-filed"',
      /error RULE082: overrides\[zj-contact-rule\]\.add path items\[2\.3\]\.rules: items\[2\.3\]\.rules already has an entry "2\.3:rule-not-filed"; use set on items\[2\.3\]\.rules\[2\.3:rule-not-filed\] to change it$/,
    ],
    [
      'a local clause that is not in its source text',
      'clause: 第四条 用户设立或者变更后未按规定向我行报备的，每次扣0.3分',
      'clause: 第四条 用户设立或者变更后未按规定向我行报备的，每次扣0.4分',
      /error RULE061: overrides\[zj-user-registration\]\.clause quotes text that is not in the source verbatim/,
    ],
    [
      'years its base does not cover',
      '  untilYear: 2024',
      '  untilYear: 2026',
      /error RULE084: effective covers 2024–2026, but the ruleset it extends, "yinfa-2018-102", covers only 2018–2024$/,
    ],
    [
      'a base that is not there',
      'extends: yinfa-2018-102',
      'extends: yinfa-2019-999',
      /error RULE080: extends extends "yinfa-2019-999", which cannot be loaded from beside this folder; it has 5 error\(s\)/,
    ],
  ])('with %s says so at the override', async (_name, from, to, expected) => {
    await fresh();
    await editFile(meta, from, to);
    expect(await errors()).toEqual([expect.stringMatching(expected)]);
  });

  it('that extends itself through another overlay is refused, not looped', async () => {
    await fresh();
    const root = join(dir, '..');
    await cp(dir, join(root, 'loop-b'), { recursive: true });
    await editFile(join(root, 'loop-b', 'ruleset.yaml'), 'id: zhejiang-2024-overlay', 'id: loop-b');
    await editFile(meta, 'extends: yinfa-2018-102', 'extends: loop-b');
    await editFile(join(root, 'loop-b', 'ruleset.yaml'), 'extends: yinfa-2018-102', 'extends: zhejiang-2024-overlay');
    const { diagnostics } = await Registry.inspect(root);
    expect(diagnostics.map((d) => d.code)).toContain('RULE083');
  });

  it('needs its overrides and its extends together', async () => {
    await fresh();
    const text = await readFile(meta, 'utf8');
    await writeFile(meta, text.replace(/^overrides:[\s\S]*$/m, ''));
    expect((await errors()).join('\n')).toMatch(
      /RULE003: must have property overrides when property extends is present$/,
    );
  });
});
