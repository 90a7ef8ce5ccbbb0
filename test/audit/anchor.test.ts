// The end of the decision log is anchored: each attack on it (tail rewritten and its checkpoint
// deleted, tail cut, file emptied, head deleted, a cut log reopened, an unsigned log, a full disk)
// is now found, and group commit, withdrawal, rotation and file modes hold.
import { spawn } from 'node:child_process';
import { readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { entryHash } from '../../src/audit/entry.js';
import { headPathFor, readHead } from '../../src/audit/head.js';
import { createDecisionLog, type DecisionLogOptions } from '../../src/audit/log.js';
import { verifyLog } from '../../src/audit/verify.js';
import { verifyFolder } from '../../src/audit/verify-folder.js';
import { compileSchema } from '../../src/validation/ajv.js';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { useLogFixture } from './log-fixture.js';

const f = useLogFixture('anchor', { checkpointEvery: 3 });
let dir: string;
let log: string;
let key: string;
let pub: string;
beforeEach(() => {
  ({ dir, log, key, pub } = f);
});
const { decision, open, writeLog, lines, setLines, pinned } = f;

describe('the anchored end of a decision log', () => {
  it('verifies whole, with the signed head naming the last entry and nothing covered by the chain only', async () => {
    await writeLog(5);
    const report = await verifyLog(log, await pinned());
    expect(report).toMatchObject({ ok: true, entries: 5, lastSeq: 5, chainOnly: 0, signedHead: { seq: 5 } });
    const head = await readHead(headPathFor(log));
    expect(head?.checkpoint).toMatchObject({ seq: 5, head: report.head });
  });

  it('finds the last entry rewritten, re-chained and its checkpoint deleted', async () => {
    await writeLog(5);
    const ls = (await lines()).map((l) => JSON.parse(l));
    const kept = ls.filter((l) => !('checkpoint' in l && l.checkpoint.seq === 5));
    const last = kept[kept.length - 1];
    last.result.score = 100;
    last.hash = entryHash(last);
    await setLines(kept.map((l) => canonicalJson(l)));
    const report = await verifyLog(log, await pinned());
    expect(report.ok).toBe(false);
    expect(report.broken?.reason).toMatch(
      /^entry 5 is not the entry the signed head names \(sha256:\w+\): the end of the log was rewritten$/,
    );
  });

  it('finds the tail cut at a line boundary', async () => {
    await writeLog(5);
    const ls = await lines();
    await setLines(ls.slice(0, ls.length - 2));
    const report = await verifyLog(log, await pinned());
    expect(report.broken?.reason).toBe(
      'the log ends at entry 4, but its signed head names entry 5: entries 5–5 were cut off its end',
    );
  });

  it('finds the file emptied', async () => {
    await writeLog(4);
    await truncate(log, 0);
    expect((await verifyLog(log)).broken?.reason).toBe(
      'the log holds no entry, but its signed head names entry 4: the log was emptied',
    );
  });

  it('finds the signed head deleted or forged', async () => {
    await writeLog(2);
    const head = await readFile(headPathFor(log), 'utf8');
    await writeFile(headPathFor(log), head.replace(/"seq":2/, '"seq":1'));
    expect((await verifyLog(log)).broken?.reason).toMatch(
      /^the signature of the signed head of entry 1 does not verify/,
    );
    await rm(headPathFor(log));
    expect((await verifyLog(log)).broken?.reason).toMatch(/^the signed head .*decisions\.jsonl\.head\.json is missing/);
  });

  it('keeps a head that its schema accepts, also for a log that holds no entry yet', async () => {
    const validate = compileSchema('audit/signed-head.schema.json');
    await (await open()).close();
    const empty = JSON.parse(await readFile(headPathFor(log), 'utf8'));
    expect(empty.checkpoint).toMatchObject({ seq: 0, head: `sha256:${'0'.repeat(64)}` });
    expect(validate(empty)).toBe(true);
    await writeLog(4);
    expect(validate(JSON.parse(await readFile(headPathFor(log), 'utf8')))).toBe(true);
    expect(await verifyLog(log)).toMatchObject({ ok: true, entries: 4 });
  });

  it('refuses a head file of the wrong shape or not JSON, naming the file, line, column and field', async () => {
    await writeLog(2);
    const path = headPathFor(log);
    const head = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...head, checkpoint: { ...head.checkpoint, seq: -1 } }, null, 2));
    const line = (await readFile(path, 'utf8')).split('\n').findIndex((l) => l.includes('"seq"')) + 1;
    expect((await verifyLog(log)).broken).toMatchObject({
      line: 0,
      reason: expect.stringMatching(
        new RegExp(
          `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+: not a signed head \\(schemas/audit/signed-head\\.schema\\.json\\): checkpoint\\.seq must be`,
        ),
      ),
    });
    await writeFile(path, JSON.stringify({ ...head, extra: 1 }));
    expect((await verifyLog(log)).broken?.reason).toMatch(/head\.json:1:\d+: not a signed head .*unknown key "extra"/);
    await writeFile(path, '{"checkpoint":');
    expect((await verifyLog(log)).broken?.reason).toMatch(/head\.json:1:\d+: the signed head is not valid JSON/);
    await expect(open()).rejects.toThrow(/head\.json:1:\d+: the signed head is not valid JSON/);
  });

  it('says how many entries only the chain covers', async () => {
    const l = await open({ checkpointEvery: 0, checkpointIntervalMs: 0 });
    for (let n = 1; n <= 4; n++) await l.append(decision(n));
    // Not closed: as after a crash, the last four entries have no signature yet.
    const report = await verifyLog(log);
    expect(report).toMatchObject({ ok: true, entries: 4, chainOnly: 4, signedHead: { seq: 0 } });
    expect(report.warnings).toContain(
      'entries 1–4 (4) come after the last signature and are covered by the hash chain only',
    );
    await l.close();
  });

  it('signs a checkpoint T ms after entries arrive, without waiting for N of them', async () => {
    const l = await open({ checkpointEvery: 1000, checkpointIntervalMs: 50 });
    await l.append(decision(1));
    await l.append(decision(2));
    for (let i = 0; i < 100 && (await readHead(headPathFor(log)))?.checkpoint.seq !== 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect((await readHead(headPathFor(log)))?.checkpoint.seq).toBe(2);
    expect((await lines()).filter((x) => x.startsWith('{"checkpoint"'))).toHaveLength(1);
    await l.close();
  });

  it('refuses to reopen a log whose end was cut, and does not sign over the shorter chain', async () => {
    await writeLog(5);
    const ls = await lines();
    await setLines(ls.slice(0, ls.length - 3));
    const before = await readFile(log);
    await expect(open()).rejects.toThrow(
      /decisions\.jsonl ends at entry 3, but its signed head names entry 5: the end of the log was cut; run verify-log/,
    );
    await truncate(log, 0);
    await expect(open()).rejects.toThrow(/holds no entry, but its signed head names entry 5: the log was emptied/);
    await writeFile(log, before);
    expect(await readFile(log)).toEqual(before);
  });

  it('refuses to reopen a log whose signed entry was rewritten', async () => {
    await writeLog(3);
    const ls = (await lines()).map((l) => JSON.parse(l));
    const third = ls.find((l) => l.seq === 3);
    third.caller = 'mallory';
    third.hash = entryHash(third);
    await setLines(ls.filter((l) => !('checkpoint' in l)).map((l) => canonicalJson(l)));
    await expect(open()).rejects.toThrow(/entry 3 is not the one its signed head names .*: the log was rewritten/);
  });
});

