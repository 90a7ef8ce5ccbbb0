// The semantic diff: between two versions that differ in every kind of rule it names each change with
// the clause of both sides; reformatting or reordering YAML is no change; a side may be a folder at a
// git revision. The fixture rulesets are not issued rules.
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isMap, parseDocument, visit } from 'yaml';
import { diffRulesets, type RulesetDiff } from '../../src/diff/diff.js';
import { loadSpec } from '../../src/diff/source.js';
import { loadRuleset } from '../../src/rules/load.js';
import type { RuleSet } from '../../src/rules/ruleset.js';
import {
  commitAll,
  fixtureAmended,
  fixtureBase,
  fixtureRulesets,
  scratchRulesets,
  tempRepo,
} from '../fixtures/helpers.js';
import { editFile } from '../helper.js';

let base: RuleSet, amended: RuleSet, diff: RulesetDiff;
beforeAll(async () => {
  [base, amended] = [await loadRuleset(fixtureBase), await loadRuleset(fixtureAmended)];
  diff = diffRulesets(base, amended);
});

const find = (path: string) => diff.changes.filter((c) => c.path === path);

describe('the diff of the 2018 rules and the amended fixture', () => {
  it('counts a change of every kind the amendment makes', () => {
    expect(diff.same).toBe(false);
    expect(diff.counts).toEqual({
      metadata: 4,
      finding: 2,
      rule: 5,
      deduction: 1,
      cap: 2,
      tier: 4,
      band: 5,
      trigger: 1,
      threshold: 1,
      measure: 2,
      interpretation: 1,
    });
  });

  it.each([
    [
      'a deduction',
      'items[5.2].rules[5.2:real-name-not-enforced].points',
      {
        kind: 'deduction',
        action: 'changed',
        item: '5.2',
        from: 0.2,
        to: 0.3,
        clause: {
          from: '2. 未落实用户实名管理的，每次扣0.2分，扣完为止',
          to: '未落实用户实名管理的，每次扣0.3分，扣完为止',
        },
      },
    ],
    [
      'a cap',
      'items[5.2].rules[5.2:user-not-registered].cap.points',
      { kind: 'cap', from: 1, to: 1.5, clause: { from: '扣分最高不超过1分', to: '扣分最高不超过1.5分' } },
    ],
    [
      'a tier bound',
      'items[7.3].rules[7.3:data-quality-score].tiers[1].when',
      {
        kind: 'tier',
        from: { gte: 96, lt: 97 },
        to: { gte: 96, lt: 98 },
        clause: { from: '平均得分在96（含）-97分（不含）的扣0.5分', to: '平均得分在96（含）-98分（不含）的扣0.5分' },
      },
    ],
    [
      'a band',
      'bands[B].from',
      {
        section: 'grading',
        kind: 'band',
        from: 75,
        to: 80,
        clause: { from: '75 分-89 分为 B 级', to: '80 分-89 分为 B 级' },
      },
    ],
    [
      'a trigger threshold',
      'downgrade.triggers[art15-5].conditions[seriousViolationsOfOneType].atLeast',
      {
        kind: 'threshold',
        from: 3,
        to: 2,
        clause: {
          from: '（五）发生3起以上同一类型较为严重的违规事件的。',
          to: '（五）发生2起以上同一类型较为严重的违规事件的。',
        },
      },
    ],
    [
      'a measure',
      'measures[C].measures[c-rectification-report]',
      { kind: 'measure', action: 'added', to: { id: 'c-rectification-report', text: '要求其报送整改报告' } },
    ],
    [
      'an added rule',
      'items[2.3].rules[2.3:contact-change-not-filed]',
      {
        kind: 'rule',
        action: 'added',
        item: '2.3',
        clause: { to: '征信合规管理工作联系人发生变动未按规定报备的，每次扣0.2分，扣完为止。' },
      },
    ],
    [
      'a removed rule',
      'items[8.2].rules[8.2:rights-expanded]',
      {
        kind: 'rule',
        action: 'removed',
        item: '8.2',
        clause: { from: '存在明显扩大自身权利、加重信息主体责任的,每笔扣0.1分;扣完为止。' },
      },
    ],
    ['an added finding', 'items[2.3].findings.contactChangesNotFiled', { kind: 'finding', action: 'added' }],
    [
      'an added interpretation',
      'interpretations[contact-change-each]',
      {
        kind: 'interpretation',
        action: 'added',
        clause: { to: '征信合规管理工作联系人发生变动未按规定报备的，每次扣0.2分，扣完为止。' },
      },
    ],
    ['the effective years', 'effective.fromYear', { section: 'metadata', kind: 'metadata', from: 2018, to: 2025 }],
    [
      'the document',
      'document.number',
      { kind: 'metadata', from: '银发〔2018〕102号', to: '银发〔2018〕102号（测试用修订）' },
    ],
  ])('reports %s with the clause of both sides', (_what, path, expected) => {
    expect(find(path)).toEqual([expect.objectContaining(expected)]);
  });

  it('gives the item names for the items it reports, and goes item by item in table order', () => {
    expect(diff.itemNames).toEqual({ '2.3': '报备情况', '5.2': '实名与备案', '7.3': '数据质量', '8.2': '规范授权' });
    const items = diff.changes.filter((c) => c.item).map((c) => c.item);
    expect([...new Set(items)]).toEqual(['2.3', '5.2', '7.3', '8.2']);
  });

  it('shows an overlay as its overrides and what they change', async () => {
    const overlay = await loadRuleset(join(fixtureRulesets, 'zhejiang-2024-overlay'));
    const d = diffRulesets(base, overlay);
    expect(d.changes.filter((c) => c.kind === 'override').map((c) => c.path)).toHaveLength(7);
    expect(d.changes.find((c) => c.path === 'items[5.2].rules[5.2:user-not-registered].points')).toMatchObject({
      kind: 'deduction',
      from: 0.5,
      to: 0.3,
    });
  });
});

