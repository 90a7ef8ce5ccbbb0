// Issue 15 (5): the inspections of annex 4 as code. Every date below is worked out by hand from the
// clause and the State Council calendars in policies/calendars (the day of the event not counted):
// 五（五）the report 10 working days after the fieldwork, 六（二）the rectification 15 working days
// after the feedback, 五（一）a team of at least 2, 三 every institution within two years.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPlans, readPlanDir, type InspectionPlan } from '../../src/inspections/plans.js';
import { InspectionService } from '../../src/inspections/service.js';
import { renderInspectionsHtml } from '../../src/render/inspections/html.js';
import { renderInspectionsText } from '../../src/render/inspections/text.js';
import { mainRulesetDir } from '../helper.js';

let service: InspectionService;
beforeAll(async () => {
  service = await InspectionService.load({ rulesetDir: mainRulesetDir });
});

function judge(plans: InspectionPlan[], asOf: string) {
  const checked = checkPlans(plans);
  if (checked.problems.length) throw new Error(JSON.stringify(checked.problems));
  const out = service.status(checked.plans, asOf);
  if (!out.ok) throw new Error(JSON.stringify(out.problems));
  return out.result;
}

const plan = (over: Partial<InspectionPlan> = {}): InspectionPlan => ({
  organizingUnit: '人民银行某省分行征信管理处',
  region: '某省',
  year: 2025,
  institutions: ['甲银行', '乙银行'],
  inspections: [],
  ...over,
});

type Inspection = InspectionPlan['inspections'][number];

/** judgeOne judges the plan holding one inspection (by a team of two unless it says otherwise), as of a day. */
const judgeOne = (
  inspection: Omit<Inspection, 'team'> & Partial<Pick<Inspection, 'team'>>,
  asOf: string,
  over: Partial<InspectionPlan> = {},
) => judge([plan({ ...over, inspections: [{ team: ['王某', '李某'], ...inspection }] })], asOf);

