// The JSON reports of `verify-log --json` and `replay --json`, from the built CLI on real logs (whole,
// cut, rewritten, repaired, rotated across files, replayed with every status), each validated against
// its schema under schemas/audit/, with its figures and the order of its fields as printed.
import { spawnSync } from 'node:child_process';
import { appendFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { canonicalJson } from '../../src/audit/canonical.js';
import { entryHash, genesisHash } from '../../src/audit/entry.js';
import { keyIdOf, readPublicKey } from '../../src/audit/keys.js';
import { createDecisionLog } from '../../src/audit/log.js';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { compileSchema } from '../../src/validation/ajv.js';
import { fixtureRulesets } from '../fixtures/helpers.js';
import { caseWith, loadRater } from '../helper.js';
import { useLogFixture } from './log-fixture.js';

const f = useLogFixture('report-schemas', { checkpointEvery: 3 });

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [`${repoRoot}dist/cli/main.js`, '--lang', 'en', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
  });

/** valid asserts a document holds to a schema, showing ajv's errors when it does not. */
function expectValid(validate: ValidateFunction, doc: unknown): void {
  const ok = validate(doc);
  expect(validate.errors ?? [], JSON.stringify(doc).slice(0, 400)).toEqual([]);
  expect(ok).toBe(true);
}

const sha = /^sha256:[0-9a-f]{64}$/;
// The fields of a report in the order verify-log writes them, before those set only in some cases.
const always = [
  'ok',
  'file',
  'files',
  'entries',
  'checkpoints',
  'repairs',
  'lastSeq',
  'head',
  'chainOnly',
  'keyPinned',
  'warnings',
  'warningMessages',
];

