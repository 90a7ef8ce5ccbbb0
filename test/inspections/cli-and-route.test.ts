// `credit-policy inspections status` (the built CLI) and POST /v1/inspections/status on the real app,
// on the example plan of examples/inspections (dates worked out in its README and in status.test.ts).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { useApp } from '../server/helper.js';

const cli = `${repoRoot}dist/cli/main.js`;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('credit-policy inspections status', () => {
  it('prints the due, overdue and complete inspections with their clauses, in Chinese by default', () => {
    const r = run(['inspections', 'status', 'examples/inspections', '--as-of', '2025-11-20']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('征信信息安全巡查（附件4），截至 2025-11-20\n');
    expect(r.stdout).toContain('  已完成 2 项，未到期 1 项，已逾期 1 项，逾期完成 0 项，计划中 1 项；');
    expect(r.stdout).toContain('  未到期   MS-2025-03  某市农村商业银行（某省）');
    expect(r.stdout).toContain('           巡查工作报告：到期日 2025-11-28，尚余 6 个工作日（8 日）\n');
    expect(r.stdout).toContain('           巡查工作报告：已逾期 25 个工作日（35 日），到期日 2025-10-16\n');
    expect(r.stdout).toContain(
      '           整改情况 → 巡查组织单位、有关部门：按时：2025-04-18 报送，到期日 2025-04-21\n',
    );
    expect(r.stdout).toContain('  已完成   MS-2025-01  某村镇银行（某省）');
    expect(r.stdout).toContain('  中国工商银行某省分行（某省）  待巡查：到期日 2026-01-01，尚余 42 日  从未巡查\n');
    expect(r.stdout).toContain(
      '  巡查工作报告： 巡查组在巡查工作结束后 10 个工作日内，向巡查组织单位报送巡查工作报告。\n',
    );
  });

  it('prints the same in English with --lang en, as before', () => {
    const r = run(['inspections', 'status', 'examples/inspections', '--as-of', '2025-11-20', '--lang', 'en']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Inspections (附件4) as of 2025-11-20\n');
    expect(r.stdout).toContain('  2 complete, 1 due, 1 overdue, 0 late, 1 planned;');
    expect(r.stdout).toContain('  DUE      MS-2025-03  某市农村商业银行（某省）');
    expect(r.stdout).toContain('           report: due 2025-11-28, 6 working days (8 days) left');
    expect(r.stdout).toContain('  COMPLETE MS-2025-01  某村镇银行（某省）');
    expect(r.stdout).toContain(
      '  中国工商银行某省分行（某省）  due until 2026-01-01 (42 days left)  never inspected\n',
    );
    expect(r.stdout).toContain(
      '  rectification: 并在接到整改反馈后的 15 个工作日内按要求将整改情况报送巡查组织单位和有关部门。\n',
    );
  });

  it('answers in JSON and HTML', () => {
    const json = run(['inspections', 'status', 'examples/inspections', '--as-of', '2025-11-20', '--format', 'json']);
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout);
    expect(r.inspections.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([
      ['MS-2024-01', 'complete'],
      ['MS-2025-01', 'complete'],
      ['MS-2025-02', 'overdue'],
      ['MS-2025-03', 'due'],
      ['MS-2025-04', 'planned'],
    ]);
    const html = run(['inspections', 'status', 'examples/inspections', '--as-of', '2025-11-20', '--format', 'html']);
    expect(html.stdout).toMatch(/^<!DOCTYPE html>/);
    expect(html.stdout).toContain('<td class="due">未到期</td>');
    expect(html.stdout).toContain('<td class="due">待巡查</td>');
  });

  it('writes an .xlsx with --out that reads back', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'inspections-xlsx-')), 'inspections.xlsx');
    const r = run([
      'inspections',
      'status',
      'examples/inspections',
      '--as-of',
      '2025-11-20',
      '--format',
      'xlsx',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.getWorksheet('巡查')!;
    expect(['A4', 'B4', 'D4', 'H4'].map((a) => ws.getCell(a).value)).toEqual([
      'MS-2025-02',
      '某城市商业银行',
      'overdue',
      '已逾期 25 个工作日（35 日），到期日 2025-10-16',
    ]);
    expect(wb.getWorksheet('全覆盖')!.getCell('C2').value).toBe('due');
  });

  it('refuses a missing folder and a bad date, exit 1, no stack trace', () => {
    const missing = run(['inspections', 'status', 'no/such/dir', '--as-of', '2025-11-20']);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('no/such/dir: 错误 OBL002')]);
    expect(missing.stderr).toContain('无法读取文件夹：');
    // In English with --lang en, the same line as before the catalogue.
    const english = run(['inspections', 'status', 'no/such/dir', '--as-of', '2025-11-20', '--lang', 'en']);
    expect(english.stderr).toContain('no/such/dir: error OBL002: cannot read the folder');
    const bad = run(['inspections', 'status', 'examples/inspections', '--as-of', '2025-13-01']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('/asOf：“2025-13-01”不是存在的日期（YYYY-MM-DD）');
    expect(bad.stderr).not.toContain('    at ');
  });

  it('reads the inspections.yaml of the ruleset in force for the day judged, and refuses a year none decides', () => {
    const early = run(['inspections', 'status', 'examples/inspections', '--as-of', '2017-05-01', '--lang', 'en']);
    expect([early.code, early.stderr]).toEqual([
      1,
      'inspections status: /asOf: no ruleset is in force for the rating year 2017 (allowed: yinfa-2018-102: 2018–open)\n',
    ]);
    expect(run(['inspections', 'status', 'examples/inspections', '--as-of', '2017-05-01']).stderr).toBe(
      'inspections status：/asOf：没有适用于 2017 评级年度的规则集（允许的取值：yinfa-2018-102: 2018–open）\n',
    );
    const json = run(['inspections', 'status', 'examples/inspections', '--as-of', '2025-11-20', '--format', 'json']);
    expect(JSON.parse(json.stdout).ruleset.id).toBe('yinfa-2018-102');
  });
});

