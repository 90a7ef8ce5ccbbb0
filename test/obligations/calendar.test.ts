// The working-day calendar: the State Council notices of 2024–2026 as data, the weekend days made
// working days (调休), and a year without a notice as an error, never a weekends-only guess.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../src/obligations/calendar.js';
import { formatIsoDate, parseIsoDate } from '../../src/obligations/dates.js';
import { ObligationError } from '../../src/obligations/errors.js';
import { calendarsDir } from '../../src/obligations/service.js';
import { formatDiagnostic } from '../../src/diagnostics/diagnostics.js';
import { renderMessage } from '../../src/diagnostics/i18n.js';

let calendar: WorkingCalendar;
beforeAll(async () => {
  calendar = await WorkingCalendar.load(calendarsDir);
});

const d = (s: string) => parseIsoDate(s)!;

describe('the working-day calendar', () => {
  it('holds 2024, 2025 and 2026, each from its State Council General Office notice', () => {
    expect(calendar.years).toEqual([2024, 2025, 2026]);
    expect([2024, 2025, 2026].map((y) => calendar.notice(y).number)).toEqual([
      '国办发明电〔2023〕7号',
      '国办发明电〔2024〕12号',
      '国办发明电〔2025〕7号',
    ]);
  });

  it.each([
    ['2024-01-01', false, '元旦, a Monday'],
    ['2024-02-04', true, 'a Sunday worked for 春节 (调休)'],
    ['2024-02-09', true, '除夕 2024: only recommended as a day off'],
    ['2024-02-10', false, '春节'],
    ['2024-02-17', false, 'the last day of 春节'],
    ['2024-02-18', true, 'a Sunday worked after 春节'],
    ['2024-09-14', true, 'a Saturday worked for 中秋节'],
    ['2024-09-29', true, 'a Sunday worked before 国庆节'],
    ['2024-10-01', false, '国庆节'],
    ['2024-10-07', false, 'the last day of 国庆节'],
    ['2024-10-08', true, 'the Tuesday after 国庆节'],
    ['2024-10-12', true, 'a Saturday worked after 国庆节'],
    ['2024-10-13', false, 'an ordinary Sunday'],
    ['2025-01-28', false, '除夕 2025, a public holiday since the 2024 revision'],
    ['2025-02-08', true, 'a Saturday worked after 春节'],
    ['2025-10-08', false, 'the eighth day of 国庆节、中秋节 2025'],
    ['2025-10-11', true, 'a Saturday worked after 国庆节'],
    ['2026-01-04', true, 'a Sunday worked after 元旦'],
    ['2026-02-23', false, 'the last day of the nine-day 春节 2026'],
    ['2026-02-28', true, 'a Saturday worked after 春节'],
    ['2026-05-09', true, 'a Saturday worked after 劳动节'],
    ['2026-10-10', true, 'a Saturday worked after 国庆节'],
  ])('%s is a working day: %s (%s)', (date, working) => {
    expect(calendar.isWorkingDay(d(date))).toBe(working);
  });

  it('says why a day is or is not a working day, naming the notice, in either language', () => {
    const why = (date: string, lang: 'zh' | 'en') => renderMessage(calendar.why(d(date)), lang);
    expect(why('2024-10-06', 'en')).toBe('2024-10-06（星期日） is a day off for 国庆节 (国办发明电〔2023〕7号)');
    expect(why('2024-10-06', 'zh')).toBe('2024-10-06（星期日）为国庆节放假日（国办发明电〔2023〕7号）');
    expect(why('2024-02-18', 'en')).toBe(
      '2024-02-18（星期日） is a working day in place of 春节 (调休上班, 国办发明电〔2023〕7号)',
    );
    expect(why('2024-02-18', 'zh')).toBe('2024-02-18（星期日）为春节调休上班日，是工作日（国办发明电〔2023〕7号）');
    expect(why('2026-01-31', 'en')).toBe('2026-01-31（星期六） is a weekend day');
    expect(why('2026-01-31', 'zh')).toBe('2026-01-31（星期六）为周末休息日');
    expect(why('2026-01-30', 'zh')).toBe('2026-01-30（星期五）为工作日');
    expect(calendar.why(d('2024-10-06'))).toEqual({
      key: 'diag.calendar.why.dayOff',
      params: { date: '2024-10-06（星期日）', holiday: '国庆节', notice: '国办发明电〔2023〕7号' },
    });
  });

  it('counts working days across the National Day week, its 调休 Sunday and Saturday included', () => {
    // Friday 27 September 2024: Sunday 29th (worked), Monday 30th, then Tuesday 8 October.
    expect(formatIsoDate(calendar.addWorkingDays(d('2024-09-27'), 3))).toBe('2024-10-08');
    expect(formatIsoDate(calendar.addWorkingDays(d('2024-09-27'), 1))).toBe('2024-09-29');
    expect(formatIsoDate(calendar.onOrAfter(d('2024-10-01')))).toBe('2024-10-08');
    expect(formatIsoDate(calendar.onOrAfter(d('2024-10-08')))).toBe('2024-10-08');
  });

  it('counts across a year end with both years held', () => {
    // Wednesday 31 December 2025 + 2: Friday 2 January 2026 is a day off (元旦), Sunday 4 January is worked.
    expect(formatIsoDate(calendar.addWorkingDays(d('2025-12-31'), 1))).toBe('2026-01-04');
    expect(calendar.ordinal(d('2026-01-04'), 2025) - calendar.ordinal(d('2025-12-31'), 2025)).toBe(1);
  });

  it('gives a rest day the ordinal of the next working day', () => {
    expect(calendar.ordinal(d('2024-10-05'), 2024)).toBe(calendar.ordinal(d('2024-10-08'), 2024));
    expect(calendar.ordinal(d('2024-10-08'), 2024) - calendar.ordinal(d('2024-09-30'), 2024)).toBe(1);
  });

  it.each([2023, 2027])('refuses any question about %s, which has no notice in the data', (year) => {
    let thrown: unknown;
    try {
      calendar.isWorkingDay(d(`${year}-06-15`));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ObligationError);
    expect((thrown as ObligationError).code).toBe('CALENDAR_YEAR_MISSING');
    expect((thrown as ObligationError).message).toContain(
      `no working-day calendar for ${year}: policies/calendars holds 2024, 2025, 2026`,
    );
    expect((thrown as ObligationError).message).toContain(`add policies/calendars/${year}.yaml`);
  });

  it('refuses to count into a missing year rather than guess from weekends', () => {
    expect(() => calendar.addWorkingDays(d('2026-12-28'), 5)).toThrow(/no working-day calendar for 2027/);
  });
});

