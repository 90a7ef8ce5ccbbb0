// derivation.yaml is a rule file like the others: validated with positions, its clauses checked
// against the source, overridden by an overlay, and shown by the semantic diff.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffRulesets } from '../../src/diff/diff.js';
import { inspectRuleset, loadRuleset } from '../../src/rules/load.js';
import { copyRulesets, editFile, mainRulesetDir } from '../helper.js';

describe('derivation.yaml', () => {
  it('is loaded with the ruleset and part of its hash', async () => {
    const rs = await loadRuleset(mainRulesetDir);
    expect(rs.derivation?.items.map((i) => i.id)).toEqual([
      '2.3',
      '3.2',
      '5.1',
      '5.2',
      '5.3',
      '5.4',
      '5.6',
      '5.7',
      '6.2',
      '6.3',
      '8.1',
      '8.2',
      '8.3',
      '10.1',
      '10.2',
    ]);
    expect(rs.files.map((f) => f.name)).toContain('derivation.yaml');
  });

  it('refuses a number whose clause is not in the source, at its line', async () => {
    const dir = await copyRulesets();
    const file = join(dir, 'yinfa-2018-102', 'derivation.yaml');
    await editFile(file, 'clause: 密码更改周期不超过30天', 'clause: 密码更改周期不超过45天');
    const { diagnostics } = await inspectRuleset(join(dir, 'yinfa-2018-102'), dir);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([
      {
        code: 'RULE061',
        severity: 'error',
        file: 'yinfa-2018-102/derivation.yaml',
        line: 110,
        column: 17,
        path: 'items.6.parameters.passwordMaxAgeDays.clause',
        message: 'quotes text that is not in the source verbatim: "密码更改周期不超过45天"',
        messageId: 'diag.rules.notVerbatim',
        params: { text: '密码更改周期不超过45天' },
      },
    ]);
  });

  it('refuses a finding the item does not declare, naming the ones it does', async () => {
    const dir = await copyRulesets();
    await editFile(
      join(dir, 'yinfa-2018-102', 'derivation.yaml'),
      'derives: { lateReplies: count }',
      'derives: { lateAnswers: count }',
    );
    const { diagnostics } = await inspectRuleset(join(dir, 'yinfa-2018-102'), dir);
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line, d.message])).toEqual([
      [
        'RULE011',
        182,
        'item 10.1 declares no finding "lateAnswers"; it declares: lateReplies, complaintsCaused, lawsuitsCaused, lawsuitLost',
      ],
    ]);
  });

  it('an overlay overrides a derivation parameter with its own clause, and the diff shows it', async () => {
    const dir = await copyRulesets();
    const overlay = join(dir, 'local-2024');
    await mkdir(overlay);
    await writeFile(join(overlay, 'source.txt'), '第五条 连续20天未进行查询操作的查询用户，应立即锁定。\n');
    await writeFile(
      join(overlay, 'ruleset.yaml'),
      `id: local-2024
title: 测试用地方细则
document: { number: 测试〔2024〕1号, title: 测试用, issuer: 测试, issuedOn: null, inForce: { clause: 第五条 连续20天未进行查询操作的查询用户，应立即锁定。 } }
source: source.txt
effective: { fromYear: 2024, untilYear: 2024 }
region: 测试省
ratingPeriod:
  clause: 第九条 接入机构考核评级工作每年开展一次，原则上应当于每年 3 月 31 日前完成对上一年度的考核评级工作。评级期间为上一年度 1 月 1 日至 12 月 31 日。
  rule: previousCalendarYear
extends: yinfa-2018-102
overrides:
  - id: idle-20
    clause: 连续20天未进行查询操作的查询用户，应立即锁定
    path: derivation.items[5.4].parameters.idleDays
    set: { value: 20, clause: 连续20天未进行查询操作的查询用户，应立即锁定 }
`,
    );
    const { ruleset, diagnostics } = await inspectRuleset(overlay, dir);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(ruleset?.derivation?.items.find((i) => i.id === '5.4')?.parameters.idleDays.value).toBe(20);
    const base = await loadRuleset(join(dir, 'yinfa-2018-102'));
    const changes = diffRulesets(base, ruleset!).changes.filter((c) => c.section === 'derivation');
    expect(changes).toEqual([
      {
        section: 'derivation',
        kind: 'derivation',
        action: 'changed',
        item: '5.4',
        path: 'items[5.4].parameters.idleDays.value',
        from: 30,
        to: 20,
        clause: {
          from: '连续30天未进行查询操作的查询用户，应立即锁定',
          to: '连续20天未进行查询操作的查询用户，应立即锁定',
        },
      },
      {
        section: 'derivation',
        kind: 'derivation',
        action: 'changed',
        item: '5.4',
        path: 'items[5.4].parameters.idleDays.clause',
        from: '连续30天未进行查询操作的查询用户，应立即锁定',
        to: '连续20天未进行查询操作的查询用户，应立即锁定',
        clause: {},
      },
    ]);
  });
});