// The problems that refuse a status say themselves in the reader's language (Chinese by default, English
// with --lang en); --format json keeps the English text with the catalogue key and values beside it.
describe("credit-policy inspections status: problems in the reader's language", () => {
  it('a day that does not exist', () => {
    const args = ['inspections', 'status', 'examples/inspections', '--as-of', '2025-02-30'];
    const zh = run(args);
    expect(zh.code).toBe(1);
    expect(zh.stderr).toBe('inspections status：/asOf：“2025-02-30”不是存在的日期（YYYY-MM-DD）\n');
    expect(run([...args, '--lang', 'en']).stderr).toBe(
      'inspections status: /asOf: "2025-02-30" is not a date that exists (YYYY-MM-DD)\n',
    );
    expect(JSON.parse(run([...args, '--format', 'json']).stdout)).toEqual({
      problems: [
        {
          path: '/asOf',
          message: '"2025-02-30" is not a date that exists (YYYY-MM-DD)',
          messageId: 'diag.obligations.notDay',
          params: { text: '2025-02-30' },
        },
      ],
    });
  });

  it('a year without a working-day calendar (the plans reach 2025, the folder holds 2024 only)', async () => {
    const calendars = await mkdtemp(join(tmpdir(), 'inspections-calendars-'));
    await cp(`${repoRoot}policies/calendars/2024.yaml`, join(calendars, '2024.yaml'));
    const args = ['inspections', 'status', 'examples/inspections', '--as-of', '2025-11-20', '--calendars', calendars];
    const zh = run(args);
    expect(zh.code).toBe(1);
    expect(zh.stderr).toBe(
      'inspections status：/asOf：没有 2025 年的工作日日历：policies/calendars 中只有 2024。2025 年哪些日子是工作日，由国务院办公厅关于2025年部分节假日安排的通知规定；请据此添加 policies/calendars/2025.yaml。\n',
    );
    expect(run([...args, '--lang', 'en']).stderr).toBe(
      'inspections status: /asOf: no working-day calendar for 2025: policies/calendars holds 2024. Which days of 2025 are working days is set by the State Council General Office notice for 2025 (国务院办公厅关于2025年部分节假日安排的通知); add policies/calendars/2025.yaml from it.\n',
    );
    const json = JSON.parse(run([...args, '--format', 'json']).stdout);
    expect(json.problems[0]).toMatchObject({
      path: '/asOf',
      messageId: 'diag.calendar.yearMissing',
      params: { year: 2025, years: '2024' },
    });
  });

  it('a plan whose fieldwork ends before it starts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inspections-bad-plan-'));
    await cp(`${repoRoot}examples/inspections`, dir, { recursive: true });
    const file = join(dir, '2025-mou-sheng.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('to: "2025-03-07"', 'to: "2025-02-28"'));
    const args = ['inspections', 'status', dir, '--as-of', '2025-11-20'];
    const zh = run(args);
    expect(zh.code).toBe(1);
    expect(zh.stderr).toContain(
      'inspections[MS-2025-01].fieldwork.to 现场巡查的结束日（2025-02-28）早于开始日（2025-03-03）\n',
    );
    expect(run([...args, '--lang', 'en']).stderr).toContain(
      'error OBL003: inspections[MS-2025-01].fieldwork.to the fieldwork ends (2025-02-28) before it starts (2025-03-03)\n',
    );
    expect(JSON.parse(run([...args, '--format', 'json']).stdout).problems).toEqual([
      {
        path: 'inspections[MS-2025-01].fieldwork.to',
        file: expect.stringMatching(/2025-mou-sheng\.yaml$/),
        line: 13,
        message: 'the fieldwork ends (2025-02-28) before it starts (2025-03-03)',
        messageId: 'diag.inspections.fieldworkReversed',
        params: { to: '2025-02-28', from: '2025-03-03' },
      },
    ]);
  });
});

