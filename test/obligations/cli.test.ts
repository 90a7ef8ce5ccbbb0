// The obligations commands end to end: the built CLI on exit codes and output.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';

const cli = `${repoRoot}dist/cli/main.js`;
const fixtures = 'test/obligations/fixtures/';

function run(args: string[], stdin?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, input: stdin, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('credit-policy due', () => {
  it('gives the due date, why it moved, and late by working days', () => {
    const r = run([
      'due',
      '--obligation',
      'monthly-security-report',
      '--start',
      '2024-09',
      '--reporter',
      'local',
      '--submitted',
      '2024-10-09',
      '--lang',
      'en',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Due 2024-10-08（星期二）: monthly-security-report');
    expect(r.stdout).toContain(
      '  moved:     from 2024-10-06: 2024-10-06（星期日） is a day off for 国庆节 (国办发明电〔2023〕7号)',
    );
    expect(r.stdout).toContain('  status:    late by 1 working day (1 day), submitted 2024-10-09');
    expect(r.stdout).toContain(
      '             地方性接入机构和全国性接入机构的分支机构应于每月初 6 日内将上月情况报所在地人民银行分支机构',
    );
  });

  it('is Chinese by default: labels, the status and the readings', () => {
    const args = ['due', '--obligation', 'monthly-security-report', '--start', '2024-09', '--reporter', 'local'];
    const r = run([...args, '--submitted', '2024-10-09']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('到期日 2024-10-08（星期二）：monthly-security-report');
    expect(r.stdout).toContain('  状态：          逾期 1 个工作日（1 日），2024-10-09 报送');
    expect(r.stdout).toContain('  所依据的解释：  [ri-is-calendar-day] “日”指自然日；只有“工作日”才按工作日计算。');
  });

  it('prints JSON with --json', () => {
    const r = run([
      'due',
      '--obligation',
      'rating-appeal',
      '--start',
      '2025-09-26',
      '--institution',
      '招商银行',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      due: '2025-10-13',
      reporter: { id: 'national' },
      recipient: { id: 'pboc' },
      obligation: { nature: 'right' },
    });
  });

  it('refuses a year without a calendar, exit 1, and says what to add', () => {
    const args = ['due', '--obligation', 'internal-control-filing', '--start', '2027-03-01', '--reporter', 'national'];
    const r = run([...args, '--lang', 'en']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^due: \/start: no working-day calendar for 2027: .*add policies\/calendars\/2027\.yaml from it\.\n$/,
    );
    expect(r.stdout).toBe('');
    const zh = run(args);
    expect(zh.code).toBe(1);
    expect(zh.stderr).toMatch(
      /^due：\/start：没有 2027 年的工作日日历：policies\/calendars 中只有 \d{4}(, \d{4})*。2027 年哪些日子是工作日，由国务院办公厅关于2027年部分节假日安排的通知规定；请据此添加 policies\/calendars\/2027\.yaml。\n$/,
    );
    // The JSON keeps the English text, with its key and values beside it, in either language.
    const json = run([...args, '--json']);
    expect(json.stdout).toBe(run([...args, '--json', '--lang', 'en']).stdout);
    const [problem] = JSON.parse(json.stdout).problems;
    expect(Object.keys(problem)).toEqual(['path', 'message', 'messageId', 'params']);
    expect(problem).toMatchObject({
      path: '/start',
      message: expect.stringMatching(/^no working-day calendar for 2027: policies\/calendars holds /),
      messageId: 'diag.calendar.yearMissing',
      params: { year: 2027 },
    });
  });

  it('refuses a year no ruleset decides (the obligations follow the ruleset in force), exit 1', () => {
    const args = ['due', '--obligation', 'internal-control-filing', '--start', '2017-03-01', '--reporter', 'national'];
    const r = run([...args, '--lang', 'en']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'due: /start: no ruleset is in force for the rating year 2017 (allowed: yinfa-2018-102: 2018–open)\n',
    );
    expect(run(args).stderr).toBe(
      'due：/start：没有适用于 2017 评级年度的规则集（允许的取值：yinfa-2018-102: 2018–open）\n',
    );
    expect(JSON.parse(run([...args, '--json']).stdout)).toEqual({
      problems: [
        {
          path: '/start',
          message: 'no ruleset is in force for the rating year 2017',
          allowed: ['yinfa-2018-102: 2018–open'],
          messageId: 'diag.select.noneInForce',
          params: { year: 2017 },
        },
      ],
    });
  });

  it('asks for the reporter when the deadline depends on it', () => {
    const args = ['due', '--obligation', 'monthly-security-report', '--start', '2024-09'];
    const r = run([...args, '--lang', 'en']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('due: /reporter: monthly-security-report binds several kinds of reporter');
    expect(run(args).stderr).toMatch(
      /^due：\/reporter：monthly-security-report 约束多类报送主体，其期限或报送对象各不相同；请指明是哪一类：\w+ \(.+\)/,
    );
  });

  it('refuses a date that does not exist and an unknown obligation, in Chinese or in English', () => {
    const bad = ['due', '--obligation', 'no-such-duty', '--start', '2024-02-30', '--reporter', 'national'];
    expect(run([...bad, '--lang', 'en']).stderr).toBe(
      'due: /start: "2024-02-30" is not a date that exists (YYYY-MM-DD, or YYYY-MM, or YYYY)\n',
    );
    expect(run(bad).stderr).toBe('due：/start：“2024-02-30”不是存在的日期（YYYY-MM-DD、YYYY-MM 或 YYYY）\n');
    const unknown = ['due', '--obligation', 'no-such-duty', '--start', '2024-02-01', '--reporter', 'national'];
    expect(run([...unknown, '--lang', 'en']).stderr).toMatch(
      /^due: \/obligation: no obligation has the id "no-such-duty"; the obligations are: [a-z-]+, /,
    );
    expect(run(unknown).stderr).toMatch(/^due：\/obligation：没有 id 为“no-such-duty”的义务；现有义务为：[a-z-]+, /);
  });
});

// The schedule in words and why a deadline moved (the State Council notice's 放假/调休) read in the reader's
// language; the JSON keeps the English text with the catalogue key and values beside it.
describe("credit-policy due: the rule and why the day moved, in the reader's language", () => {
  // 招商银行 (annex 1) sends its self-assessment of 2024 by 31 January 2025, a day of 春节 (国办发明电〔2024〕12号).
  const args = ['due', '--obligation', 'rating-self-assessment', '--start', '2024', '--institution', '招商银行'];

  it('in Chinese by default', () => {
    const r = run(args);
    expect(r.code).toBe(0);
    // The obligation's title too, from its titleZh in obligations.yaml.
    expect(r.stdout).toContain('到期日 2025-02-05（星期三）：rating-self-assessment，报送自评结果及相关证明材料\n');
    expect(r.stdout).toContain(
      '  规则：          所评年度次年 1 月 31 日前；该日不是工作日的，顺延至其后第一个工作日\n',
    );
    expect(r.stdout).toContain(
      '  顺延：          由 2025-01-31 顺延：2025-01-31（星期五）为春节放假日（国办发明电〔2024〕12号）\n',
    );
  });

  it('in English with --lang en, as before', () => {
    const r = run([...args, '--lang', 'en']);
    expect(r.stdout).toContain(
      'Due 2025-02-05（星期三）: rating-self-assessment, Send the self-assessment and its evidence\n',
    );
    expect(r.stdout).toContain(
      '  rule:      by 31 January of the year after the year rated, or the next working day when that is not one\n',
    );
    expect(r.stdout).toContain(
      '  moved:     from 2025-01-31: 2025-01-31（星期五） is a day off for 春节 (国办发明电〔2024〕12号)\n',
    );
  });

  it('in JSON: the English text, with its key and values beside it', () => {
    const r = JSON.parse(run([...args, '--json']).stdout);
    expect(r.obligation).toMatchObject({
      title: 'Send the self-assessment and its evidence',
      titleZh: '报送自评结果及相关证明材料',
    });
    expect(r.rule).toBe('by 31 January of the year after the year rated, or the next working day when that is not one');
    expect(r.ruleId).toBe('diag.schedule.orNextWorkingDay');
    expect(r.ruleParams).toEqual({
      text: {
        key: 'diag.schedule.annual.day.nextYear',
        params: { month: 1, monthName: { key: 'diag.schedule.month.m1' }, day: 31 },
      },
    });
    expect(r.moved).toEqual({
      from: '2025-01-31',
      because: '2025-01-31（星期五） is a day off for 春节 (国办发明电〔2024〕12号)',
      becauseId: 'diag.calendar.why.dayOff',
      params: { date: '2025-01-31（星期五）', holiday: '春节', notice: '国办发明电〔2024〕12号' },
    });
  });

  it('a count of working days, and a day the text sets no day for', () => {
    const appeal = ['due', '--obligation', 'rating-appeal', '--start', '2025-09-26', '--institution', '招商银行'];
    expect(run(appeal).stdout).toContain('  规则：          自收到反馈之日起 7 个工作日内\n');
    expect(run([...appeal, '--lang', 'en']).stdout).toContain('  rule:      7 working days after 收到反馈之日\n');
    const daily = ['due', '--obligation', 'daily-query-check', '--start', '2025-01-02', '--reporter', 'local'];
    expect(run(daily).stderr).toBe(
      'due：/obligation：daily-query-check：原文未规定其日期（每个工作日），因此不计算截止日期\n',
    );
    expect(run([...daily, '--lang', 'en']).stderr).toBe(
      'due: /obligation: daily-query-check: the text sets no day for it (every working day), so no due date is computed\n',
    );
  });

  it('calendar: the deadlines that run from an event, each in words', () => {
    const args = ['calendar', '--institution', '某市农村商业银行', '--year', '2025'];
    const zh = run(args).stdout;
    expect(zh).toContain(
      '  rating-appeal: 自收到反馈之日起 7 个工作日内 → 所在地人民银行分支机构  附件3 第十条（四）\n',
    );
    expect(zh).toContain(
      '  security-event-report: 不晚于发生征信信息安全风险事件之日 → 所在地人民银行分支机构  三（二）\n',
    );
    expect(zh).toContain(
      '  dispute-handling: 自收到异议之日起 20 日内；该日不是工作日的，顺延至其后第一个工作日 → 异议申请人  附件3 表 10.1\n',
    );
    const en = run([...args, '--lang', 'en']).stdout;
    expect(en).toContain(
      '  rating-appeal: 7 working days after 收到反馈之日 → 所在地人民银行分支机构  附件3 第十条（四）\n',
    );
    expect(en).toContain(
      '  security-event-report: on the day of 发生征信信息安全风险事件之日 → 所在地人民银行分支机构  三（二）\n',
    );
    const json = JSON.parse(run([...args, '--json']).stdout);
    const appeal = json.triggered.find((e: { obligation: { id: string } }) => e.obligation.id === 'rating-appeal');
    expect(appeal).toMatchObject({
      rule: '7 working days after 收到反馈之日',
      ruleId: 'diag.schedule.after.workingDays',
      ruleParams: { count: 7, event: '收到反馈之日' },
    });
  });
});

describe('credit-policy calendar', () => {
  it("lists an institution's due dates of a year, each with its clause section", () => {
    const r = run(['calendar', '--institution', '中国建设银行', '--year', '2025', '--lang', 'en']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('中国建设银行 · 全国性接入机构的总行 (national) · due dates in 2025');
    expect(r.stdout).toContain(
      '  2025-02-05（星期三）  rating-self-assessment (2024-01…2024-12) → 人民银行  附件3 第十条（一）  [moved from 2025-01-31]',
    );
    expect(r.stdout).toContain(
      '  2025-05-12（星期一）  monthly-security-report (2025-04) → 人民银行征信管理局  三（二）  [moved from 2025-05-10]',
    );
    expect(r.stdout).toContain('Calendar: 国办发明电〔2024〕12号 (2025)');
    // Chinese by default: the same dates, the headings and marks in Chinese.
    const zh = run(['calendar', '--institution', '中国建设银行', '--year', '2025']).stdout;
    expect(zh.split('\n')[0]).toBe('中国建设银行 · 全国性接入机构的总行（national）· 2025 年的到期日');
    expect(zh).toContain(
      '  2025-02-05（星期三）  rating-self-assessment (2024-01…2024-12) → 人民银行  附件3 第十条（一）  [由 2025-01-31 顺延]',
    );
    expect(zh).toContain('\n自某一事件起算的期限：\n');
    expect(zh).toContain('\n日历：国办发明电〔2024〕12号 (2025)');
  });

  it('gives a PBOC branch its own deadlines with --reporter', () => {
    const r = run([
      'calendar',
      '--institution',
      '中国人民银行上海总部',
      '--reporter',
      'pboc-branch',
      '--year',
      '2026',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(
      c.dated
        .filter((d: { obligation: { id: string } }) => d.obligation.id !== 'monthly-security-report')
        .map((d: { due: string; obligation: { id: string } }) => [d.due, d.obligation.id]),
    ).toEqual([
      ['2026-02-28', 'rating-materials'],
      ['2026-03-31', 'rating-completion'],
    ]);
  });

  it('refuses a year without a calendar', () => {
    const r = run(['calendar', '--institution', '某银行', '--year', '2027', '--lang', 'en']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('calendar: /year: no working-day calendar for 2027');
    expect(run(['calendar', '--institution', '某银行', '--year', '2027']).stderr).toContain(
      'calendar：/year：没有 2027 年的工作日日历',
    );
  });

  it('refuses a reporter kind and a year it does not know, in Chinese or in English', () => {
    const kind = ['calendar', '--institution', '某银行', '--year', '2025', '--reporter', 'bank'];
    expect(run([...kind, '--lang', 'en']).stderr).toBe(
      'calendar: /reporter: must be one of national, local, branch, operator, pboc, pboc-branch, pboc-any-branch, not "bank"\n',
    );
    expect(run(kind).stderr).toBe(
      'calendar：/reporter：须为 national, local, branch, operator, pboc, pboc-branch, pboc-any-branch 之一，而不是“bank”\n',
    );
    expect(JSON.parse(run([...kind, '--json']).stdout).problems[0]).toMatchObject({
      path: '/reporter',
      message: 'must be one of national, local, branch, operator, pboc, pboc-branch, pboc-any-branch, not "bank"',
      messageId: 'diag.obligations.notKind',
    });
    const year = ['calendar', '--institution', '某银行', '--year', '25'];
    expect(run([...year, '--lang', 'en']).stderr).toBe('calendar: /year: must be a year (YYYY), not "25"\n');
    expect(run(year).stderr).toBe('calendar：/year：须为年份（YYYY），而不是“25”\n');
  });
});

describe('credit-policy report', () => {
  it('validate accepts a month with a correction, exit 0', () => {
    const args = [
      'report',
      'validate',
      `${fixtures}2024-09.json`,
      `${fixtures}correction.json`,
      '--as-of',
      '2025-01-01',
    ];
    const r = run(['--lang', 'en', ...args]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('4 report(s): 0 error(s), 0 warning(s); 3 effective\n');
    expect(run(args).stdout).toBe('4 份报表：0 个错误，0 个警告；3 份有效\n');
    expect(r.stderr).toBe('');
  });

  it('validate names each problem at its report and path, exit 1', () => {
    const r = run([
      'report',
      'validate',
      `${fixtures}invalid.json`,
      `${fixtures}no-remarks.json`,
      '--as-of',
      '2025-01-01',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        `${fixtures}invalid.json: report "bad-2024-09": /counts/abnormalQueries: error report-schema: must be a number ≥ 0, not -1 (allowed: ≥ 0)`,
        `${fixtures}invalid.json: report "bad-2024-09": /counts/unauthorizedQueries: error report-schema: must be a whole number, not 0.5 (allowed: integer)`,
        `${fixtures}no-remarks.json: report "sh-2024-09": /remarks/misuses: error remarks-missing: counts 3 违规使用 (misuses) but no remark describes them; every count above 0 needs one (附件2 注2：在备注中描述违规事件的详细情况)`,
        '',
      ].join('\n'),
    );
  });

  it('validate refuses a second report of a month from standard input', async () => {
    const [first] = JSON.parse(await readFile(`${repoRoot}${fixtures}2024-09.json`, 'utf8'));
    const r = run(
      ['report', 'validate', '-', '--as-of', '2025-01-01', '--json'],
      JSON.stringify([first, { ...first, id: 'again' }]),
    );
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      valid: false,
      problems: [{ source: '<stdin>[1]', code: 'duplicate-month', path: '/period' }],
    });
  });

  it('aggregate sums the effective reports', () => {
    const r = run([
      'report',
      'aggregate',
      `${fixtures}2024-09.json`,
      `${fixtures}correction.json`,
      '--as-of',
      '2025-01-01',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).total).toEqual({
      abnormalQueries: 2,
      unauthorizedQueries: 2,
      illegalProvisions: 0,
      misuses: 1,
      creditReportLeaks: 0,
    });
  });

  it('render writes the CSV, and an .xlsx with --out', async () => {
    const csv = run(['report', 'render', `${fixtures}2024-09.json`, '--format', 'csv', '--as-of', '2025-01-01']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n')[5]).toBe('2024-09,天津市,小计,0,1,0,0,0,');
    expect(csv.stdout.split('\r\n')[6]).toBe('2024-09,合计,,2,1,0,1,0,');
    const out = join(await mkdtemp(join(tmpdir(), 'credit-policy-annex2-')), 'annex2.xlsx');
    const xlsx = run([
      'report',
      'render',
      `${fixtures}2024-09.json`,
      '--format',
      'xlsx',
      '--out',
      out,
      '--reporting-unit',
      '中国人民银行营业管理部',
      '--as-of',
      '2025-01-01',
    ]);
    expect(xlsx.code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets[0].getCell('A3').value).toBe('填表单位：中国人民银行营业管理部');
  });

  it('render refuses an unknown format, exit 2', () => {
    const r = run(['--lang', 'en', 'report', 'render', `${fixtures}2024-09.json`, '--format', 'pdf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('--format must be csv, xlsx or html, not "pdf"\n');
    const zh = run(['report', 'render', `${fixtures}2024-09.json`, '--format', 'pdf']);
    expect([zh.code, zh.stderr]).toEqual([2, '--format 必须是 csv、xlsx 或 html，而不是“pdf”\n']);
  });

  it('status marks each month on time, late, received or missing', () => {
    const r = run([
      'report',
      'status',
      `${fixtures}2024-09.json`,
      '--from',
      '2024-09',
      '--to',
      '2024-10',
      '--as-of',
      '2024-11-20',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { institution: string; period: string; status: { status: string } }[];
    expect(rows.map((x) => [x.institution, x.period, x.status.status])).toEqual([
      ['中国工商银行北京市分行', '2024-09', 'late'],
      ['中国工商银行北京市分行', '2024-10', 'missing'],
      ['某市农村商业银行', '2024-09', 'on-time'],
      ['某市农村商业银行', '2024-10', 'missing'],
      ['某城市商业银行', '2024-09', 'received'],
      ['某城市商业银行', '2024-10', 'missing'],
    ]);
  });
});