describe('signing is always on', () => {
  it('refuses a log without a key, and a key path that does not exist', async () => {
    await expect(createDecisionLog({ path: log } as DecisionLogOptions)).rejects.toThrow(
      /a decision log is always signed/,
    );
    await expect(createDecisionLog({ path: log, privateKeyPath: join(dir, 'typo.pem') })).rejects.toThrow(
      /the decision log's signing key .*typo\.pem does not exist/,
    );
  });

  it('makes a key when asked to, and says where', async () => {
    const made: string[] = [];
    const l = await open({ onKeyCreated: (priv, pubPath) => made.push(priv, pubPath) });
    await l.close();
    expect(made).toEqual([key, pub]);
    expect((await stat(key)).mode & 0o777).toBe(0o600);
  });
});

describe('a failed append', () => {
  it('leaves the file exactly as before (a full disk), and the log goes on once space returns', async () => {
    let full = false;
    const l = await open({
      write: async (handle, buf) => {
        if (full) {
          // Half of the bytes reach the file before the disk is full, as a real short write would.
          await handle.write(buf, 0, Math.floor(buf.length / 2));
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        }
        await handle.write(buf);
      },
    });
    await l.append(decision(1));
    const before = await readFile(log);
    full = true;
    await expect(l.append(decision(2))).rejects.toThrow(
      /writing the decision log .* failed \(ENOSPC: no space left on device, write\); it was cut back to its last good entry, and nothing of this write is in it/,
    );
    expect(await readFile(log)).toEqual(before);
    full = false;
    const e = await l.append(decision(3));
    expect(e.seq).toBe(2);
    await l.close();
    expect(await verifyLog(log, await pinned())).toMatchObject({ ok: true, entries: 2 });
  });

  it('creates the log, its head and its key readable by the owner only', async () => {
    await writeLog(1);
    for (const f of [log, headPathFor(log), key]) expect((await stat(f)).mode & 0o777).toBe(0o600);
  });
});