const ctx = useApp();
const examplePlans = ['2024-mou-sheng.yaml', '2025-mou-sheng.yaml'].map((f) =>
  parse(readFileSync(`${repoRoot}examples/inspections/${f}`, 'utf8')),
);

describe('POST /v1/inspections/status', () => {
  it('answers with every inspection, institution and plan year', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/inspections/status',
      payload: { plans: examplePlans, asOf: '2025-11-20' },
    });
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r.summary).toEqual({ complete: 2, due: 1, overdue: 1, late: 0, planned: 1, uncovered: 0, plansMissing: 0 });
    expect(r.inspections[2]).toMatchObject({
      id: 'MS-2025-02',
      source: '/plans/1',
      report: { status: 'overdue', due: '2025-10-16', overdue: { days: 35, workingDays: 25 } },
    });
  });

  it('refuses a bad plan with its JSON pointer', async () => {
    const bad = structuredClone(examplePlans);
    bad[1].inspections[0].fieldwork.to = '2025-02-28';
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/inspections/status',
      payload: { plans: bad, asOf: '2025-11-20' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'invalid-input',
      problems: [
        {
          path: '/plans/1/inspections/0/fieldwork/to',
          message: 'the fieldwork ends (2025-02-28) before it starts (2025-03-03)',
        },
      ],
    });
  });

  it('refuses a day that does not exist in English, with no catalogue key (the problem schema has none)', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/inspections/status',
      payload: { plans: examplePlans, asOf: '2025-02-30' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().problems).toEqual([
      { path: '/asOf', message: '"2025-02-30" is not a date that exists (YYYY-MM-DD)' },
    ]);
  });

  it('refuses a request without a day', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/inspections/status',
      payload: { plans: examplePlans },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0].message).toContain('asOf');
  });
});
