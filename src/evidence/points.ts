// Evidence stage: turns a row's dates into the integer points the derivation policy compares: day
// number, working-day ordinal (from policies/calendars, when the year has a calendar), quarter,
// month and day of the month. The calendar arithmetic stays in the host (see obligations/calendar).
import type { WorkingCalendar } from '../obligations/calendar.js';
import { civil, parseIsoDate } from '../obligations/dates.js';

export interface DatePoint {
  day: number;
  wo?: number;
  q: number;
  ym: number;
  dom: number;
}

/** Points builds and caches date points; working-day ordinals count from `origin`'s 1 January. */
export class Points {
  private readonly cache = new Map<string, DatePoint>();
  constructor(
    private readonly calendar: WorkingCalendar,
    private readonly origin: number,
  ) {}

  /** covers says whether the calendar has the year, so working days can be counted in it. */
  covers(year: number): boolean {
    return this.calendar.years.includes(year) && year >= this.origin;
  }

  of(iso: string): DatePoint {
    let p = this.cache.get(iso);
    if (p) return p;
    const day = parseIsoDate(iso) as number;
    const { year, month, day: dom } = civil(day);
    const ym = year * 12 + month - 1;
    p = { day, q: Math.floor(ym / 3), ym, dom };
    if (this.covers(year)) p.wo = this.calendar.ordinal(day, this.origin);
    if (this.cache.size < 100_000) this.cache.set(iso, p);
    return p;
  }

  /** day is the bare day number as a point, for rows compared by day only (queries: most of the rows). */
  day(iso: unknown): { day: number } | null {
    return typeof iso === 'string' ? { day: this.of(iso).day } : null;
  }

  maybe(iso: unknown): DatePoint | null {
    return typeof iso === 'string' ? this.of(iso) : null;
  }
}
