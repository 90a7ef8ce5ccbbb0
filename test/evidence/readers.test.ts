// Evidence readers: UTF-8 with and without BOM, GB18030 and NDJSON read alike; every bad file gives
// a positioned error naming the file, the row and column, and what is allowed.
import { relative } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { EvidenceError } from '../../src/evidence/errors.js';
import { formatDiagnostic } from '../../src/diagnostics/diagnostics.js';
import { evidenceDir, loadDeriver } from './helper.js';

const filingsCsv = 'id,kind,subject,event,filed\nF01,rule,制度甲,2024-02-01,\nF02,rule,制度乙,2024-03-01,2024-03-05\n';

async function derive(files: Record<string, string | Buffer | Record<string, unknown>[]>) {
  const dir = await evidenceDir(files);
  return { dir, run: () => loadDeriver().then((d) => d.derive({ dir, institution: '测试', year: 2024 })) };
}

/** problems runs a derivation that must fail and gives its diagnostics, file names relative to the folder. */
async function problems(files: Record<string, string | Buffer | Record<string, unknown>[]>): Promise<string[]> {
  const { dir, run } = await derive(files);
  try {
    await run();
  } catch (err) {
    if (!(err instanceof EvidenceError)) throw err;
    return err.diagnostics.map((d) =>
      formatDiagnostic(d)
        .replaceAll(`${relative(process.cwd(), dir)}/`, '')
        .replaceAll(`${dir}/`, ''),
    );
  }
  throw new Error('derivation did not fail');
}

describe('evidence files that read', () => {
  it.each([
    ['UTF-8', Buffer.from(filingsCsv, 'utf8')],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(filingsCsv, 'utf8')])],
    ['GB18030', iconv.encode(filingsCsv, 'gb18030')],
  ])('a CSV in %s', async (_, bytes) => {
    const { run } = await derive({ 'filings.csv': bytes });
    const f = await run();
    expect(f.findings['2.3']).toEqual({ rulesNotFiled: 1 });
  });

  it('Chinese headers and cell words, and a Chinese file name', async () => {
    const text =
      '报备编号,报备事项,名称,事件日期,报备日期\nF01,制度,制度甲,2024年2月1日,\nF02,审计报告,审计,2024/1/31,2024/3/1\n';
    const { run } = await derive({ '报备.csv': iconv.encode(text, 'gb18030') });
    const f = await run();
    expect(f.findings['2.3']).toEqual({ rulesNotFiled: 1 });
    // One month after 31 January ends with February: 1 March is late.
    expect(f.findings['3.2']).toEqual({ auditReportsNotFiled: 1 });
  });

  it('NDJSON with typed values', async () => {
    const { run } = await derive({
      'filings.ndjson': [
        { id: 'F01', kind: 'rule', event: '2024-02-01', filed: null },
        { id: 'F02', kind: 'auditReport', event: '2024-01-31', filed: '2024-02-29' },
      ],
    });
    const f = await run();
    expect(f.findings).toEqual({ '2.3': { rulesNotFiled: 1 }, '3.2': { auditReportsNotFiled: 0 } });
  });

  it('a table not supplied leaves its items not derived, never zero', async () => {
    const { run } = await derive({ 'filings.csv': filingsCsv });
    const f = await run();
    expect(f.notDerived).toContainEqual({
      item: '8.1',
      reason: 'not derived (table queries, table authorizations not supplied)',
    });
    expect(f.notDerived).toContainEqual({
      item: '6.2',
      reason: 'not derived (table staff, table training not supplied)',
    });
    expect(f.findings['8.1']).toBeUndefined();
    expect(Object.keys(f.findings)).toEqual(['2.3', '3.2']);
  });
});

