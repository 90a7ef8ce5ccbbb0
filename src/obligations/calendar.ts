// Obligations stage: the working-day calendar of China, one YAML file per year under
// policies/calendars, each from the State Council General Office notice it cites.
//
// The working-day arithmetic lives here, in the host, and not in the Rego: it is civil-date
// arithmetic (weekdays, month lengths, year boundaries) over a calendar that changes every year,
// and the WASM SDK has no date built-ins beyond time.diff (see generated/capabilities.json), so in
// Rego it would mean re-deriving weekdays and months from day numbers with floating-point floor
// division. Here it is a lookup in two sets per year. The Rego receives only whole day numbers and
// working-day ordinals and decides with them who owes what and whether it came in time.
//
// A day of a year without a calendar file is an error (CALENDAR_YEAR_MISSING), never a guess from
// weekends alone: a State Council notice can move any weekend or weekday.
import { join, relative } from 'node:path';
import type { CalendarYear } from '../../generated/types/obligations/calendar.js';
import type { Code } from '../diagnostics/codes.js';
import { hasErrors, RulesError, type Diagnostic } from '../diagnostics/diagnostics.js';
import { readFolder, readYamlSource, type JsonPath, type YamlSource } from '../diagnostics/yaml-source.js';
import { compileSchema } from '../validation/ajv.js';
import { explainMessages, pointerSegments } from '../diagnostics/explain.js';
import { asMessage, type Message, msg } from '../diagnostics/message.js';
import { said } from '../diagnostics/i18n.js';
import { civil, dayOf, formatIsoDate, isWeekend, parseIsoDate, weekday, weekdayName, type Day } from './dates.js';
import { ObligationError } from './errors.js';

export type { CalendarYear };

interface YearIndex {
  data: CalendarYear;
  /** The holiday each day off belongs to. */
  off: Map<Day, string>;
  /** Weekend days worked instead, with the holiday they belong to. */
  workdays: Map<Day, string>;
  first: Day;
  /** before[i]: working days of the year before day first + i. */
  before: Int32Array;
  count: number;
}

/** WorkingCalendar answers, for the years it holds, whether a day is a working day. */
export class WorkingCalendar {
  private readonly index = new Map<number, YearIndex>();

  private constructor(years: CalendarYear[]) {
    for (const data of years) this.index.set(data.year, indexYear(data));
  }

  /** fromYears builds a calendar from already validated years (tests build small ones). */
  static fromYears(years: CalendarYear[]): WorkingCalendar {
    return new WorkingCalendar(years);
  }

  /** load reads every <year>.yaml of a folder or throws RulesError with every problem found. */
  static async load(dir: string): Promise<WorkingCalendar> {
    const { calendar, diagnostics } = await WorkingCalendar.inspect(dir);
    if (!calendar) throw new RulesError(diagnostics);
    return calendar;
  }

  static async inspect(
    dir: string,
    displayRoot = process.cwd(),
  ): Promise<{ calendar?: WorkingCalendar; diagnostics: Diagnostic[]; texts: { name: string; content: string }[] }> {
    const folder = await readFolder(dir, 'CAL002', 'calendars');
    if ('diagnostic' in folder) return { diagnostics: [folder.diagnostic], texts: [] };
    const names = folder.entries
      .map((e) => e.name)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort();
    validate ??= compileSchema('obligations/calendar.schema.json');
    const diagnostics: Diagnostic[] = [];
    const years: CalendarYear[] = [];
    const texts: { name: string; content: string }[] = [];
    for (const name of names) {
      const path = join(dir, name);
      const { source, diagnostics: found } = await readYamlSource(path, relative(displayRoot, path) || name);
      diagnostics.push(...found);
      if (!source) continue;
      if (!validate(source.data)) {
        for (const p of explainMessages(validate.errors, source.data))
          diagnostics.push(at(source, 'CAL003', pointerSegments(p.path), asMessage(p)));
        continue;
      }
      const data = source.data as CalendarYear;
      const before = diagnostics.length;
      checkYear(name, data, (path, key, params) => diagnostics.push(at(source, 'CAL004', path, msg(key, params))));
      if (diagnostics.length === before) {
        years.push(data);
        texts.push({ name: `calendars/${name}`, content: source.text });
      }
    }
    if (hasErrors(diagnostics)) return { diagnostics, texts };
    return { calendar: new WorkingCalendar(years), diagnostics, texts };
  }

  /** years lists the years the calendar holds, in order. */
  get years(): number[] {
    return [...this.index.keys()].sort((a, b) => a - b);
  }

  /** notice is the State Council notice a year's calendar comes from. */
  notice(year: number): CalendarYear['notice'] {
    return this.year(year).data.notice;
  }

  isWorkingDay(day: Day): boolean {
    const y = this.year(civil(day).year);
    return y.workdays.has(day) || (!y.off.has(day) && !isWeekend(day));
  }

