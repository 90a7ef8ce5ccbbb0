// Obligations stage: from a resolved rule and the date that starts its clock to the due date, on the
// working-day calendar. The readings this applies are those obligations.yaml records: the start day
// is not counted (民法典第二百零一条), months and years end on the corresponding day (第二百零二条),
// and a last day that is not a working day moves to the next one where the rule says so (第二百零三条).
import { addMonths, civil, dayOf, daysInMonth, monthRange, quarterRange, yearRange, type Day } from './dates.js';
import type { WorkingCalendar } from './calendar.js';
import { ObligationError } from './errors.js';
import type { ResolvedRule } from './policy.js';
import { msg } from '../diagnostics/message.js';

/** Deadline: when one obligation falls due for one start date. */
export interface Deadline {
  /** The month, quarter or year reported on, for a periodic report. */
  covers?: { from: Day; to: Day };
  /** The last day as counted, before any move to a working day. */
  nominal: Day;
  due: Day;
  moved?: { from: Day; because: string };
  /** The schedule in words. */
  rule: string;
  /** True when lateness is also counted in working days (the deadline lives on the working-day calendar). */
  workingDayReckoned: boolean;
}

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** describeRule says a rule's schedule in words, e.g. "10 days after 变更之日, moved to …". */
export function describeRule(rule: ResolvedRule, eventName: string): string {
  const s = rule.schedule;
  let text: string;
  switch (s.kind) {
    case 'after': {
      const unit = { workingDays: 'working day', days: 'day', months: 'month', years: 'year' }[s.unit];
      text =
        s.count === 0
          ? `on the day of ${eventName}`
          : `${s.count} ${unit}${s.count === 1 ? '' : 's'} after ${eventName}`;
      break;
    }
    case 'monthly':
      text = `by day ${s.day} of the month after the month reported`;
      break;
    case 'quarterly':
      text = `by day ${s.day} of the month after the quarter reported`;
      break;
    case 'annual':
      text = `by ${s.lastDay ? `the last day of ${monthNames[s.month - 1]}` : `${s.day} ${monthNames[s.month - 1]}`} of ${s.sameYear ? 'the year itself' : 'the year after the year rated'}`;
      break;
    case 'undated':
      return {
        once: 'the text sets no day',
        quarterly: 'every quarter; the text sets no day',
        daily: 'every working day',
        annual: 'every year; the text sets no day',
        'when-met': 'when the condition is met; the text sets no day',
      }[s.frequency];
  }
  const moves = rule.onNonWorkingDay === 'nextWorkingDay' && !(s.kind === 'after' && s.unit === 'workingDays');
  return moves ? `${text}, or the next working day when that is not one` : text;
}

/**
 * nominalDue is the last day as counted, before any move to a working day, and the period a
 * periodic report covers. Only a count of working days needs the calendar here.
 */
export function nominalDue(
  rule: ResolvedRule,
  start: Day,
  calendar: WorkingCalendar,
): { nominal: Day; covers?: { from: Day; to: Day } } {
  const s = rule.schedule;
  switch (s.kind) {
    case 'after':
      if (s.unit === 'workingDays') return { nominal: calendar.addWorkingDays(start, s.count) };
      if (s.unit === 'days') return { nominal: start + s.count };
      return { nominal: addMonths(start, s.unit === 'months' ? s.count : s.count * 12) };
    case 'monthly': {
      const covers = monthRange(start);
      return { covers, nominal: dayInNextMonth(covers.to, s.day) };
    }
    case 'quarterly': {
      const covers = quarterRange(start);
      return { covers, nominal: dayInNextMonth(covers.to, s.day) };
    }
    case 'annual': {
      // sameYear: due within the year itself (在评价年度内), not in the year after it.
      const year = civil(start).year + (s.sameYear ? 0 : 1);
      return {
        covers: yearRange(start),
        nominal: dayOf(year, s.month, s.lastDay ? daysInMonth(year, s.month) : s.day!),
      };
    }
    case 'undated':
      throw new ObligationError(
        'UNDATED',
        msg('diag.obligations.undated', { id: rule.id, rule: describeRule(rule, '') }),
        '/obligation',
      );
  }
}

/** computeDeadline finds the due date of a rule whose clock starts on `start`. */
export function computeDeadline(
  rule: ResolvedRule,
  start: Day,
  calendar: WorkingCalendar,
  eventName: string,
): Deadline {
  const { nominal, covers } = nominalDue(rule, start, calendar);
  const s = rule.schedule;
  const workingDayReckoned =
    (s.kind === 'after' && s.unit === 'workingDays') || rule.onNonWorkingDay === 'nextWorkingDay';
  let due = nominal;
  let moved: Deadline['moved'];
  if (rule.onNonWorkingDay === 'nextWorkingDay') {
    due = calendar.onOrAfter(nominal);
    if (due !== nominal) moved = { from: nominal, because: calendar.why(nominal) };
  }
  return { covers, nominal, due, moved, rule: describeRule(rule, eventName), workingDayReckoned };
}

function dayInNextMonth(lastOfPeriod: Day, day: number): Day {
  const next = civil(lastOfPeriod + 1);
  return dayOf(next.year, next.month, day);
}
