// Render stage: the readable answers of `due`, `calendar` and `report validate|status`, with the
// clauses in the notice's own wording.
import { defaultLang, type Lang } from '../../i18n/i18n.js';
import { readingIn } from '../rating/text.js';
import type {
  DueResult,
  DueStatus,
  InferredRef,
  ObligationCalendar,
  Party,
  Span,
} from '../../../generated/types/obligations/api.js';
import { parseIsoDate, weekdayName } from '../../obligations/dates.js';
import type { ReportDiagnostic, Timeliness } from '../../obligations/reports.js';

/** to: " → 巡查组织单位、有关部门", the recipient and any further ones. */
function to(recipient: Party | null, alsoTo?: Party[]): string {
  if (!recipient) return '';
  return ` → ${[recipient, ...(alsoTo ?? [])].map((p) => p.name).join('、')}`;
}

function inferredMark(inferred?: InferredRef): string {
  return inferred ? `  [inferred: ${inferred.id}]` : '';
}

function day(date: string): string {
  return `${date}（${weekdayName(parseIsoDate(date)!)}）`;
}

function span(s: Span): string {
  const days = `${s.days} day${s.days === 1 ? '' : 's'}`;
  return s.workingDays === undefined ? days : `${s.workingDays} working day${s.workingDays === 1 ? '' : 's'} (${days})`;
}

/** statusText: "late by 4 working days (6 days), submitted 2024-11-12". */
export function statusText(s: DueStatus | { status: 'received' }): string {
  switch (s.status) {
    case 'on-time':
      return `on time, submitted ${(s as DueStatus).submitted}${s.early && s.early.days > 0 ? `, ${span(s.early)} early` : ''}`;
    case 'late':
      return `late by ${span(s.late!)}, submitted ${s.submitted}`;
    case 'out-of-time':
      return `out of time by ${span(s.late!)}, submitted ${s.submitted}`;
    case 'missing':
      return `missing: not done ${span(s.overdue!)} after the due date (as of ${s.asOf})`;
    case 'lapsed':
      return `lapsed: the right was not used by the due date (as of ${s.asOf})`;
    case 'pending':
      return `pending: ${span(s.left!)} left (as of ${s.asOf})`;
    case 'received':
      return 'received (the report names no submission day)';
  }
}

export function renderDueText(r: DueResult, lang: Lang = defaultLang): string {
  const lines: string[] = [];
  lines.push(`Due ${day(r.due)}: ${r.obligation.id}, ${r.obligation.title}`);
  lines.push(`  who:       ${r.reporter.name}${to(r.recipient, r.alsoTo)}`);
  if (r.inferred)
    lines.push(`  inferred:  the text states no such date or route; [${r.inferred.id}] ${readingIn(r.inferred, lang)}`);
  for (const f of r.flags ?? []) lines.push(`  flag:      ${f.code}: ${f.message}`);
  lines.push(`  from:      ${day(r.start.date)} ${r.start.name}`);
  if (r.covers) lines.push(`  covers:    ${r.covers.from} – ${r.covers.to}`);
  lines.push(`  rule:      ${r.rule}`);
  if (r.moved) lines.push(`  moved:     from ${r.moved.from}: ${r.moved.because}`);
  if (r.status) lines.push(`  status:    ${statusText(r.status)}`);
  lines.push(`  clause:    ${r.obligation.section} ${r.obligation.clause}`);
  if (r.obligation.reporterClause) lines.push(`             ${r.obligation.reporterClause}`);
  if (r.obligation.routeClause) lines.push(`  route:     ${r.obligation.routeClause}`);
  for (const [n, i] of r.interpretations.entries())
    lines.push(`  ${n === 0 ? 'readings: ' : '          '} [${i.id}] ${readingIn(i, lang)}`);
  if (r.calendars.length) lines.push(`  calendar:  ${r.calendars.map((c) => `${c.number} (${c.year})`).join(', ')}`);
  lines.push(`  rules:     ${r.ruleset.id} ${r.ruleset.hash}`);
  return `${lines.join('\n')}\n`;
}

export function renderCalendarText(c: ObligationCalendar, lang: Lang = defaultLang): string {
  const lines: string[] = [];
  const who = `${c.institution.name}${c.institution.branchOf ? `（${c.institution.branchOf}分支机构）` : ''}`;
  lines.push(`${who} · ${c.institution.kindName} (${c.institution.kind}) · due dates in ${c.year}`);
  for (const f of c.flags ?? []) lines.push(`  flag: ${f.code}: ${f.message}`);
  lines.push('');
  for (const d of c.dated) {
    const covers =
      d.covers.from.slice(0, 7) === d.covers.to.slice(0, 7)
        ? d.covers.from.slice(0, 7)
        : `${d.covers.from.slice(0, 7)}…${d.covers.to.slice(0, 7)}`;
    lines.push(
      `  ${day(d.due)}  ${d.obligation.id} (${covers})${d.atLeast ? ` at least ${d.atLeast} times` : ''}${to(d.recipient, d.alsoTo)}  ${d.obligation.section}${d.moved ? `  [moved from ${d.moved.from}]` : ''}${inferredMark(d.inferred)}`,
    );
  }
  if (!c.dated.length) lines.push('  (no dated deadline)');
  if (c.triggered.length) {
    lines.push('', 'Deadlines that run from an event:');
    for (const t of c.triggered)
      lines.push(
        `  ${t.obligation.id}: ${t.rule}${to(t.recipient, t.alsoTo)}  ${t.obligation.section}${inferredMark(t.inferred)}`,
      );
  }
  if (c.undated.length) {
    lines.push('', 'Obligations the text gives no day (once, daily, annual, quarterly, or when a condition is met):');
    for (const u of c.undated)
      lines.push(
        `  ${u.obligation.id} (${u.frequency})${to(u.recipient, u.alsoTo)}  ${u.obligation.section}${inferredMark(u.inferred)}`,
      );
  }
  if (c.interpretations.length) {
    lines.push('', 'Readings relied on:');
    for (const i of c.interpretations) lines.push(`  [${i.id}] ${readingIn(i, lang)}`);
  }
  if (c.calendars.length) lines.push('', `Calendar: ${c.calendars.map((k) => `${k.number} (${k.year})`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** renderReportDiagnostics: `file: report "id": /path: error code: message`, one per line. */
export function renderReportDiagnostics(diagnostics: ReportDiagnostic[]): string {
  return diagnostics
    .map(
      (d) =>
        `${d.source}: ${d.report ? `report "${d.report}": ` : ''}${d.path || '/'}: ${d.severity} ${d.code}: ${d.message}${d.allowed?.length && !d.message.includes('allowed') && !d.message.includes('must be one of') ? ` (allowed: ${d.allowed.join(', ')})` : ''}`,
    )
    .map((l) => `${l}\n`)
    .join('');
}

export function renderTimelinessText(rows: Timeliness[]): string {
  return rows
    .map(
      (r) =>
        `${r.period}  ${r.institution}（${r.region}）  due ${r.due}${r.moved ? '*' : ''}  ${statusText(r.status)}${r.report ? `  [${r.report}]` : ''}\n`,
    )
    .join('');
}