describe('group commit', () => {
  it('writes appends that arrive together with one write, each resolved with its own entry', async () => {
    const writes: number[] = [];
    const l = await open({
      checkpointEvery: 0,
      write: async (handle, buf) => {
        writes.push(buf.toString('utf8').split('\n').length - 1);
        await handle.write(buf);
      },
    });
    const entries = await Promise.all(Array.from({ length: 40 }, (_, n) => l.append(decision(n))));
    await l.close();
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, n) => n + 1));
    // Appends made in the same turn of the event loop share one write.
    expect(writes[0]).toBe(40);
    // One goes alone; those that come while its write is under way share the next one.
    writes.length = 0;
    const l2 = await open({
      checkpointEvery: 0,
      write: async (handle, buf) => {
        writes.push(buf.toString('utf8').split('\n').length - 1);
        await handle.write(buf);
      },
    });
    const alone = l2.append(decision(41));
    await new Promise(setImmediate);
    const behind = Array.from({ length: 39 }, (_, n) => l2.append(decision(n + 42)));
    await Promise.all([alone, ...behind]);
    await l2.close();
    expect(writes.slice(0, 2)).toEqual([1, 39]);
    expect(await verifyLog(log)).toMatchObject({ ok: true, entries: 80 });
  });

  it('logs all of appendAll or none, and an append withdrawn before its write is not logged', async () => {
    let release = () => {};
    let writes = 0;
    const l = await open({
      checkpointEvery: 0,
      // The second write hangs until released: an appendAll behind it waits in the queue.
      write: async (handle, buf) => {
        if (writes++ === 1)
          await new Promise<void>((r) => {
            release = r;
          });
        await handle.write(buf);
      },
    });
    const all = await l.appendAll([decision(1), decision(2), decision(3)]);
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3]);
    const first = l.append(decision(4));
    await new Promise(setImmediate);
    const bound = { at: performance.now() + 20, reason: () => new Error('timed out') };
    const withdrawn = l.appendAll([decision(5), decision(6)], { until: bound });
    await expect(withdrawn).rejects.toThrow('timed out');
    release();
    expect((await first).seq).toBe(4);
    expect((await l.append(decision(7))).seq).toBe(5);
    await l.close();
    expect(await verifyLog(log)).toMatchObject({ ok: true, entries: 5 });
  });

  it('withdraws an append past its time bound while it waits, and never one already being written', async () => {
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let writes = 0;
    const l = await open({
      checkpointEvery: 0,
      // The first write hangs until released: the appends behind it wait in the queue.
      write: async (handle, buf) => {
        if (writes++ === 0) await held;
        await handle.write(buf);
      },
    });
    const bound = (ms: number) => ({ at: performance.now() + ms, reason: () => new Error(`past ${ms} ms`) });
    const writing = l.append(decision(1), { until: bound(20) });
    // Its write begins at the end of this turn of the event loop; the appends below come after.
    await new Promise(setImmediate);
    const late = l.append(decision(2), { until: bound(30) });
    const patient = l.append(decision(3), { until: bound(60_000) });
    await expect(late).rejects.toThrow('past 30 ms');
    // Already past its bound when it comes: refused at once.
    await expect(l.append(decision(4), { until: bound(-1) })).rejects.toThrow('past -1 ms');
    release();
    expect((await writing).seq).toBe(1);
    expect((await patient).seq).toBe(2);
    await l.close();
    expect(await verifyLog(log)).toMatchObject({ ok: true, entries: 2 });
  });
});