describe('verify-log --json, against schemas/audit/verify-report.schema.json', () => {
  const validReport = compileSchema('audit/verify-report.schema.json');
  const validFolder = compileSchema('audit/verify-folder-report.schema.json');
  const verify = (...args: string[]) => {
    const r = cli('verify-log', '--json', ...args);
    return { code: r.status, report: JSON.parse(r.stdout) };
  };
  const entryLines = async (path = f.log) => (await f.lines(path)).map((l) => JSON.parse(l));

  it('a whole log, pinned and unpinned', async () => {
    await f.writeLog(5);
    const lines = await entryLines();
    const last = lines.filter((l) => 'seq' in l).at(-1);
    const checkpoints = lines.filter((l) => 'checkpoint' in l).length;
    const keyId = keyIdOf(await readPublicKey(f.pub));

    const pinned = verify(f.log, '--public-key', f.pub);
    expect(pinned.code).toBe(0);
    expectValid(validReport, pinned.report);
    expect(Object.keys(pinned.report)).toEqual([...always, 'keyId', 'signedHead']);
    expect(pinned.report).toEqual({
      ok: true,
      file: f.log,
      files: [f.log],
      entries: 5,
      checkpoints,
      repairs: [],
      lastSeq: 5,
      head: last.hash,
      chainOnly: 0,
      keyPinned: true,
      warnings: [],
      warningMessages: [],
      keyId,
      signedHead: { seq: 5, hash: last.hash, time: expect.any(String) },
    });
    expect(checkpoints).toBeGreaterThanOrEqual(1);

    const unpinned = verify(f.log);
    expectValid(validReport, unpinned.report);
    // Unpinned, the key is the one the signed head names, taken when its signature holds, before the head is kept.
    expect(Object.keys(unpinned.report)).toEqual([...always, 'keyId', 'signedHead']);
    expect(unpinned.report).toMatchObject({ ok: true, keyPinned: false, keyId });
    expect(unpinned.report.warningMessages).toEqual([{ key: 'diag.verify.unpinned' }]);
    expect(unpinned.report.warnings).toHaveLength(1);
  });

  it('a log whose tail was cut: broken at line 0, at the first entry the signed head covers and the log lacks', async () => {
    await f.writeLog(5);
    const ls = await f.lines();
    await f.setLines(
      ls.slice(
        0,
        ls.findIndex((l) => JSON.parse(l).seq === 4),
      ),
    );
    const { code, report } = verify(f.log, '--public-key', f.pub);
    expect(code).toBe(1);
    expectValid(validReport, report);
    expect(report).toMatchObject({ ok: false, entries: 3, lastSeq: 3, chainOnly: 0, signedHead: { seq: 5 } });
    expect(report.broken).toEqual({
      line: 0,
      seq: 4,
      reason: expect.stringMatching(/^the log ends at entry 3/),
      reasonId: 'diag.verify.cut',
      params: { last: 3, seq: 5, from: 4 },
    });
  });

  it('a rewritten line: broken at it, with the entries before it counted', async () => {
    await f.writeLog(3);
    const ls = await f.lines();
    const at = ls.findIndex((l) => JSON.parse(l).seq === 2);
    ls[at] = ls[at].replace('"caller":"test-2"', '"caller":"someone-else"');
    await f.setLines(ls);
    const { code, report } = verify(f.log);
    expect(code).toBe(1);
    expectValid(validReport, report);
    expect(report).toMatchObject({ ok: false, entries: 1, lastSeq: 1 });
    expect(report.broken).toEqual({
      line: at + 1,
      seq: 2,
      reason: expect.any(String),
      reasonId: 'diag.verify.hashMismatch',
      params: { seq: 2 },
    });
  });

  it('a line whose seq is not a whole number from 1 is not an entry (the report keeps entry numbers whole)', async () => {
    await f.writeLog(3);
    const ls = await f.lines();
    const at = ls.findIndex((l) => JSON.parse(l).seq === 2);
    for (const [bad, said] of [
      ['"two"', '"two"'],
      ['1.5', '1.5'],
      ['{"n":2}', '{"n":2}'],
    ]) {
      await f.setLines(ls.map((l, i) => (i === at ? l.replace('"seq":2,', `"seq":${bad},`) : l)));
      const { code, report } = verify(f.log);
      expect(code).toBe(1);
      expectValid(validReport, report);
      expect(report.broken).toEqual({
        line: at + 1,
        seq: 2,
        reason: `is not an entry: its seq is ${said}, not a whole number from 1`,
        reasonId: 'diag.verify.badSeq',
        params: { value: said },
      });
    }
  });

  it('a torn last line repaired when the log was reopened: the repair link listed', async () => {
    await f.writeLog(2);
    await appendFile(f.log, '{"seq":3,"time":');
    await f.writeLog(1);
    const repair = (await entryLines()).find((l) => 'repair' in l);
    const { code, report } = verify(f.log, '--public-key', f.pub);
    expect(code).toBe(0);
    expectValid(validReport, report);
    expect(report.repairs).toEqual([{ seq: 3, bytes: 16, movedTo: repair.repair.movedTo }]);
    expect(report).toMatchObject({ ok: true, entries: 3, lastSeq: 4 });
  });

  it('a folder: a chain rotated across files and a second replica, then a rotated file removed', async () => {
    for (const [replica, count] of [
      ['a', 9],
      ['b', 2],
    ] as const) {
      const l = await createDecisionLog({
        path: join(f.dir, `decisions.${replica}.jsonl`),
        privateKeyPath: f.key,
        createKey: true,
        rotateBytes: 20_000,
      });
      for (let n = 1; n <= count; n++) await l.append(f.decision(n));
      await l.close();
    }
    const rotated = (await readdir(f.dir)).filter((n) => /^decisions\.a\.from-\d+\.jsonl$/.test(n)).sort();
    expect(rotated.length).toBeGreaterThanOrEqual(2);

    const whole = verify(f.dir, '--public-key', f.pub);
    expect(whole.code).toBe(0);
    expectValid(validFolder, whole.report);
    expect(whole.report.map((r: { file: string; files: string[]; entries: number; ok: boolean }) => r.file)).toEqual([
      join(f.dir, 'decisions.a.jsonl'),
      join(f.dir, 'decisions.b.jsonl'),
    ]);
    const [a, b] = whole.report;
    expect(a.files).toEqual([...rotated.map((n) => join(f.dir, n)), join(f.dir, 'decisions.a.jsonl')]);
    expect(a).toMatchObject({ ok: true, entries: 9, lastSeq: 9, signedHead: { seq: 9 } });
    expect(b).toMatchObject({ ok: true, entries: 2, lastSeq: 2, files: [join(f.dir, 'decisions.b.jsonl')] });

    // The second rotated file removed: the chain breaks in the next file, which the report names.
    await rm(join(f.dir, rotated[1]));
    const cut = verify(f.dir, '--public-key', f.pub);
    expect(cut.code).toBe(1);
    expectValid(validFolder, cut.report);
    expect(cut.report[0].ok).toBe(false);
    expect(cut.report[0].broken).toMatchObject({
      file: rotated[2] ? join(f.dir, rotated[2]) : join(f.dir, 'decisions.a.jsonl'),
      line: 1,
      reasonId: expect.stringMatching(/^diag\.verify\.missing(Range)?$/),
    });
    expect(cut.report[1].ok).toBe(true);
  });
});