describe('the example plan (examples/inspections) as of Thursday 20 November 2025', () => {
  it('shows a complete, an overdue, a due and a planned inspection, with the dates worked out in its README', async () => {
    const { plans, diagnostics } = await readPlanDir('examples/inspections');
    expect(diagnostics).toEqual([]);
    const out = service.status(plans, '2025-11-20');
    if (!out.ok) throw new Error('refused');
    const r = out.result;
    expect(r.summary).toEqual({ complete: 2, due: 1, overdue: 1, late: 0, planned: 1, uncovered: 0, plansMissing: 0 });
    const byId = Object.fromEntries(r.inspections.map((i) => [i.id, i]));
    // MS-2024-01: fieldwork ended Fri 12 Apr 2024: report due Fri 26 Apr (15-19, 22-26 Apr); feedback
    // Fri 26 Apr; rectification: Sun 28 Apr worked (1), 29-30 Apr (3), 1-5 May off, 6-10 May (8),
    // Sat 11 May worked (9), 13-17 May (14), Mon 20 May (15); sent that day.
    expect(byId['MS-2024-01']).toMatchObject({
      status: 'complete',
      report: { status: 'on-time', due: '2024-04-26', submitted: '2024-04-19', early: { days: 7, workingDays: 5 } },
      rectification: { status: 'on-time', due: '2024-05-20', early: { days: 0, workingDays: 0 } },
    });
    // MS-2025-01: report due Fri 21 Mar 2025; rectification from Fri 28 Mar: 31 Mar-3 Apr (4), 4-6 Apr
    // 清明 off, 7-11 Apr (9), 14-18 Apr (14), Mon 21 Apr (15).
    expect(byId['MS-2025-01']).toMatchObject({
      status: 'complete',
      report: { due: '2025-03-21' },
      rectification: { due: '2025-04-21', submitted: '2025-04-18', recipients: ['巡查组织单位', '有关部门'] },
    });
    // MS-2025-02: fieldwork ended Fri 26 Sep 2025: Sun 28 Sep worked (1), 29-30 Sep (3), 1-8 Oct off,
    // 9-10 Oct (5), Sat 11 Oct worked (6), 13-16 Oct (10): due Thu 16 Oct. By 20 Nov: 35 days, and
    // 17 Oct (1), 20-24 (6), 27-31 (11), 3-7 Nov (16), 10-14 (21), 17-20 (25) working days.
    expect(byId['MS-2025-02']).toMatchObject({
      status: 'overdue',
      report: { status: 'overdue', due: '2025-10-16', overdue: { days: 35, workingDays: 25 } },
      rectification: { status: 'waiting' },
    });
    // MS-2025-03: fieldwork ended Fri 14 Nov 2025: 17-21 Nov (5), 24-28 Nov (10): due Fri 28 Nov;
    // from Thu 20 Nov: 8 days, 21, 24-28 Nov = 6 working days.
    expect(byId['MS-2025-03']).toMatchObject({
      status: 'due',
      report: { status: 'due', due: '2025-11-28', left: { days: 8, workingDays: 6 } },
    });
    expect(byId['MS-2025-04']).toMatchObject({ status: 'planned', planned: '2025-12' });
    // 中国工商银行某省分行 never inspected: two years from 1 January 2024, the first plan year.
    expect(r.coverage.map((c) => [c.institution, c.status, c.due])).toEqual([
      ['中国工商银行某省分行', 'due', '2026-01-01'],
      ['某城市商业银行', 'covered', '2027-09-26'],
      ['某市农村商业银行', 'covered', '2027-11-14'],
      ['某村镇银行', 'covered', '2027-03-07'],
    ]);
    expect(r.plans.map((p) => [p.year, p.status])).toEqual([
      [2024, 'present'],
      [2025, 'present'],
    ]);
    expect(r.calendars.map((c) => c.number)).toEqual(['国办发明电〔2023〕7号', '国办发明电〔2024〕12号']);
    const text = renderInspectionsText(r, 'en');
    expect(text).toContain('  OVERDUE  MS-2025-02  某城市商业银行（某省）');
    expect(text).toContain('report: overdue by 25 working days (35 days) (due 2025-10-16)');
    expect(text).toContain('report:        巡查组在巡查工作结束后 10 个工作日内，向巡查组织单位报送巡查工作报告。');
    const zh = renderInspectionsText(r);
    expect(zh).toContain('  已逾期   MS-2025-02  某城市商业银行（某省）');
    expect(zh).toContain('巡查工作报告：已逾期 25 个工作日（35 日），到期日 2025-10-16');
    const html = renderInspectionsHtml(r);
    expect(html).toContain('<td class="overdue">已逾期</td>');
    expect(renderInspectionsHtml(r, 'en')).toContain('<td class="overdue">overdue</td>');
    expect(html).toContain('<td>已逾期 25 个工作日（35 日），到期日 2025-10-16</td>');
    expect(renderInspectionsHtml(r, 'en')).toContain('<td>overdue by 25 working days (35 days) (due 2025-10-16)</td>');
    expect(html).toContain('在开展征信信息安全巡查时，巡查组工作人员不得少于2人');
  });
});

