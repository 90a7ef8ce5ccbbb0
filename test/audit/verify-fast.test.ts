// verify-log reads the entries covered by a signature from their bytes (src/audit/fast-entry.ts), in
// worker threads for a long log: the same verdicts as parsing every line, for a whole log and for each
// way of changing one; what does not hold or is in another form is parsed and named as before.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { entryHash } from '../../src/audit/entry.js';
import { fastEntry } from '../../src/audit/fast-entry.js';
import { type VerifyReport, verifyLog } from '../../src/audit/verify.js';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { useLogFixture } from './log-fixture.js';

const f = useLogFixture('verify-fast', { checkpointEvery: 4, circumstances: true });

/** The report of the compiled CLI with two worker threads hashing. */
function threaded(path: string): VerifyReport {
  const r = spawnSync(
    process.execPath,
    [`${repoRoot}dist/cli/main.js`, 'verify-log', path, '--json', '--threads', '2'],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(r.stdout) as VerifyReport;
}

/** Entries 1–5 whole, 6–9 masked; every third with an idempotency key that needs escaping. */
async function writeMixed(): Promise<void> {
  for (const [from, to, options] of [
    [1, 5, {}],
    [6, 9, { mask: ['/institution/name'], resultMask: ['/institution/name'] }],
  ] as const) {
    const l = await f.open(options);
    for (let n = from; n <= to; n++)
      await l.append(n % 3 === 0 ? { ...f.decision(n), idempotencyKey: `key-"${n}"-键` } : f.decision(n));
    await l.close();
  }
}

describe('verify-log over the bytes of each entry', () => {
  it('reads what parsing reads from every entry the appender wrote (masked, with idempotency keys)', async () => {
    await writeMixed();
    const entries = (await f.lines()).filter((l) => !l.startsWith('{"checkpoint"'));
    expect(entries).toHaveLength(9);
    for (const line of entries) {
      const e = JSON.parse(line);
      expect(fastEntry(Buffer.from(line))).toEqual({ seq: e.seq, hash: e.hash, prevHash: e.prevHash });
    }
  });

  it('reads from its bytes an entry whose input was dropped', async () => {
    await f.writeLog(2, { drop: [''] });
    const line = (await f.lines())[1];
    expect(JSON.parse(line).input).toBeUndefined();
    expect(fastEntry(Buffer.from(line))).toMatchObject({ seq: 2 });
  });

  it('leaves to parsing an entry changed by a byte, one re-hashed over a changed input, and another form', async () => {
    await f.writeLog(2);
    const line = (await f.lines())[0];
    expect(fastEntry(Buffer.from(line.replace('"score":', '"score": ')))).toBeUndefined();
    const e = JSON.parse(line);
    e.input.year = 2024;
    e.hash = entryHash(e);
    expect(fastEntry(Buffer.from(canonicalJson(e)))).toBeUndefined();
    expect(fastEntry(Buffer.from(JSON.stringify(JSON.parse(line), null, 1).replace(/\n/g, '')))).toBeUndefined();
    expect(fastEntry(Buffer.from((await f.lines())[2]))).toBeUndefined(); // the checkpoint
  });

  it('gives the same report with worker threads as without, for a whole log and each changed one', async () => {
    await writeMixed();
    const original = await f.lines();
    const entryAt = (seq: number) => original.findIndex((l) => l.startsWith('{"caller"') && JSON.parse(l).seq === seq);
    const cases: [string, (ls: string[]) => string[], RegExp | undefined][] = [
      ['whole', (ls) => ls, undefined],
      [
        'a byte of a result changed',
        (ls) => ls.map((l, i) => (i === entryAt(5) ? l.replace('"score":', '"score":1') : l)),
        /^entry 5 does not match its hash/,
      ],
      [
        'an input changed and the entry re-hashed',
        (ls) =>
          ls.map((l, i) => {
            if (i !== entryAt(5)) return l;
            const e = JSON.parse(l);
            e.input.year = 2024;
            e.hash = entryHash(e);
            return canonicalJson(e);
          }),
        /^entry 5: its input does not match its inputHash$/,
      ],
      [
        'an entry written in another (equivalent) form',
        (ls) => ls.map((l, i) => (i === entryAt(5) ? JSON.stringify(JSON.parse(l), null, 1).replace(/\n/g, '') : l)),
        undefined,
      ],
      ['an entry deleted', (ls) => ls.filter((_, i) => i !== entryAt(3)), /^entry 3 is missing/],
    ];
    for (const [name, change, reason] of cases) {
      await f.setLines(change(original));
      const inThread = await verifyLog(f.log, { threads: 0 });
      expect({ name, ok: inThread.ok, reason: inThread.broken?.reason }).toEqual({
        name,
        ok: reason === undefined,
        reason: reason ? expect.stringMatching(reason) : undefined,
      });
      expect({ name, report: threaded(f.log) }).toEqual({ name, report: inThread });
    }
    expect((await readFile(f.log, 'utf8')).length).toBeGreaterThan(0);
  });
});
