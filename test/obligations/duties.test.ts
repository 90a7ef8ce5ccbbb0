// Issue 15 (1-3): the operator (运行机构, 中国人民银行征信中心) as its own party with its own routes, names
// that are neither in annex 1 nor plainly local flagged, one reading of 参照 with dates the text does not
// state marked inferred, and the periodic duties. Dates are worked out by hand from the clause and the
// State Council calendars in policies/calendars (国办发明电〔2023〕7号 for 2024, 〔2024〕12号 for 2025).
import { describe, expect, it } from 'vitest';
import { renderCalendarText, renderDueText } from '../../src/render/obligations/text.js';
import { useService } from './helper.js';

const ctx = useService();
const operator = { name: '中国人民银行征信中心' };

describe('the operator (运行机构)', () => {
  it('files its internal-control rules with 征信管理局, not a local branch (三（一）)', () => {
    // 三（一）: 运行机构及全国性接入机构…的总行向人民银行征信管理局报备, 30 个工作日. From Friday
    // 20 September 2024: 23-27 Sep (5), Sunday 29 Sep worked for 国庆 (6), 30 Sep (7), 1-7 Oct off,
    // 8-11 Oct (11), Saturday 12 Oct worked (12), 14-18 (17), 21-25 (22), 28 Oct-1 Nov (27), 4-6 Nov (30).
    const out = ctx.service.due({ obligation: 'internal-control-filing', start: '2024-09-20', institution: operator });
    if (!out.ok) throw new Error(JSON.stringify(out.problems));
    expect([out.result.reporter.id, out.result.recipient?.id, out.result.due]).toEqual([
      'operator',
      'bureau',
      '2024-11-06',
    ]);
    expect(out.result.inferred).toBeUndefined();
    expect(out.result.flags).toBeUndefined();
  });

  it('sends its monthly report to 征信管理局 by the 10th, marked inferred (三（二）gives it no day)', () => {
    // April 2025: 10 May 2025 is a Saturday (no 调休 that day), so the 10th moves to Monday 12 May.
    const out = ctx.service.due({ obligation: 'monthly-security-report', start: '2025-04', institution: operator });
    if (!out.ok) throw new Error(JSON.stringify(out.problems));
    expect([out.result.recipient?.id, out.result.nominalDue, out.result.due]).toEqual([
      'bureau',
      '2025-05-10',
      '2025-05-12',
    ]);
    expect(out.result.inferred?.id).toBe('operator-reports-to-the-bureau');
    expect(renderDueText(out.result, 'en')).toContain('inferred:  the text states no such date or route');
  });

  it('reports its rectification to 巡查组织单位 and 有关部门 in 15 working days (附件4 六（二）)', () => {
    // From Tuesday 10 February 2026: 11-13 Feb (3), Saturday 14 Feb worked for 春节 (4), 15-23 Feb off
    // (春节 2026: 15-23 February), 24-27 Feb (8), Saturday 28 Feb worked (9), 2-6 Mar (14), 9 Mar (15).
    const out = ctx.service.due({ obligation: 'rectification-report', start: '2026-02-10', institution: operator });
    if (!out.ok) throw new Error(JSON.stringify(out.problems));
    expect(out.result.due).toBe('2026-03-09');
    expect([out.result.recipient?.name, ...(out.result.alsoTo ?? []).map((p) => p.name)]).toEqual([
      '巡查组织单位',
      '有关部门',
    ]);
    expect(renderDueText(out.result)).toContain('→ 巡查组织单位、有关部门');
  });

  it('is not rated, so it owes no self-assessment (附件3 binds access institutions)', () => {
    const out = ctx.service.due({ obligation: 'rating-self-assessment', start: '2024', institution: operator });
    expect(out).toMatchObject({ ok: false, problems: [{ path: '/institution' }] });
  });

  it('has a calendar of its own duties and recipients', () => {
    const out = ctx.service.calendarFor({ institution: '中国人民银行征信中心', year: 2025 });
    if (!out.ok) throw new Error(JSON.stringify(out.problems));
    const c = out.result;
    expect([c.institution.kind, c.institution.kindName, c.institution.basis]).toEqual([
      'operator',
      '金融信用信息基础数据库运行机构',
      'operator-name',
    ]);
    // 12 monthly reports (December 2024 to November 2025) and 4 quarterly ones, all to 征信管理局.
    expect(c.dated.filter((d) => d.obligation.id === 'monthly-security-report')).toHaveLength(12);
    expect(c.dated.filter((d) => d.obligation.id === 'quarterly-self-inspection-report')).toHaveLength(4);
    expect(new Set(c.dated.map((d) => d.recipient?.id))).toEqual(new Set(['bureau']));
    expect(c.dated.every((d) => d.inferred !== undefined)).toBe(true);
    expect(c.triggered.map((t) => t.obligation.id).sort()).toEqual([
      'emergency-plan-filing',
      'internal-control-change-filing',
      'internal-control-filing',
      'rectification-report',
      'security-event-report',
    ]);
    expect(c.undated.map((u) => [u.obligation.id, u.frequency])).toEqual([
      ['daily-query-check', 'daily'],
      ['self-inspection-rules-filing', 'once'],
    ]);
    const text = renderCalendarText(c);
    expect(text).toContain('2025-01-10（星期五）  monthly-security-report (2024-12) → 人民银行征信管理局  三（二）');
    expect(text).not.toContain('所在地人民银行分支机构');
  });
});

