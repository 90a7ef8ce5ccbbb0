// Replay: each logged decision rated again with the rules it names, found by hash among the rulesets
// loaded now or in the git history of their folder; a decision that no longer reproduces is named.
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { entryHash, genesisHash } from '../../src/audit/entry.js';
import { createDecisionLog, type DecisionLogOptions } from '../../src/audit/log.js';
import { replayLog, type ReplayOutcome } from '../../src/audit/replay.js';
import { verifyLog } from '../../src/audit/verify.js';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { PolicyModule } from '../../src/engine/engine.js';
import type { Rater } from '../../src/rating/rater.js';
import { commitAll, fixtureBase, fixtureRulesets, tempRepo } from '../fixtures/helpers.js';
import { caseWith, editFile, loadRater, wasmPath } from '../helper.js';

let module: PolicyModule;
beforeAll(async () => {
  module = await PolicyModule.fromFile(wasmPath);
});

const inputs = [
  caseWith({ '1.1': { organisationDeficiencies: 2 } }),
  caseWith({ '5.2': { usersNotRegistered: 3 } }, { circumstances: { seriousViolationsOfOneType: 3 } }),
  {
    ...caseWith({ '5.1': { userCountDeviationPercent: 18 }, '2.3': { contactChangesNotFiled: 2 } }),
    year: 2024,
    institution: { name: '某市农村商业银行', region: '浙江' },
  },
];