  /**
   * why says why a day is or is not a working day, as a catalogue message naming the State Council notice
   * when it decides (放假 or 调休上班), so that it reads in either language.
   */
  why(day: Day): Message {
    const y = this.year(civil(day).year);
    const date = `${formatIsoDate(day)}（${weekdayName(day)}）`;
    const notice = y.data.notice.number;
    const holiday = y.off.get(day);
    if (holiday) return msg('diag.calendar.why.dayOff', { date, holiday, notice });
    const swapped = y.workdays.get(day);
    if (swapped) return msg('diag.calendar.why.swappedWorkday', { date, holiday: swapped, notice });
    return msg(isWeekend(day) ? 'diag.calendar.why.weekend' : 'diag.calendar.why.working', { date });
  }

  /** onOrAfter is the day itself when it is a working day, else the next working day. */
  onOrAfter(day: Day): Day {
    let d = day;
    while (!this.isWorkingDay(d)) d++;
    return d;
  }

  /** addWorkingDays is the n-th working day after a day (the day itself not counted). */
  addWorkingDays(day: Day, n: number): Day {
    let d = day;
    for (let left = n; left > 0; ) {
      d++;
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }

  /**
   * ordinal numbers the working days from 1 January of `origin`: a working day gets its position,
   * a rest day the position of the next working day (what is done on a rest day reaches an office
   * on the next working day). Differences of ordinals count working days.
   */
  ordinal(day: Day, origin: number): number {
    const { year } = civil(day);
    let offset = 0;
    for (let y = origin; y < year; y++) offset += this.year(y).count;
    const idx = this.year(year);
    return offset + idx.before[day - idx.first] + 1;
  }

  private year(year: number): YearIndex {
    const y = this.index.get(year);
    if (!y)
      throw new ObligationError(
        'CALENDAR_YEAR_MISSING',
        this.years.length
          ? msg('diag.calendar.yearMissing', { year, years: this.years.join(', ') })
          : msg('diag.calendar.noYears', { year }),
      );
    return y;
  }
}

let validate: ReturnType<typeof compileSchema> | undefined;

function indexYear(data: CalendarYear): YearIndex {
  const off = new Map<Day, string>();
  const workdays = new Map<Day, string>();
  for (const h of data.holidays) {
    for (let d = parseIsoDate(h.off.from)!; d <= parseIsoDate(h.off.to)!; d++) off.set(d, h.name);
    for (const w of h.workdays) workdays.set(parseIsoDate(w)!, h.name);
  }
  const first = dayOf(data.year, 1, 1);
  const days = dayOf(data.year + 1, 1, 1) - first;
  const before = new Int32Array(days);
  let count = 0;
  for (let i = 0; i < days; i++) {
    before[i] = count;
    const d = first + i;
    if (workdays.has(d) || (!off.has(d) && !isWeekend(d))) count++;
  }
  return { data, off, workdays, first, before, count };
}

// What the schema cannot say: the file is the year it names, its dates lie in that year, ranges
// run forwards and do not overlap, and only weekend days are made working days.
function checkYear(
  fileName: string,
  data: CalendarYear,
  report: (path: JsonPath, key: string, params?: Message['params']) => void,
): void {
  const named = /^(\d{4})\.ya?ml$/.exec(fileName)?.[1];
  if (named !== String(data.year)) {
    report(['year'], 'diag.calendar.yearName', { year: data.year, file: fileName });
    return;
  }
  const inYear = (text: string, path: JsonPath): Day | undefined => {
    const d = parseIsoDate(text);
    if (d === undefined) report(path, 'diag.calendar.notDate', { text });
    else if (civil(d).year !== data.year) report(path, 'diag.calendar.notInYear', { text, year: data.year });
    else return d;
    return undefined;
  };
  const taken = new Map<Day, string>();
  data.holidays.forEach((h, n) => {
    const from = inYear(h.off.from, ['holidays', n, 'off', 'from']);
    const to = inYear(h.off.to, ['holidays', n, 'off', 'to']);
    if (from !== undefined && to !== undefined) {
      if (from > to) report(['holidays', n, 'off'], 'diag.calendar.reversed', { from: h.off.from, to: h.off.to });
      for (let d = from; d <= to; d++) {
        const other = taken.get(d);
        if (other) report(['holidays', n, 'off'], 'diag.calendar.alreadyOff', { day: formatIsoDate(d), other });
        taken.set(d, h.name);
      }
    }
  });
  data.holidays.forEach((h, n) => {
    h.workdays.forEach((w, k) => {
      const d = inYear(w, ['holidays', n, 'workdays', k]);
      if (d === undefined) return;
      if (!isWeekend(d))
        report(['holidays', n, 'workdays', k], 'diag.calendar.alreadyWorking', {
          day: w,
          weekday: msg(`diag.calendar.weekday.d${weekday(d)}`),
        });
      if (taken.has(d))
        report(['holidays', n, 'workdays', k], 'diag.calendar.alsoOff', { day: w, other: taken.get(d) ?? '' });
    });
  });
}

function at(source: YamlSource, code: Code, path: JsonPath, message: Message): Diagnostic {
  const { line, column } = source.locate(path, message.key.startsWith('diag.schema.unknownKey'));
  return { code, severity: 'error', file: source.file, line, column, path: path.join('.'), ...said(message) };
}