describe('replay --json, against schemas/audit/replay.schema.json', () => {
  const validLine = compileSchema('audit/replay.schema.json');

  /** rechain edits entries and recomputes the chain (checkpoints dropped), as someone with write access could. */
  async function rechain(path: string, edit: (entry: Record<string, unknown>) => void): Promise<void> {
    let head = genesisHash;
    const entries = (await f.lines(path)).map((l) => JSON.parse(l)).filter((l) => !('checkpoint' in l));
    for (const e of entries) {
      edit(e);
      e.prevHash = head;
      e.hash = entryHash(e);
      head = e.hash;
    }
    await writeFile(path, entries.map((e) => `${canonicalJson(e)}\n`).join(''));
  }

  it('one decision reproduced, one that differs, one skipped, one whose rules are nowhere', async () => {
    const rater = await loadRater(fixtureRulesets);
    const l = await createDecisionLog({ path: f.log, privateKeyPath: f.key, createKey: true });
    const input = caseWith({ '1.1': { organisationDeficiencies: 2 } });
    const outcome = rater.evaluate(input);
    if (!outcome.ok) throw new Error('the test case was refused');
    for (let n = 1; n <= 4; n++) await l.append({ caller: `replay-${n}`, input, result: outcome.result });
    await l.close();
    const unknownHash = `sha256:${'1'.repeat(64)}`;
    await rechain(f.log, (e) => {
      if (e.seq === 2) (e.result as { score: number }).score = 99;
      if (e.seq === 3) e.redacted = { dropped: ['/institution'], masked: [] };
      if (e.seq === 4) e.rulesetHash = unknownHash;
    });
    const r = cli('replay', f.log, '--rules', fixtureRulesets, '--json');
    expect(r.status).toBe(1);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((x) => JSON.parse(x));
    for (const line of lines) expectValid(validLine, line);
    const [reproduced, differs, skipped, notFound, summary] = lines;
    const head = { rulesetId: 'yinfa-2018-102', rulesetHash: expect.stringMatching(sha) };

    expect(Object.keys(reproduced)).toEqual(['seq', 'line', 'rulesetId', 'rulesetHash', 'status', 'foundIn']);
    expect(reproduced).toEqual({ seq: 1, line: 1, ...head, status: 'reproduced', foundIn: 'loaded' });
    // The score the fixture rules give this input now (96.6, as replay.test.ts has it); the rewritten log says 99.
    expect(differs).toEqual({
      seq: 2,
      line: 2,
      ...head,
      status: 'differs',
      foundIn: 'loaded',
      differences: [{ field: 'score', logged: 99, now: 96.6 }],
    });
    expect(Object.keys(skipped)).toEqual([
      'seq',
      'line',
      'rulesetId',
      'rulesetHash',
      'status',
      'reason',
      'reasonId',
      'params',
    ]);
    expect(skipped).toEqual({
      seq: 3,
      line: 3,
      ...head,
      status: 'skipped',
      reason: 'the log does not hold the whole input (left out: /institution)',
      reasonId: 'diag.replay.notWhole',
      params: { what: '/institution' },
    });
    expect(notFound).toEqual({
      seq: 4,
      line: 4,
      rulesetId: 'yinfa-2018-102',
      rulesetHash: unknownHash,
      status: 'ruleset-not-found',
      reason: expect.stringMatching(/^no ruleset loaded now and no revision of yinfa-2018-102 in git history/),
      reasonId: 'diag.replay.notFound',
      params: { id: 'yinfa-2018-102', hash: unknownHash },
    });
    expect(JSON.stringify(summary)).toBe(
      '{"summary":{"decisions":4,"reproduced":1,"differs":1,"skipped":1,"ruleset-not-found":1}}',
    );
  });

  it('the schema refuses what replay never prints', () => {
    expect(validLine({ seq: 1, line: 1, rulesetId: 'x', rulesetHash: 'y', status: 'maybe' })).toBe(false);
    expect(validLine({ summary: { decisions: 1, reproduced: 1, differs: 0, skipped: 0 } })).toBe(false);
    expect(validLine({ seq: 1, line: 1, rulesetId: 'x', rulesetHash: 'y', status: 'reproduced', extra: 1 })).toBe(
      false,
    );
  });
});
