// Obligations stage: civil dates as whole day numbers (days since 1970-01-01, UTC), so that every
// deadline is integer arithmetic and no time zone or clock ever shifts a day.

/** Day: a civil date as the number of days since 1970-01-01. */
export type Day = number;

const msPerDay = 86_400_000;

/** dayOf is the day number of year-month-day (month 1-12); it does not check the date exists. */
export function dayOf(year: number, month: number, day: number): Day {
  return Date.UTC(year, month - 1, day) / msPerDay;
}

/** civil turns a day number back into its year, month (1-12) and day of the month. */
export function civil(day: Day): { year: number; month: number; day: number } {
  const d = new Date(day * msPerDay);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** parseIsoDate reads YYYY-MM-DD and refuses dates that do not exist (2025-02-29). */
export function parseIsoDate(text: string): Day | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return dayOf(y, mo, d);
}

/** parseLooseDate reads YYYY, YYYY-MM or YYYY-MM-DD; a missing month or day is the first. */
export function parseLooseDate(text: string): Day | undefined {
  if (/^\d{4}$/.test(text)) return parseIsoDate(`${text}-01-01`);
  if (/^\d{4}-\d{2}$/.test(text)) return parseIsoDate(`${text}-01`);
  return parseIsoDate(text);
}

export function formatIsoDate(day: Day): string {
  return new Date(day * msPerDay).toISOString().slice(0, 10);
}

/** weekday: 0 Sunday … 6 Saturday. */
export function weekday(day: Day): number {
  return new Date(day * msPerDay).getUTCDay();
}

export function isWeekend(day: Day): boolean {
  const w = weekday(day);
  return w === 0 || w === 6;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * addMonths ends a period of whole months on the corresponding day of the last month, or on that
 * month's last day when it has no such day (民法典第二百零二条): 2024-01-31 + 1 month is 2024-02-29.
 */
export function addMonths(day: Day, months: number): Day {
  const c = civil(day);
  const index = c.year * 12 + (c.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return dayOf(year, month, Math.min(c.day, daysInMonth(year, month)));
}

/** monthOf names the month of a day as YYYY-MM. */
export function monthOf(day: Day): string {
  return formatIsoDate(day).slice(0, 7);
}

/** monthRange is the first and last day of the month a day is in. */
export function monthRange(day: Day): { from: Day; to: Day } {
  const c = civil(day);
  return { from: dayOf(c.year, c.month, 1), to: dayOf(c.year, c.month, daysInMonth(c.year, c.month)) };
}

/** quarterRange is the first and last day of the calendar quarter a day is in. */
export function quarterRange(day: Day): { from: Day; to: Day } {
  const c = civil(day);
  const first = Math.floor((c.month - 1) / 3) * 3 + 1;
  return { from: dayOf(c.year, first, 1), to: dayOf(c.year, first + 2, daysInMonth(c.year, first + 2)) };
}

/** yearRange is 1 January to 31 December of the year a day is in. */
export function yearRange(day: Day): { from: Day; to: Day } {
  const { year } = civil(day);
  return { from: dayOf(year, 1, 1), to: dayOf(year, 12, 31) };
}

const weekdayNames = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** weekdayName: 星期一 … 星期日, as the State Council notices write them. */
export function weekdayName(day: Day): string {
  return weekdayNames[weekday(day)];
}

/** today is the current civil date in China (UTC+8), the calendar the notice is kept on. */
export function today(now = new Date()): Day {
  return Math.floor((now.getTime() + 8 * 3_600_000) / msPerDay);
}