describe('a calendar file', () => {
  async function copy(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'credit-policy-calendars-'));
    await cp(calendarsDir, dir, { recursive: true });
    return dir;
  }

  async function problems(edit: (dir: string) => Promise<void>): Promise<string[]> {
    const dir = await copy();
    await edit(dir);
    const { calendar: loaded, diagnostics } = await WorkingCalendar.inspect(dir, dir);
    expect(loaded).toBeUndefined();
    return diagnostics.map(formatDiagnostic);
  }

  async function replace(file: string, from: string, to: string): Promise<void> {
    const text = await readFile(file, 'utf8');
    if (!text.includes(from)) throw new Error(`${file} lacks ${from}`);
    await writeFile(file, text.replace(from, to));
  }

  it('may not make a weekday a working day, reported at its line', async () => {
    const out = await problems((dir) =>
      replace(join(dir, '2024.yaml'), 'workdays: ["2024-04-07"]', 'workdays: ["2024-04-08"]'),
    );
    expect(out).toEqual([
      expect.stringMatching(
        /^2024\.yaml:21:16: error CAL004: holidays\.2\.workdays\.0 2024-04-08 is a Monday, already a working day; only a Saturday or Sunday can be made one$/,
      ),
    ]);
  });

  it('must be named after its year, hold only dates of that year, and not overlap', async () => {
    const out = await problems(async (dir) => {
      await replace(
        join(dir, '2025.yaml'),
        'off: { from: "2025-01-01", to: "2025-01-01" }',
        'off: { from: "2024-12-31", to: "2025-01-01" }',
      );
      await replace(
        join(dir, '2026.yaml'),
        'off: { from: "2026-04-04", to: "2026-04-06" }',
        'off: { from: "2026-02-23", to: "2026-02-23" }',
      );
      await replace(join(dir, '2024.yaml'), 'year: 2024', 'year: 2042');
    });
    expect(out).toEqual([
      expect.stringMatching(
        /^2024\.yaml:3:7: error CAL004: year is 2042, but the file is named 2024\.yaml; name it 2042\.yaml$/,
      ),
      expect.stringMatching(/^2025\.yaml:\d+:\d+: error CAL004: holidays\.0\.off\.from 2024-12-31 is not in 2025$/),
      expect.stringMatching(
        /^2026\.yaml:\d+:\d+: error CAL004: holidays\.2\.off 2026-02-23 is already a day off for 春节$/,
      ),
    ]);
  });

  it('is checked against its schema, with the place of an unknown key', async () => {
    const out = await problems((dir) =>
      replace(join(dir, '2026.yaml'), '    workdays: ["2026-05-09"]', '    workday: ["2026-05-09"]'),
    );
    expect(out).toEqual([
      expect.stringMatching(/^2026\.yaml:\d+:\d+: error CAL003: holidays\.3 missing required key "workdays"$/),
      expect.stringMatching(
        /^2026\.yaml:\d+:5: error CAL003: holidays\.3\.workday unknown key "workday"; allowed keys are: name, clause, off, workdays$/,
      ),
    ]);
  });
});