async function logOf(rater: Rater, cases: unknown[], options: Partial<DecisionLogOptions> = {}): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'credit-policy-replay-')), 'decisions.jsonl');
  const log = await createDecisionLog({ path, privateKeyPath: `${path}.key.pem`, createKey: true, ...options });
  for (const input of cases) {
    const outcome = rater.evaluate(input);
    if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome.problems)}`);
    await log.append({ caller: 'replay-test', input, result: outcome.result });
  }
  await log.close();
  return path;
}

async function replayAll(path: string, rules: string): Promise<ReplayOutcome[]> {
  const out: ReplayOutcome[] = [];
  for await (const o of replayLog(path, { rules, module })) out.push(o);
  return out;
}

/** rewrite edits entries and recomputes the chain, as someone with write access could. */
async function rewrite(path: string, edit: (entry: Record<string, unknown>) => void): Promise<void> {
  let head = genesisHash;
  const lines = (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    // The signed checkpoints cannot be redone without the key: they are dropped.
    .filter((l) => !('checkpoint' in l));
  for (const l of lines) {
    edit(l);
    l.prevHash = head;
    l.hash = entryHash(l);
    head = l.hash;
  }
  await writeFile(path, lines.map((l) => `${canonicalJson(l)}\n`).join(''));
}

describe('replaying a log', () => {
  it('reproduces every decision with the rules loaded now, an overlay included', async () => {
    const path = await logOf(await loadRater(fixtureRulesets), inputs);
    const out = await replayAll(path, fixtureRulesets);
    expect(out.map((o) => [o.seq, o.rulesetId, o.status, o.foundIn])).toEqual([
      [1, 'yinfa-2018-102', 'reproduced', 'loaded'],
      [2, 'yinfa-2018-102', 'reproduced', 'loaded'],
      [3, 'zhejiang-2024-overlay', 'reproduced', 'loaded'],
    ]);
  });

  it('finds rules that have since changed in the git history of their folder, by hash', async () => {
    const repo = await tempRepo();
    const rules = join(repo, 'policies', 'rulesets');
    await cp(fixtureBase, join(rules, 'yinfa-2018-102'), { recursive: true });
    const first = commitAll(repo, 'the 2018 rules');
    const path = await logOf(await loadRater(rules), inputs.slice(0, 2));
    await editFile(
      join(rules, 'yinfa-2018-102', 'scoring-table.yaml'),
      '                points: 0.2\n                clause: 2. 存在领导机制',
      '                points: 0.3\n                clause: 2. 存在领导机制',
    );
    commitAll(repo, 'a deduction of 1.1 changed');

    const out = await replayAll(path, rules);
    expect(out.map((o) => [o.status, o.foundIn])).toEqual([
      ['reproduced', `git ${first}`],
      ['reproduced', `git ${first}`],
    ]);
  });

  it('names a decision that no longer reproduces, and the fields that differ', async () => {
    const path = await logOf(await loadRater(fixtureRulesets), inputs.slice(0, 1));
    await rewrite(path, (e) => {
      (e.result as { score: number }).score = 99;
    });
    // The rewritten chain holds on its own; the signed head beside it finds the rewrite.
    expect((await verifyLog(path, { headPath: false })).ok).toBe(true);
    expect((await verifyLog(path)).ok).toBe(false);
    const [o] = await replayAll(path, fixtureRulesets);
    expect(o).toMatchObject({
      status: 'differs',
      foundIn: 'loaded',
      differences: [{ field: 'score', logged: 99, now: 96.6 }],
    });
  });

  it('says when the rules a decision names are nowhere to be found', async () => {
    const path = await logOf(await loadRater(fixtureRulesets), inputs.slice(0, 1));
    await rewrite(path, (e) => {
      e.rulesetHash = `sha256:${'1'.repeat(64)}`;
    });
    const [o] = await replayAll(path, fixtureRulesets);
    expect(o).toMatchObject({
      status: 'ruleset-not-found',
      reason: expect.stringMatching(
        /^no ruleset loaded now and no revision of yinfa-2018-102 in git history has the hash sha256:1111/,
      ),
      reasonId: 'diag.replay.notFound',
      params: { id: 'yinfa-2018-102', hash: `sha256:${'1'.repeat(64)}` },
    });
  });

  it('skips a decision whose input the log does not hold whole', async () => {
    const path = await logOf(await loadRater(fixtureRulesets), inputs.slice(0, 1), { mask: ['/institution/name'] });
    const [o] = await replayAll(path, fixtureRulesets);
    expect(o).toMatchObject({
      status: 'skipped',
      reason: 'the log does not hold the whole input (left out: /institution/name)',
      reasonId: 'diag.replay.notWhole',
    });
  });
});

describe('credit-policy replay', () => {
  // English (`--lang en`) where the text is asserted; `runZh` is the default, Chinese.
  const runIn = (lang: string[], args: string[]) =>
    spawnSync(process.execPath, [`${repoRoot}dist/cli/main.js`, ...lang, 'replay', ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
  const run = (...args: string[]) => runIn(['--lang', 'en'], args);
  const runZh = (...args: string[]) => runIn([], args);

  it('exits 0 when every decision reproduces', async () => {
    const path = await logOf(await loadRater(fixtureRulesets), inputs);
    const r = run(path, '--rules', fixtureRulesets);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('3 decisions: 3 reproduced, 0 no longer reproduce, 0 with rules not found, 0 skipped\n');
    const zh = runZh(path, '--rules', fixtureRulesets);
    expect(zh.status).toBe(0);
    expect(zh.stdout).toBe('3 项决策：3 项复现，0 项不再复现，0 项未找到规则，0 项跳过\n');
  });

  it('exits 1 and names the decision that no longer reproduces', async () => {
    const path = await logOf(await loadRater(fixtureRulesets), inputs.slice(0, 2));
    await rewrite(path, (e) => {
      if (e.seq === 2) (e.result as { grade: string }).grade = 'A';
    });
    const r = run(path, '--rules', fixtureRulesets);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /^entry 2 \(line 2, yinfa-2018-102 sha256:[0-9a-f]{12}…\): no longer reproduces with the rules from loaded: grade "A" → "B"\n/,
    );
    expect(runZh(path, '--rules', fixtureRulesets).stdout).toMatch(
      /^第 2 条记录（第 2 行，yinfa-2018-102 sha256:[0-9a-f]{12}…）：按现已加载的规则不再复现：grade "A" → "B"\n2 项决策：1 项复现，1 项不再复现，0 项未找到规则，0 项跳过\n$/,
    );
    const json = run(path, '--rules', fixtureRulesets, '--json')
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(json.at(-1)).toEqual({
      summary: { decisions: 2, reproduced: 1, differs: 1, skipped: 0, 'ruleset-not-found': 0 },
    });
  });

  it('gives the reasons for a skipped decision and for rules not found in Chinese, or in English with --lang en', async () => {
    const path = await logOf(await loadRater(fixtureRulesets), inputs.slice(0, 2), { mask: ['/institution/name'] });
    // Entry 1 also says the whole input was left out; entry 2 is whole, but names rules that are nowhere.
    await rewrite(path, (e) => {
      if (e.seq === 1) e.redacted = { dropped: [''], masked: ['/institution/name'] };
      if (e.seq === 2) {
        e.rulesetHash = `sha256:${'1'.repeat(64)}`;
        delete e.redacted;
      }
    });
    const head = (seq: number) => `第 ${seq} 条记录（第 ${seq} 行，yinfa-2018-102 sha256:[0-9a-f]{12}…）`;
    const zh = runZh(path, '--rules', fixtureRulesets);
    expect(zh.status).toBe(1);
    expect(zh.stdout).toMatch(
      new RegExp(
        `^${head(1)}：跳过：日志未保存完整的输入（略去：（整个输入）、/institution/name）\n` +
          `${head(2)}：未找到规则：现已加载的规则集中没有、yinfa-2018-102 在 git 历史中的各版本也都没有哈希为 sha256:1{64} 的规则集\n`,
      ),
    );
    const en = run(path, '--rules', fixtureRulesets);
    expect(en.stdout).toMatch(
      /^entry 1 \(line 1, yinfa-2018-102 sha256:[0-9a-f]{12}…\): skipped: the log does not hold the whole input \(left out: \(the whole input\), \/institution\/name\)\nentry 2 \(line 2, yinfa-2018-102 sha256:[0-9a-f]{12}…\): rules not found: no ruleset loaded now and no revision of yinfa-2018-102 in git history has the hash sha256:1{64}\n/,
    );
    // The JSON keeps the English reason, with its key and values beside it, in either language.
    const json = runZh(path, '--rules', fixtureRulesets, '--json').stdout;
    expect(json).toBe(run(path, '--rules', fixtureRulesets, '--json').stdout);
    expect(JSON.parse(json.split('\n')[0])).toMatchObject({
      status: 'skipped',
      reason: 'the log does not hold the whole input (left out: (the whole input), /institution/name)',
      reasonId: 'diag.replay.notWhole',
    });
  });

  it('stops at a line that is not JSON or not an entry (exit 2, the file and line named), in Chinese or English', async () => {
    const path = await logOf(await loadRater(fixtureRulesets), inputs.slice(0, 1));
    const good = await readFile(path, 'utf8');
    await writeFile(path, `${good}{"hello":1}\n`);
    const en = run(path, '--rules', fixtureRulesets, '--json');
    expect(en.status).toBe(2);
    // The decisions before it were printed; no summary follows, for the count would be wrong.
    expect(
      en.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).status),
    ).toEqual(['reproduced']);
    const lineNo = good.split('\n').filter(Boolean).length + 1;
    expect(en.stderr).toBe(
      `${path} line ${lineNo} is not a decision entry, a checkpoint or a repair link: replay reads a decision log that verify-log accepts; run verify-log on it\n`,
    );
    expect(runZh(path, '--rules', fixtureRulesets).stderr).toBe(
      `${path} 第 ${lineNo} 行既不是决策条目，也不是检查点或修复记录：replay 只读取 verify-log 核验通过的决策日志，请先对其运行 verify-log\n`,
    );
    await writeFile(path, `${good}{"seq":\n`);
    const notJson = run(path, '--rules', fixtureRulesets);
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toMatch(new RegExp(`line ${lineNo} is not JSON \\(.+\\): replay reads a decision log`));
  });
});
