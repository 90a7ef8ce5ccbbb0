// The decision log: a hash chain with signed checkpoints. The chain verifies; editing or removing an
// entry is found at that entry; a torn last line is cut on reopen and the log goes on; a forged
// checkpoint signature is found; masked and dropped input fields stay out of the file.
import { spawnSync } from 'node:child_process';
import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { canonicalHash, canonicalJson } from '../../src/audit/canonical.js';
import { entryHash, genesisHash, type DecisionEntry } from '../../src/audit/entry.js';
import { generateSigningKey, readPublicKey } from '../../src/audit/keys.js';
import { createDecisionLog } from '../../src/audit/log.js';
import { verifyLog } from '../../src/audit/verify.js';
import { compileSchema } from '../../src/validation/ajv.js';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import type { Rater } from '../../src/rating/rater.js';
import { useLogFixture } from './log-fixture.js';

const f = useLogFixture('log', { checkpointEvery: 2, circumstances: true });
let rater: Rater;
let dir: string;
let log: string;
let key: string;
let pub: string;
beforeEach(() => {
  ({ rater, dir, log, key, pub } = f);
});
const { decision, writeLog, lines, setLines } = f;

describe('a decision log', () => {
  it('holds one canonical JSON line per decision, chained by hash, with signed checkpoints every N and at close', async () => {
    await writeLog(5);
    const ls = (await lines()).map((l) => JSON.parse(l));
    expect(ls.map((l) => ('checkpoint' in l ? `cp${l.checkpoint.seq}` : l.seq))).toEqual([
      1,
      2,
      'cp2',
      3,
      4,
      'cp4',
      5,
      'cp5',
    ]);
    const entries = ls.filter((l) => !('checkpoint' in l)) as DecisionEntry[];
    expect(entries[0].prevHash).toBe(genesisHash);
    expect(entries[1].prevHash).toBe(entries[0].hash);
    expect(entries[0]).toMatchObject({
      caller: 'test-1',
      rulesetId: 'yinfa-2018-102',
      rulesetHash: rater.registry.get('yinfa-2018-102')!.hash,
      inputHash: canonicalHash(decision(1).input),
    });
    expect(entries.every((e) => entryHash(e) === e.hash)).toBe(true);
    expect((await lines()).every((l) => canonicalJson(JSON.parse(l)) === l)).toBe(true);
  });

  it('writes every line, entries redacted or whole and checkpoints, as schemas/audit/decision-log.schema.json says', async () => {
    const valid = compileSchema('audit/decision-log.schema.json');
    await writeLog(3, { mask: ['/institution/name'], drop: ['/circumstances'], resultMask: ['/institution/name'] });
    const l = await createDecisionLog({ path: log, privateKeyPath: key, drop: [''] });
    await l.append(decision(4));
    await l.close();
    const ls = (await lines()).map((x) => JSON.parse(x));
    expect(ls.filter((x) => 'checkpoint' in x).length).toBeGreaterThan(0);
    expect(ls.filter((x) => x.redacted).length).toBe(4);
    for (const line of ls) expect(valid(line) ? [] : valid.errors, JSON.stringify(line).slice(0, 80)).toEqual([]);
    expect(valid({ ...ls[0], seq: 0 })).toBe(false);
  });

  it('verifies, against the key it was signed with', async () => {
    await writeLog(5);
    const report = await verifyLog(log, { publicKey: await readPublicKey(pub) });
    expect(report).toMatchObject({ ok: true, entries: 5, checkpoints: 3, lastSeq: 5, keyPinned: true, warnings: [] });
  });

  it('found to be edited at the entry that was edited', async () => {
    await writeLog(5);
    const ls = await lines();
    const third = JSON.parse(ls[3]);
    third.result.score = 100;
    ls[3] = JSON.stringify(third);
    await setLines(ls);
    expect((await verifyLog(log)).broken).toEqual({
      line: 4,
      seq: 3,
      reason: 'entry 3 does not match its hash: its content was changed after it was written',
      reasonId: 'diag.verify.hashMismatch',
      params: { seq: 3 },
    });
  });

  it('found to have lost an entry where that entry was', async () => {
    await writeLog(5);
    const ls = await lines();
    ls.splice(3, 1);
    await setLines(ls);
    expect((await verifyLog(log)).broken).toEqual({
      line: 4,
      seq: 3,
      reason: 'entry 3 is missing: this line is entry 4, after entry 2',
      reasonId: 'diag.verify.missing',
      params: { from: 3, seq: 4, prev: 2 },
    });
  });

  it('rewritten with recomputed hashes is caught by the signed checkpoint', async () => {
    await writeLog(5);
    const ls = (await lines()).map((l) => JSON.parse(l));
    let head = genesisHash;
    for (const l of ls) {
      if ('checkpoint' in l) continue;
      if (l.seq === 3) l.result.score = 100;
      l.prevHash = head;
      l.hash = entryHash(l);
      head = l.hash;
    }
    await setLines(ls.map((l) => canonicalJson(l)));
    const report = await verifyLog(log);
    expect(report.broken?.line).toBe(6);
    expect(report.broken?.reason).toMatch(
      /^a checkpoint of entry 4 \(head sha256:\w+\) that does not match the chain at this point/,
    );
  });

  it('with a forged checkpoint signature is refused at that checkpoint', async () => {
    await writeLog(4);
    const ls = await lines();
    const cp = JSON.parse(ls[2]);
    const sig = Buffer.from(cp.signature, 'base64');
    sig[10] ^= 1;
    cp.signature = sig.toString('base64');
    ls[2] = canonicalJson(cp);
    await setLines(ls);
    expect((await verifyLog(log)).broken).toEqual({
      line: 3,
      reason: 'the signature of the checkpoint of entry 2 does not verify: it or the signature was altered',
      reasonId: 'diag.verify.badSignature.checkpoint',
      params: { seq: 2 },
    });
  });

  it('signed by another key than the one given is refused', async () => {
    await writeLog(2);
    const other = await generateSigningKey(join(dir, 'other.pem'));
    const report = await verifyLog(log, { publicKey: other.publicKey });
    expect(report.ok).toBe(false);
    expect(report.broken?.reason).toMatch(
      /^the signed head signed by key sha256:\w+, not by the key given \(sha256:\w+\)$/,
    );
  });

  it('with a torn last line moves it aside on reopen, records the repair in the chain, and goes on', async () => {
    await writeLog(3, { checkpointEvery: 0 });
    const whole = await readFile(log, 'utf8');
    const next = canonicalJson({ seq: 4, caller: 'interrupted' });
    await appendFile(log, next.slice(0, 20));
    const torn = await verifyLog(log);
    expect(torn).toMatchObject({ ok: true, entries: 3 });
    expect(torn.warnings[0]).toMatch(/^line 5 is torn/);

    const warnings: string[] = [];
    const l = await createDecisionLog({ path: log, privateKeyPath: key, onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([
      expect.stringMatching(
        /the last line was torn \(20 bytes without a newline: a write that was interrupted and never acknowledged\); it was moved to .*decisions\.jsonl\.torn-[-\dTZ]+ and the repair is recorded in the chain$/,
      ),
    ]);
    const aside = (await readdir(dir)).find((f) => f.includes('.torn-'))!;
    expect(await readFile(join(dir, aside), 'utf8')).toBe(next.slice(0, 20));
    expect((await stat(join(dir, aside))).mode & 0o777).toBe(0o600);
    // Every complete line is kept, as it was.
    expect((await readFile(log, 'utf8')).startsWith(whole)).toBe(true);
    const entry = await l.append(decision(4));
    await l.close();
    expect(entry.seq).toBe(5);
    const report = await verifyLog(log, { publicKey: await readPublicKey(pub) });
    expect(report).toMatchObject({
      ok: true,
      entries: 4,
      lastSeq: 5,
      repairs: [{ seq: 4, bytes: 20, movedTo: aside }],
      chainOnly: 0,
    });
  });

  it('whose last line is complete but not JSON is not opened: no complete line is ever dropped', async () => {
    await writeLog(2, { checkpointEvery: 0 });
    await appendFile(log, '\u0000\u0000\u0000\n');
    const before = await readFile(log);
    await expect(createDecisionLog({ path: log, privateKeyPath: key })).rejects.toThrow(
      /the complete line at byte \d+ is not JSON; the log is not opened \(no complete line is ever dropped\)/,
    );
    expect(await readFile(log)).toEqual(before);
  });

  it('continues its chain across reopenings', async () => {
    await writeLog(2);
    await writeLog(2);
    const report = await verifyLog(log, { publicKey: await readPublicKey(pub) });
    expect(report).toMatchObject({ ok: true, entries: 4, lastSeq: 4 });
  });

  it('keeps concurrent appends in one order, each durable when it resolves', async () => {
    const l = await createDecisionLog({ path: log, privateKeyPath: key, createKey: true, checkpointEvery: 7 });
    const entries = await Promise.all(Array.from({ length: 20 }, (_, n) => l.append(decision(n))));
    await l.close();
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
    // Group commit: the first append is written alone, the 19 queued behind it in one write ending in a checkpoint.
    expect(await verifyLog(log)).toMatchObject({ ok: true, entries: 20, checkpoints: 1 });
    await expect(l.append(decision(1))).rejects.toThrow(/is closed/);
  });

  it('masks and drops input fields named by JSON pointer, keeping the hash of the whole input', async () => {
    const l = await createDecisionLog({
      path: log,
      privateKeyPath: key,
      createKey: true,
      mask: ['/institution/name'],
      drop: ['/circumstances', '/no/such/field'],
      resultMask: ['/institution/name'],
    });
    const d = decision(1);
    const entry = await l.append(d);
    await l.close();
    expect(entry.input).toEqual({
      ...(d.input as object),
      institution: { name: '[masked]' },
      circumstances: undefined,
    });
    expect(entry.input).not.toHaveProperty('circumstances');
    expect(entry.redacted).toEqual({
      dropped: ['/circumstances'],
      masked: ['/institution/name'],
      resultMasked: ['/institution/name'],
    });
    expect(entry.result).toMatchObject({
      institution: { name: '[masked]' },
      score: (d.result as { score: number }).score,
    });
    expect(entry.inputHash).toBe(canonicalHash(d.input));
    expect(await readFile(log, 'utf8')).not.toContain('某市农村商业银行');
    expect(await verifyLog(log)).toMatchObject({ ok: true });
  });

  it('can leave the whole input out, and with it the institution the result repeats', async () => {
    const l = await createDecisionLog({ path: log, privateKeyPath: key, createKey: true, drop: [''] });
    const d = decision(1);
    const entry = await l.append(d);
    await l.close();
    expect(entry).not.toHaveProperty('input');
    expect(entry.redacted).toEqual({ dropped: [''], masked: [], resultMasked: ['/institution'] });
    expect(entry.result).toMatchObject({ institution: '[masked]', score: (d.result as { score: number }).score });
    expect(await readFile(log, 'utf8')).not.toContain('某市农村商业银行');
  });

  it('exports its checkpoints to a second file', async () => {
    await writeLog(4, { checkpointPath: join(dir, 'checkpoints.jsonl') });
    const exported = (await readFile(join(dir, 'checkpoints.jsonl'), 'utf8')).split('\n').filter(Boolean);
    expect(exported).toEqual((await lines()).filter((l) => l.startsWith('{"checkpoint"')));
    expect(exported).toHaveLength(2);
  });
});

describe('credit-policy verify-log', () => {
  // English (`--lang en`) where the text is asserted; `runZh` is the default, Chinese.
  const runIn = (lang: string[], args: string[]) =>
    spawnSync(process.execPath, [`${repoRoot}dist/cli/main.js`, ...lang, 'verify-log', ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
  const run = (...args: string[]) => runIn(['--lang', 'en'], args);
  const runZh = (...args: string[]) => runIn([], args);
  const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it('says ok and exits 0 for a good log', async () => {
    await writeLog(3);
    const r = run(log, '--public-key', pub);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^${log.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ok: 3 entries, 2 signed checkpoints \\(key sha256:\\w+, as given\\)\\nhead: entry 3 sha256:\\w+\\nsigned head: entry 3 at \\S+; 0 entries after it\\n$`,
      ),
    );
  });

  it('says ok in Chinese by default, with the same figures', async () => {
    await writeLog(3);
    const r = runZh(log, '--public-key', pub);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^${escaped(log)}：完好：3 条记录，2 个已签名检查点（密钥 sha256:\\w+，即所给公钥）\\n链头：第 3 条记录 sha256:\\w+\\n已签名的链头：第 3 条记录，签于 \\S+；其后 0 条记录\\n$`,
      ),
    );
  });

  it('names the first broken line and exits 1', async () => {
    await writeLog(3);
    const ls = await lines();
    ls.splice(0, 1);
    await setLines(ls);
    const r = run(log);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${log}:1: broken: entry 1 is missing: this line is entry 2, after entry 0\n`);
    expect(JSON.parse(run(log, '--json').stdout)).toMatchObject({ ok: false, broken: { line: 1, seq: 1 } });
    // The JSON is the same in either language: the English reason, and its key and values beside it.
    expect(runZh(log, '--json').stdout).toBe(run(log, '--json').stdout);
    expect(JSON.parse(run(log, '--json').stdout).broken).toEqual({
      line: 1,
      seq: 1,
      reason: 'entry 1 is missing: this line is entry 2, after entry 0',
      reasonId: 'diag.verify.missing',
      params: { from: 1, seq: 2, prev: 0 },
    });
    expect(runZh(log).stdout).toContain(`${log}:1：断裂：缺少第 1 条记录：此行为第 2 条，位于第 0 条之后\n`);
  });

  it('refuses a key file that is not a public key, exit 2', async () => {
    await writeLog(1);
    await writeFile(join(dir, 'bad.pem'), 'not a key');
    const r = run(log, '--public-key', join(dir, 'bad.pem'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.pem is not a PEM public key/);
  });
});