describe('the rules of annex 4', () => {
  it('a team of one is flagged with its clause', () => {
    const r = judgeOne(
      { id: 'x', institution: '甲银行', team: ['王某'], fieldwork: { from: '2025-06-03', to: '2025-06-04' } },
      '2025-06-05',
    );
    expect(r.inspections[0].team).toEqual({
      ok: false,
      size: 1,
      atLeast: 2,
      clause: '在开展征信信息安全巡查时，巡查组工作人员不得少于2人',
    });
  });

  it('a report after its tenth working day is late; a rectification without the feedback day is counted from the report, inferred', () => {
    // Fieldwork ended Wed 30 Apr 2025: 1-5 May off, 6-9 May (4), 12-16 May (9), Mon 19 May (10).
    // Sent Wed 21 May: late by 2 days, 2 working days. Rectification from Wed 21 May: 22-23 (2),
    // 26-30 May (7), 31 May-2 Jun 端午 off, 3-6 Jun (11), 9-12 Jun (15): due Thu 12 Jun 2025.
    const r = judgeOne(
      {
        id: 'y',
        institution: '乙银行',
        fieldwork: { from: '2025-04-28', to: '2025-04-30' },
        reportSubmitted: '2025-05-21',
      },
      '2025-06-13',
    );
    expect(r.inspections[0]).toMatchObject({
      status: 'overdue',
      report: { status: 'late', due: '2025-05-19', late: { days: 2, workingDays: 2 } },
      rectification: {
        status: 'overdue',
        from: '2025-05-21',
        due: '2025-06-12',
        overdue: { days: 1, workingDays: 1 },
        inferred: { id: 'feedback-date-or-report-date' },
      },
    });
  });

  it('no findings owes no rectification; late steps make the inspection late', () => {
    const r = judgeOne(
      {
        id: 'z',
        institution: '甲银行',
        fieldwork: { from: '2025-04-28', to: '2025-04-30' },
        reportSubmitted: '2025-05-20',
        feedbackReceived: '2025-05-23',
        noFindings: true,
      },
      '2025-07-01',
    );
    expect([r.inspections[0].status, r.inspections[0].rectification.status]).toEqual(['late', 'not-owed']);
  });

  it('a year without a plan and an institution past its two years are missing', () => {
    // Plans of 2024 only, judged on 2 March 2026: the 2025 and 2026 plans are missing; 甲银行 was
    // inspected to Fri 1 Mar 2024, so its two years ended Sun 1 Mar 2026 (they do not move); 乙银行,
    // never inspected, was due by 1 Jan 2026.
    const r = judgeOne(
      {
        id: 'w',
        institution: '甲银行',
        fieldwork: { from: '2024-02-26', to: '2024-03-01' },
        reportSubmitted: '2024-03-08',
        feedbackReceived: '2024-03-15',
        rectificationSubmitted: '2024-04-01',
      },
      '2026-03-02',
      { year: 2024 },
    );
    expect(r.plans.map((p) => [p.year, p.status])).toEqual([
      [2024, 'present'],
      [2025, 'missing'],
      [2026, 'missing'],
    ]);
    expect(r.coverage.map((c) => [c.institution, c.status, c.due, c.overdue?.days])).toEqual([
      ['乙银行', 'missing', '2026-01-01', 60],
      ['甲银行', 'missing', '2026-03-01', 1],
    ]);
    expect(r.summary).toMatchObject({ uncovered: 2, plansMissing: 2, complete: 1 });
  });

  it('refuses a day the calendar does not hold, naming the missing notice', () => {
    const out = service.status(checkPlans([plan()]).plans, '2027-01-04');
    expect(out).toMatchObject({
      ok: false,
      problems: [{ path: '/asOf', message: expect.stringContaining('no working-day calendar for 2027') }],
    });
  });
});

describe('bad plans', () => {
  it('are refused with the file, line and path, and what is allowed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inspections-'));
    await cp('examples/inspections', dir, { recursive: true });
    await writeFile(
      join(dir, '2026-bad.yaml'),
      [
        'organizingUnit: 人民银行某省分行征信管理处',
        'region: 某省',
        'year: 2026',
        'institutions: [甲银行]',
        'inspections:',
        '  - id: B-1',
        '    institution: 丙银行',
        '    team: [王某]',
        '    fieldwork: { from: "2026-02-30", to: "2026-03-02" }',
        '    rectificationSubmitted: "2026-03-20"',
        '    teamLeader: 王某',
        '',
      ].join('\n'),
    );
    const { diagnostics } = await readPlanDir(dir);
    const bad = diagnostics.map((d) => `${d.file.endsWith('2026-bad.yaml')}:${d.line}:${d.path}: ${d.message}`);
    expect(bad).toEqual([
      expect.stringMatching(
        /^true:11:inspections\[B-1\]: unknown key "teamLeader"; allowed keys are: id, institution, team/,
      ),
    ]);
    const badFile = join(dir, '2026-bad.yaml');
    await writeFile(badFile, (await readFile(badFile, 'utf8')).replace('    teamLeader: 王某\n', ''));
    const second = (await readPlanDir(dir)).diagnostics.map((d) => `${d.line}:${d.path}: ${d.message}`);
    expect(second).toEqual([
      '7:inspections[B-1].institution: "丙银行" is not among the institutions of the plan; list every institution of the region under institutions (they are what 全覆盖 is judged on)',
      '9:inspections[B-1].fieldwork.from: "2026-02-30" is not a date that exists (YYYY-MM-DD)',
      '10:inspections[B-1].rectificationSubmitted: gives the rectification report without the feedback (or the report); give the feedback (or the report) too',
    ]);
  });

  it('in a request, with JSON pointers', () => {
    const { problems } = checkPlans([plan(), { ...plan(), year: 'next' }, plan()]);
    expect(problems).toEqual([
      { path: '/plans/1/year', message: expect.stringContaining('must be') },
      { path: '/plans/2/year', message: expect.stringContaining('has two plans for 2025') },
    ]);
  });
});
