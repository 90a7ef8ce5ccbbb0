// Obligations stage: from a resolved rule and the date that starts its clock to the due date, on the
// working-day calendar. The readings this applies are those obligations.yaml records: the start day
// is not counted (民法典第二百零一条), months and years end on the corresponding day (第二百零二条),
// and a last day that is not a working day moves to the next one where the rule says so (第二百零三条).
import { addMonths, civil, dayOf, daysInMonth, monthRange, quarterRange, yearRange, type Day } from './dates.js';
import type { WorkingCalendar } from './calendar.js';
import { ObligationError } from './errors.js';
import type { ResolvedRule } from './policy.js';
import { type Message, msg } from '../diagnostics/message.js';
import { renderMessage } from '../diagnostics/i18n.js';

/** Deadline: when one obligation falls due for one start date. */
export interface Deadline {
  /** The month, quarter or year reported on, for a periodic report. */
  covers?: { from: Day; to: Day };
  /** The last day as counted, before any move to a working day. */
  nominal: Day;
  due: Day;
  /** Why the last day moved, as a message (calendar.ts's why). */
  moved?: { from: Day; because: Message };
  /** The schedule in words, as a message (describeRule). */
  rule: Message;
  /** True when lateness is also counted in working days (the deadline lives on the working-day calendar). */
  workingDayReckoned: boolean;
}

/**
 * describeRule says a rule's schedule in words, as a catalogue message (e.g. "10 working days after 变更之日",
 * 自变更之日起 10 个工作日内), for either language; ruleText is its English text.
 */
export function describeRule(rule: ResolvedRule, eventName: string): Message {
  const s = rule.schedule;
  let text: Message;
  switch (s.kind) {
    case 'after':
      text =
        s.count === 0
          ? msg('diag.schedule.onTheDay', { event: eventName })
          : msg(`diag.schedule.after.${s.unit}`, { count: s.count, event: eventName });
      break;
    case 'monthly':
      text = msg('diag.schedule.monthly', { day: s.day });
      break;
    case 'quarterly':
      text = msg('diag.schedule.quarterly', { day: s.day });
      break;
    case 'annual': {
      const month = msg(`diag.schedule.month.m${s.month}`);
      const year = s.sameYear ? 'sameYear' : 'nextYear';
      text = s.lastDay
        ? msg(`diag.schedule.annual.lastDay.${year}`, { month: s.month, monthName: month })
        : msg(`diag.schedule.annual.day.${year}`, { month: s.month, monthName: month, day: s.day! });
      break;
    }
    case 'undated':
      return msg(`diag.schedule.undated.${s.frequency}`);
  }
  const moves = rule.onNonWorkingDay === 'nextWorkingDay' && !(s.kind === 'after' && s.unit === 'workingDays');
  return moves ? msg('diag.schedule.orNextWorkingDay', { text }) : text;
}

/** ruleText: a rule's schedule in English, as the JSON answers have always given it. */
export function ruleText(rule: ResolvedRule, eventName: string): string {
  return renderMessage(describeRule(rule, eventName), 'en');
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
