// obligations.yaml is data a policy editor owns: every clause is the source verbatim, every reading
// is defined and used, numbers fit their schedule, and a problem is reported at its line.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectObligations, loadObligations } from '../../src/obligations/load.js';
import { mainRulesetDir as defaultRulesetDir } from '../helper.js';
import { formatDiagnostic } from '../../src/diagnostics/diagnostics.js';

async function edited(from: string, to: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'credit-policy-obligations-'));
  await cp(defaultRulesetDir, dir, { recursive: true });
  const file = join(dir, 'obligations.yaml');
  const text = await readFile(file, 'utf8');
  if (!text.includes(from)) throw new Error(`obligations.yaml lacks ${from}`);
  await writeFile(file, text.replace(from, to));
  const { set, diagnostics } = await inspectObligations(dir, dir);
  expect(set).toBeUndefined();
  return diagnostics.map(formatDiagnostic);
}

describe('obligations.yaml', () => {
  it('loads without a problem, every obligation with its clause', async () => {
    const { set, diagnostics } = await inspectObligations(defaultRulesetDir);
    expect(diagnostics).toEqual([]);
    // 23 of issue 6, and the periodic duties of issue 15: annual inspection plan, 日核查, 例会, 内部审计,
    // 5.1 暂停 and 培训.
    expect(set!.doc.obligations.length).toBe(29);
    expect(set!.byId.get('rating-appeal')!.clause).toBe(
      '全国性接入机构对考核评级结果有异议的，可以在收到反馈之日起7个工作日内，提出书面申述，并提交相关证明材料。',
    );
  });

  it('names the five event types of annex 2 in the order of the form', async () => {
    const set = await loadObligations(defaultRulesetDir);
    expect(set.doc.monthlyReport.eventTypes.map((t) => [t.key, t.name])).toEqual([
      ['abnormalQueries', '异常查询'],
      ['unauthorizedQueries', '违规查询'],
      ['illegalProvisions', '非法提供'],
      ['misuses', '违规使用'],
      ['creditReportLeaks', '信用报告泄漏'],
    ]);
  });

  it('refuses a clause that is not the source verbatim, at its line', async () => {
    const out = await edited(
      '应当自变更之日起 10 日内向人民银行报备。\n',
      '应当自变更之日起 15 日内向人民银行报备。\n',
    );
    expect(out).toEqual([
      expect.stringMatching(
        /^obligations\.yaml:121:13: error OBL020: obligations\[internal-control-change-filing\]\.clause quotes text that is not in the source verbatim: "征信内控制度及问责制度变更的，应当自变更之日起 15 日内向人民银行报备。"$/,
      ),
    ]);
  });

  it('refuses a reading that is not defined, and one that nothing uses', async () => {
    const out = await edited(
      'interpretations: [start-day-not-counted, appeal-is-a-right]',
      'interpretations: [start-day-not-counted, appeal-is-a-rite]',
    );
    expect(out).toEqual([
      expect.stringMatching(
        /^obligations\.yaml:\d+:\d+: error OBL011: obligations\[rating-appeal\]\.interpretations\[1\] refers to interpretation "appeal-is-a-rite", which is not defined/,
      ),
      expect.stringMatching(
        /^obligations\.yaml:\d+:\d+: error OBL012: interpretations\[appeal-is-a-right\]\.id interpretation "appeal-is-a-right" is not used by any obligation or by the report form$/,
      ),
    ]);
  });

  it('refuses a reporter number that does not fit the schedule', async () => {
    const out = await edited(
      '      pboc-branch: { recipient: pboc }\n    interpretations: [qian-includes-the-day',
      '      pboc-branch: { recipient: pboc, schedule: { day: 6 } }\n    interpretations: [qian-includes-the-day',
    );
    expect(out).toEqual([
      expect.stringMatching(
        /error OBL013: obligations\[rating-materials\]\.reporters\.pboc-branch\.schedule\.day sets a day of the month, but the schedule is annual/,
      ),
    ]);
  });

  it('refuses an unknown recipient and an unknown starting event', async () => {
    const out = await edited(
      '    start: dispute-received\n    schedule: { kind: after, count: 20, unit: days }',
      '    start: dispute-recieved\n    schedule: { kind: after, count: 20, unit: days }',
    );
    expect(out).toEqual([
      expect.stringMatching(
        /error OBL011: obligations\[dispute-handling\]\.start names the event "dispute-recieved", which events does not declare/,
      ),
    ]);
  });

  it('refuses event types that differ from the report schema', async () => {
    const out = await edited('{ key: misuses, name: 违规使用', '{ key: misuse, name: 违规使用');
    expect(out).toEqual([
      expect.stringMatching(
        /error OBL021: monthlyReport\.eventTypes lists abnormalQueries, unauthorizedQueries, illegalProvisions, misuse, creditReportLeaks; the counts of monthly-report\.schema\.json are .*misuses/,
      ),
    ]);
  });

  it('refuses a schedule of an unknown kind, naming the kinds allowed', async () => {
    const out = await edited(
      'schedule: { kind: after, count: 30, unit: workingDays }',
      'schedule: { kind: afterwards, count: 30, unit: workingDays }',
    );
    expect(out).toEqual([
      expect.stringMatching(
        /error OBL003: obligations\[internal-control-filing\]\.schedule\.kind must be one of after, monthly, quarterly, annual, undated, not "afterwards" \(text\)$/,
      ),
    ]);
  });
});
