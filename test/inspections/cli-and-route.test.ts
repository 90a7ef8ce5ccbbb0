// `credit-policy inspections status` (the built CLI) and POST /v1/inspections/status on the real app,
// on the example plan of examples/inspections (dates worked out in its README and in status.test.ts).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
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
  it('prints the due, overdue and complete inspections with their clauses', () => {
    const r = run(['inspections', 'status', 'examples/inspections', '--as-of', '2025-11-20']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  2 complete, 1 due, 1 overdue, 0 late, 1 planned;');
    expect(r.stdout).toContain('  DUE      MS-2025-03  某市农村商业银行（某省）');
    expect(r.stdout).toContain('           report: due 2025-11-28, 6 working days (8 days) left');
    expect(r.stdout).toContain('  COMPLETE MS-2025-01  某村镇银行（某省）');
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
    expect(html.stdout).toContain('<td class="due">due</td>');
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
      'overdue by 25 working days (35 days) (due 2025-10-16)',
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
    expect(bad.stderr).toContain('/asOf: "2025-13-01" is not a date that exists (YYYY-MM-DD)');
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