describe('evidence files refused with their position', () => {
  it('an unknown header names the file, the header and the accepted ones', async () => {
    const p = await problems({ 'filings.csv': 'id,kind,subject,event,filed_on\nF01,rule,x,2024-01-01,\n' });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(
      /^filings\.csv:1: error EVID010: unknown header "filed_on" for the filings table; accepted headers: id \(报备编号\); kind \(报备事项\); subject \(事项名称, 名称\); event \(事件日期, 发生日期\); filed \(报备日期\)$/,
    );
  });

  it('a missing required column names what would be accepted for it', async () => {
    const p = await problems({ 'filings.csv': 'id,subject,event\nF01,x,2024-01-01\n' });
    expect(p).toEqual([
      'filings.csv:1: error EVID012: missing the required column kind of the filings table; accepted headers for it: kind, 报备事项',
    ]);
  });

  it('a bad date names file:row:column and the forms allowed', async () => {
    const p = await problems({ 'filings.csv': 'id,kind,subject,event,filed\nF01,rule,x,2024-02-30,\n' });
    expect(p).toEqual([
      'filings.csv:2: error EVID020: event is "2024-02-30", not a date; event allows a date such as 2024-03-05, 2024/3/5 or 2024年3月5日',
    ]);
  });

  it('a bad coded value lists the values and their words', async () => {
    const p = await problems({ 'filings.csv': 'id,kind,subject,event,filed\nF01,policy,x,2024-02-01,\n' });
    expect(p).toEqual([
      'filings.csv:2: error EVID020: kind is "policy"; kind allows rule (制度, 征信管理相关制度), contact (联系人, 征信合规管理工作联系人), auditReport (审计报告, 内部审计报告)',
    ]);
  });

  it('a duplicate key names the second row', async () => {
    const p = await problems({
      'filings.csv': 'id,kind,subject,event,filed\nF01,rule,x,2024-02-01,\nF01,rule,y,2024-03-01,\n',
    });
    expect(p).toEqual(['filings.csv:3: error EVID021: id duplicate key id "F01"; each row of filings needs its own']);
  });

  it('a query by a user not in the users table', async () => {
    const p = await problems({
      'users.csv': 'id,holder,roles,system,created\nU01,S01,query,database,2020-01-01\n',
      'queries.csv':
        'id,user,time,reason,registered\nQ1,U01,2024-01-05,loanApproval,yes\nQ2,U09,2024-01-06,loanApproval,yes\n',
    });
    expect(p).toEqual([
      'queries.csv:3: error EVID031: user "U09" is not in the users table (users.csv); every query must name a user of the system',
    ]);
  });

  it('a file in UTF-16 is refused with what to do', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(filingsCsv, 'utf16le')]);
    const p = await problems({ 'filings.csv': bytes });
    expect(p).toEqual([
      'filings.csv:1: error EVID003: is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8 or GB18030',
    ]);
  });

  it('bytes that are neither UTF-8 nor GB18030 are named at their cell', async () => {
    const bytes = Buffer.concat([
      Buffer.from('id,kind,subject,event,filed\nF01,rule,'),
      Buffer.from([0xff, 0xff]),
      Buffer.from(',2024-02-01,\n'),
    ]);
    const p = await problems({ 'filings.csv': bytes });
    expect(p).toEqual([
      "filings.csv:2: error EVID020: subject has bytes that are not valid in the file's encoding; save the file as UTF-8 (or GB18030)",
    ]);
  });

  it('a row with more cells than the header', async () => {
    const p = await problems({ 'filings.csv': 'id,kind,subject,event,filed\nF01,rule,x,2024-02-01,,extra\n' });
    expect(p).toEqual([
      'filings.csv:2: error EVID002: is not valid CSV: a row with a different number of cells than the header',
    ]);
  });

  it('a line of NDJSON that is not JSON', async () => {
    const p = await problems({ 'filings.ndjson': '{"id":"F01","kind":"rule","event":"2024-01-01"}\n{"id": F02}\n' });
    expect(p[0]).toMatch(/^filings\.ndjson:2: error EVID002: line is not JSON: /);
  });

  it('every problem of a file at once, not only the first', async () => {
    const p = await problems({
      'filings.csv': 'id,kind,subject,event,filed\nF01,rule,x,yesterday,\nF02,nope,x,2024-01-01,\n',
    });
    expect(p.map((x) => x.split(': error ')[0])).toEqual(['filings.csv:2', 'filings.csv:3']);
  });
});
