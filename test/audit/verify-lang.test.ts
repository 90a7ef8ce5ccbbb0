// verify-log's break reasons in the reader's language: the report keeps the English reason (what
// auditors and tools read) and its catalogue key and values beside it, and the human text is Chinese by
// default and the same English as the JSON with `--lang en`.
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { headPathFor } from '../../src/audit/head.js';
import { verifyLog } from '../../src/audit/verify.js';
import { renderVerifyReport } from '../../src/cli/verify-log.js';
import { useLogFixture } from './log-fixture.js';

const f = useLogFixture('verify-lang', { checkpointEvery: 2 });
const broken = async () => {
  const r = await verifyLog(f.log);
  return { r, zh: renderVerifyReport(r, 'zh').split('\n')[0], en: renderVerifyReport(r, 'en').split('\n')[0] };
};

describe('verify-log break reasons in Chinese and English', () => {
  it('an edited entry', async () => {
    await f.writeLog(3);
    const ls = await f.lines();
    const e = JSON.parse(ls[0]);
    e.result.score = 1;
    ls[0] = JSON.stringify(e);
    await f.setLines(ls);
    const { r, zh, en } = await broken();
    expect(r.broken).toMatchObject({ reasonId: 'diag.verify.hashMismatch', params: { seq: 1 } });
    expect(zh).toBe(`${f.log}:1：断裂：第 1 条记录与其哈希不符：写入后内容被改动`);
    expect(en).toBe(
      `${f.log}:1: broken: entry 1 does not match its hash: its content was changed after it was written`,
    );
  });

  it('entries missing, and a line that is not JSON', async () => {
    await f.writeLog(5);
    const ls = (await f.lines()).filter((l) => !l.includes('"checkpoint"'));
    await f.setLines([ls[0], ls[3], ls[4]]);
    let { zh, en } = await broken();
    expect(zh).toBe(`${f.log}:2：断裂：缺少第 2–3 条记录：此行为第 4 条，位于第 1 条之后`);
    expect(en).toBe(`${f.log}:2: broken: entry 2–3 is missing: this line is entry 4, after entry 1`);
    await f.setLines([ls[0], '{not json']);
    ({ zh, en } = await broken());
    expect(zh).toBe(`${f.log}:2：断裂：不是 JSON`);
    expect(en).toBe(`${f.log}:2: broken: is not JSON`);
  });

  it('a forged checkpoint signature, and the signed head forged or cut off', async () => {
    await f.writeLog(4);
    const ls = await f.lines();
    const cp = JSON.parse(ls[2]);
    const sig = Buffer.from(cp.signature, 'base64');
    sig[10] ^= 1;
    cp.signature = sig.toString('base64');
    await f.setLines([...ls.slice(0, 2), canonicalJson(cp), ...ls.slice(3)]);
    let { zh, en } = await broken();
    expect(zh).toBe(`${f.log}:3：断裂：第 2 条记录的检查点签名验证不通过：检查点或其签名已被改动`);
    expect(en).toBe(
      `${f.log}:3: broken: the signature of the checkpoint of entry 2 does not verify: it or the signature was altered`,
    );
    await f.setLines(ls.slice(0, 3));
    ({ zh, en } = await broken());
    expect(zh).toBe(`${f.log}:0：断裂：日志止于第 2 条记录，但已签名的链头指向第 4 条：第 3–4 条记录被从末尾截去`);
    expect(en).toBe(
      `${f.log}:0: broken: the log ends at entry 2, but its signed head names entry 4: entries 3–4 were cut off its end`,
    );
    await rm(headPathFor(f.log));
    ({ zh, en } = await broken());
    expect(zh).toBe(`${f.log}:0：断裂：缺少已签名的链头 ${f.log}.head.json：无法核对日志末尾（日志可能被截断或清空）`);
  });

  it('warnings: a torn last line, and signatures checked with the key in the log', async () => {
    await f.writeLog(2);
    await appendFile(f.log, '{"seq":3,"ti');
    const r = await verifyLog(f.log);
    expect(r.ok).toBe(true);
    expect(r.warningMessages.map((m) => m.key)).toEqual(['diag.verify.torn', 'diag.verify.unpinned']);
    const warnings = (lang: 'zh' | 'en') =>
      renderVerifyReport(r, lang)
        .split('\n')
        .filter((l) => /^(警告|warning)/.test(l));
    const lineNo = (await readFile(f.log, 'utf8')).split('\n').length;
    expect(warnings('zh')).toEqual([
      `警告：第 ${lineNo} 行残缺（没有换行符：一次被中断、从未确认的写入）；用其写入程序打开日志时会将其移开并记录此次修复`,
      '警告：签名是用日志自身所写的公钥核验的；请用 --public-key 给出你所信任的公钥来核验',
    ]);
    expect(warnings('en')).toEqual(r.warnings.map((w) => `warning: ${w}`));
    expect(r.warnings).toEqual([
      `line ${lineNo} is torn (no newline: an interrupted write, never acknowledged); opening the log with its appender moves it aside and records the repair`,
      'signatures were checked with the key written in the log itself; give --public-key to check them against the key you trust',
    ]);
  });

  it('a head file of the wrong shape, its schema problems in the language asked for', async () => {
    await f.writeLog(2);
    const path = headPathFor(f.log);
    const head = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...head, extra: 1 }));
    const { r, zh, en } = await broken();
    expect(r.broken?.reasonId).toBe('diag.head.notSignedHead');
    expect(en).toBe(`${f.log}:0: broken: ${r.broken?.reason}`);
    expect(en).toMatch(
      /head\.json:1:\d+: not a signed head \(schemas\/audit\/signed-head\.schema\.json\): .*unknown key "extra"/,
    );
    expect(zh).toMatch(/head\.json:1:\d+：不是已签名的链头（schemas\/audit\/signed-head\.schema\.json）：.*extra/);
    expect(zh).not.toMatch(/unknown key/);
  });
});