describe('what is not a change', () => {
  it('the same rules: nothing', () => {
    expect(diffRulesets(base, base)).toMatchObject({ same: true, changes: [], counts: {} });
  });

  it('reordered keys, reordered lists of things with ids, other indentation and no comments: nothing', async () => {
    const root = await scratchRulesets();
    const dir = join(root, 'yinfa-2018-102');
    for (const name of (await readdir(dir)).filter((f) => f.endsWith('.yaml'))) {
      const doc = parseDocument(await readFile(join(dir, name), 'utf8'));
      visit(doc, {
        Map: (_, node) => void node.items.reverse(),
        Seq: (_, node) => {
          // Lists keyed by ids may be reordered; tiers, conditions and interpretation references keep their order.
          const keyed = node.items.every(
            (i) => isMap(i) && (i.has('id') || i.has('name') || i.has('grade')) && !i.has('when'),
          );
          if (keyed && node.items.length > 1) node.items.reverse();
        },
      });
      doc.commentBefore = null;
      visit(doc, {
        Node: (_, n) => {
          (n as { commentBefore?: string | null }).commentBefore = null;
        },
      });
      await writeFile(join(dir, name), doc.toString({ indent: 4, lineWidth: 0 }));
    }
    const reformatted = await loadRuleset(dir);
    expect(reformatted.hash).not.toBe(base.hash);
    const d = diffRulesets(base, reformatted);
    expect(d.changes).toEqual([]);
    expect(d.same).toBe(true);
  });
});

describe('a side at a git revision', () => {
  let repo: string;
  beforeAll(async () => {
    repo = await tempRepo();
    const dir = join(repo, 'policies', 'rulesets', 'yinfa-2018-102');
    await cp(fixtureBase, dir, { recursive: true });
    commitAll(repo, 'the 2018 rules');
    await editFile(
      join(dir, 'scoring-table.yaml'),
      '                points: 0.2\n                clause: 2. 存在领导机制',
      '                points: 0.3\n                clause: 2. 存在领导机制',
    );
    commitAll(repo, 'a deduction of 1.1 changed');
    // An uncommitted edit, which a revision never sees.
    await editFile(join(dir, 'grading.yaml'), '  steps: 1\n', '  steps: 2\n');
  });

  it('is read with git show, without a checkout, and hashed like a folder', async () => {
    const options = { rules: join(repo, 'policies', 'rulesets'), repo };
    const before = await loadSpec('main~1:policies/rulesets/yinfa-2018-102', options);
    const after = await loadSpec('main:policies/rulesets/yinfa-2018-102', options);
    expect(before.hash).toBe(base.hash);
    expect(before.dir).toBe('main~1:policies/rulesets/yinfa-2018-102');
    expect(diffRulesets(before, after).changes).toEqual([
      expect.objectContaining({
        kind: 'deduction',
        item: '1.1',
        path: 'items[1.1].rules[1.1:organisation-deficiency].points',
        from: 0.2,
        to: 0.3,
      }),
    ]);
    const working = await loadSpec('yinfa-2018-102', options);
    expect(diffRulesets(after, working).changes).toEqual([
      expect.objectContaining({ kind: 'trigger', path: 'downgrade.steps', from: 1, to: 2 }),
    ]);
  });

  it('names an unknown revision or path plainly', async () => {
    const options = { rules: join(repo, 'policies', 'rulesets'), repo };
    await expect(loadSpec('nosuch~1:policies/rulesets/yinfa-2018-102', options)).rejects.toThrow(
      /"nosuch~1" is not a revision of the git repository/,
    );
    await expect(loadSpec('main:policies/rulesets/nosuch', options)).rejects.toThrow(
      /main:policies\/rulesets\/nosuch\/ruleset\.yaml: error RULE002: cannot read file: fatal: path/,
    );
    await expect(loadSpec('nosuch', options)).rejects.toThrow(/"nosuch" is neither a folder nor a ruleset of/);
  });
});