describe('the lines written', () => {
  it('are canonical JSON, with and without an Idempotency-Key, masks and a dropped input, and verify', async () => {
    for (const [name, options] of [
      ['plain', {}],
      ['masked', { mask: ['/institution/name'], resultMask: ['/institution/name'], drop: ['/no/such'] }],
      ['dropped', { drop: [''] }],
    ] as const) {
      log = f.log = join(dir, `${name}.jsonl`);
      const l = await open(options);
      await l.append({ ...decision(1), idempotencyKey: 'k-1' });
      await l.append(decision(2));
      await l.close();
      const ls = await lines();
      expect(ls.every((x) => canonicalJson(JSON.parse(x)) === x)).toBe(true);
      expect(await verifyLog(log)).toMatchObject({ ok: true, entries: 2 });
    }
  });
});

describe('rotation', () => {
  it('by size: the chain goes on across files, and verify-log checks them as one', async () => {
    await writeLog(9, { rotateBytes: 20_000 });
    const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
    expect(files.length).toBeGreaterThan(2);
    expect(files[0]).toBe('decisions.from-000000000001.jsonl');
    const report = await verifyLog(log, await pinned());
    expect(report).toMatchObject({ ok: true, entries: 9, lastSeq: 9 });
    expect(report.files).toHaveLength(files.length);
    // Reopened, it goes on in the newest file.
    await writeLog(1, { rotateBytes: 20_000 });
    expect(await verifyLog(log)).toMatchObject({ ok: true, entries: 10 });
    // A rotated file removed from the middle is found.
    await rm(join(dir, files[1]));
    expect((await verifyLog(log)).broken?.reason).toMatch(/^entry \d+(–\d+)? is missing/);
  });

  it('by year: entries of a new year start a new file', async () => {
    let now = new Date('2026-12-31T23:59:59Z');
    const l = await open({ rotateYearly: true, now: () => now });
    await l.append(decision(1));
    await l.append(decision(2));
    now = new Date('2027-01-01T00:00:01Z');
    await l.append(decision(3));
    await l.close();
    expect((await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort()).toEqual([
      'decisions.from-000000000001.jsonl',
      'decisions.jsonl',
    ]);
    expect(JSON.parse((await lines())[0]).seq).toBe(3);
    expect(await verifyLog(log)).toMatchObject({ ok: true, entries: 3 });
  });

  it('verify-log over a folder checks each replica’s chain on its own', async () => {
    for (const replica of ['a', 'b']) {
      const l = await createDecisionLog({
        path: join(dir, `decisions.${replica}.jsonl`),
        privateKeyPath: key,
        createKey: true,
      });
      await l.appendAll([decision(1), decision(2)]);
      await l.close();
    }
    const reports = await verifyFolder(dir, await pinned());
    expect(reports.map((r) => [r.file.slice(dir.length + 1), r.ok, r.entries])).toEqual([
      ['decisions.a.jsonl', true, 2],
      ['decisions.b.jsonl', true, 2],
    ]);
  });
});

describe('kill -9 during a burst', () => {
  it('loses no acknowledged decision', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'test/audit/burst-child.mjs'), log, key], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked = new Map<number, string>();
    let buffer = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        const parts = buffer.split('\n');
        buffer = parts.pop()!;
        for (const p of parts) {
          const [seq, hash] = p.split(' ');
          acked.set(Number(seq), hash);
        }
        if (acked.size >= 300 && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    expect(acked.size).toBeGreaterThanOrEqual(300);
    const report = await verifyLog(log);
    expect(report.ok).toBe(true);
    const logged = new Map(
      (await lines())
        .map((l) => JSON.parse(l))
        .filter((l) => !('checkpoint' in l))
        .map((e) => [e.seq, e.hash]),
    );
    for (const [seq, hash] of acked) expect(logged.get(seq)).toBe(hash);
    // And the log opens again, going on from the last complete entry.
    const l = await createDecisionLog({ path: log, privateKeyPath: key });
    expect((await l.append(decision(1))).seq).toBeGreaterThan(Math.max(...acked.keys()));
    await l.close();
    expect(await verifyLog(log)).toMatchObject({ ok: true });
  });
});