describe('names read as a kind of party', () => {
  it('flags a name neither in annex 1 nor plainly local, and reads it as local', () => {
    const out = ctx.service.calendarFor({ institution: '某某银行', year: 2025 });
    if (!out.ok) throw new Error('refused');
    expect([out.result.institution.kind, out.result.flags?.map((f) => f.code)]).toEqual(['local', ['unlisted-name']]);
    expect(out.result.interpretations.map((i) => i.id)).toContain('unlisted-name-is-local-and-flagged');
    expect(renderCalendarText(out.result, 'en')).toContain('  flag: unlisted-name: the name is neither in annex 1');
    expect(renderCalendarText(out.result)).toContain(
      '  提示：unlisted-name：该名称不在附件1（全国性接入机构名单）中，不是运行机构的名称，也不能明显看出是地方性机构；现按地方性接入机构理解（第二十一条）。',
    );
    // The JSON keeps the English text, with the catalogue key beside it.
    expect(out.result.flags?.[0]).toMatchObject({
      message: expect.stringMatching(/^the name is neither in annex 1/),
      messageId: 'diag.obligations.flag.unlistedName',
    });
  });

  it('does not flag a plainly local name, a name of annex 1 or a given kind', () => {
    for (const request of [
      { institution: '某市农村商业银行', year: 2025 },
      { institution: '中国工商银行', year: 2025 },
      { institution: '某某银行', year: 2025, reporter: 'national' as const },
    ]) {
      const out = ctx.service.calendarFor(request);
      expect(out.ok && out.result.flags).toBeUndefined();
    }
  });

  it('flags a PBOC office named without a kind, in due too', () => {
    const out = ctx.service.due({
      obligation: 'monthly-security-report',
      start: '2025-04',
      institution: { name: '中国人民银行上海分行' },
    });
    expect(out.ok && out.result.flags?.map((f) => f.code)).toEqual(['pboc-name']);
  });
});

describe('one reading of 参照 (canzhao-is-the-route-only)', () => {
  it('the quarterly self-inspection report is dated only as inferred', () => {
    // Q3 2024 of a local institution: the 6th of October 2024 is in the 国庆 holiday (1-7 October), so
    // the inferred day moves to Tuesday 8 October.
    const out = ctx.service.due({
      obligation: 'quarterly-self-inspection-report',
      start: '2024-07',
      reporter: 'local',
    });
    if (!out.ok) throw new Error('refused');
    expect([out.result.due, out.result.inferred?.id]).toEqual(['2024-10-08', 'quarterly-report-day-inferred']);
    expect(out.result.interpretations.map((i) => i.id)).toContain('canzhao-is-the-route-only');
    // The monthly clause is no longer quoted as if it set this deadline.
    expect(out.result.obligation.reporterClause).toBeUndefined();
    expect(out.result.obligation.routeClause).toBe('报告流程参照征信信息安全事件的报告要求');
  });

  it('the self-inspection rules filing keeps no deadline under the same reading', () => {
    const out = ctx.service.due({ obligation: 'self-inspection-rules-filing', start: '2024-09-20', reporter: 'local' });
    expect(out.ok).toBe(false);
  });
});

describe('periodic duties', () => {
  it('an access institution’s calendar lists the year-end duties and the undated ones with their clauses', () => {
    const out = ctx.service.calendarFor({ institution: '某市农村商业银行', year: 2025 });
    if (!out.ok) throw new Error('refused');
    const c = out.result;
    // 在评价年度内: by Wednesday 31 December 2025, which does not move.
    const yearEnd = c.dated.filter((d) => d.due === '2025-12-31').map((d) => [d.obligation.id, d.obligation.section]);
    expect(yearEnd).toEqual([
      ['annual-internal-audit', '附件3 表 3.1'],
      ['annual-training', '附件3 表 6.3'],
      ['coordination-meetings', '附件3 表 1.2'],
    ]);
    expect(c.dated.find((d) => d.obligation.id === 'coordination-meetings')?.atLeast).toBe(4);
    expect(c.undated.map((u) => [u.obligation.id, u.frequency])).toContainEqual(['daily-query-check', 'daily']);
    expect(renderCalendarText(c, 'en')).toContain(
      'coordination-meetings (2025-01…2025-12) at least 4 times  附件3 表 1.2',
    );
    expect(renderCalendarText(c)).toContain('coordination-meetings (2025-01…2025-12)，至少 4 次  附件3 表 1.2');
  });

  it('a national head office has the 5.1 suspension, due when the condition is met', () => {
    const out = ctx.service.calendarFor({ institution: '中国工商银行', year: 2025 });
    if (!out.ok) throw new Error('refused');
    expect(out.result.undated.find((u) => u.obligation.id === 'idle-user-suspension')).toMatchObject({
      frequency: 'when-met',
      obligation: { clause: '对连续6个月日均查询低于20笔的用户，应予以暂停', section: '附件3 表 5.1' },
    });
  });

  it('a PBOC branch has its annual inspection plan and its emergency plan', () => {
    const out = ctx.service.calendarFor({ institution: '人民银行上海总部', year: 2025, reporter: 'pboc-branch' });
    if (!out.ok) throw new Error('refused');
    expect(out.result.undated.map((u) => [u.obligation.id, u.frequency])).toContainEqual([
      'annual-inspection-plan',
      'annual',
    ]);
    expect(out.result.triggered.map((t) => t.obligation.id)).toContain('emergency-plan-filing');
  });

  it('every PBOC branch files an emergency plan, whatever its level (五)', () => {
    const out = ctx.service.due({
      obligation: 'emergency-plan-filing',
      start: '2024-09-20',
      reporter: 'pboc-any-branch',
    });
    expect(out.ok && [out.result.recipient?.id, out.result.due]).toEqual(['pboc', '2024-11-06']);
  });
});
