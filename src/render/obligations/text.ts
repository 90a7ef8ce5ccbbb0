// Render stage: the readable answers of `due`, `calendar` and `report validate|status`, with the
// clauses in the notice's own wording.
import { defaultLang, displayWidth, type Lang, padDisplay, renderMessage, translator } from '../../diagnostics/i18n.js';
import type { MessageParam } from '../../diagnostics/message.js';
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

function inferredMark(inferred: InferredRef | undefined, lang: Lang): string {
  return inferred ? translator(lang)('cli.calendar.inferred', { id: inferred.id }) : '';
}

/**
 * inLang: a text of the answer in the reader's language, from its catalogue key and values; the English
 * text as it is when the answer carries no key (one written before the keys were added).
 */
function inLang(text: string, id: string | undefined, params: { [k: string]: unknown } | undefined, lang: Lang) {
  return id ? renderMessage({ key: id, params: params as Record<string, MessageParam> | undefined }, lang) : text;
}

function day(date: string): string {
  return `${date}（${weekdayName(parseIsoDate(date)!)}）`;
}

function span(s: Span, lang: Lang = 'en'): string {
  const t = translator(lang);
  const days = t('cli.due.days', { count: s.days });
  return s.workingDays === undefined ? days : t('cli.due.workingDays', { count: s.workingDays, days });
}

/** statusText: "late by 4 working days (6 days), submitted 2024-11-12", in the language asked for. */
export function statusText(s: DueStatus | { status: 'received' }, lang: Lang = 'en'): string {
  const t = translator(lang);
  switch (s.status) {
    case 'on-time': {
      const early = s.early && s.early.days > 0 ? t('cli.due.early', { span: span(s.early, lang) }) : '';
      return t('cli.due.status.onTime', { submitted: (s as DueStatus).submitted, early });
    }
    case 'late':
      return t('cli.due.status.late', { span: span(s.late!, lang), submitted: s.submitted });
    case 'out-of-time':
      return t('cli.due.status.outOfTime', { span: span(s.late!, lang), submitted: s.submitted });
    case 'missing':
      return t('cli.due.status.missing', { span: span(s.overdue!, lang), asOf: s.asOf });
    case 'lapsed':
      return t('cli.due.status.lapsed', { asOf: s.asOf });
    case 'pending':
      return t('cli.due.status.pending', { span: span(s.left!, lang), asOf: s.asOf });
    case 'received':
      return t('cli.due.status.received');
  }
}

/** renderDueText: one deadline with its rule, clause and readings (Chinese by default, --lang en). */
export function renderDueText(r: DueResult, lang: Lang = defaultLang): string {
  const t = translator(lang);
  // Labels are padded to one width, by display columns, so the values line up in either language.
  const keys = [
    'who',
    'inferred',
    'flag',
    'from',
    'covers',
    'rule',
    'moved',
    'status',
    'clause',
    'route',
    'readings',
    'calendar',
    'rules',
  ];
  const width = Math.max(...keys.map((k) => displayWidth(t(`cli.due.label.${k}`)))) + 2;
  const label = (k: string) => `  ${padDisplay(t(`cli.due.label.${k}`), width)}`;
  const blank = `  ${' '.repeat(width)}`;
  const lines: string[] = [];
  // The title in Chinese where obligations.yaml gives one (titleZh), else its English.
  const title = lang === 'zh' ? (r.obligation.titleZh ?? r.obligation.title) : r.obligation.title;
  lines.push(t('cli.due.heading', { due: day(r.due), id: r.obligation.id, title }));
  lines.push(`${label('who')}${r.reporter.name}${to(r.recipient, r.alsoTo)}`);
  if (r.inferred)
    lines.push(`${label('inferred')}${t('cli.due.inferred')}[${r.inferred.id}] ${readingIn(r.inferred, lang)}`);
  for (const f of r.flags ?? [])
    lines.push(`${label('flag')}${f.code}: ${inLang(f.message, f.messageId, f.params, lang)}`);
  lines.push(`${label('from')}${day(r.start.date)} ${r.start.name}`);
  if (r.covers) lines.push(`${label('covers')}${r.covers.from} – ${r.covers.to}`);
  lines.push(`${label('rule')}${inLang(r.rule, r.ruleId, r.ruleParams, lang)}`);
  if (r.moved) {
    const because = inLang(r.moved.because, r.moved.becauseId, r.moved.params, lang);
    lines.push(`${label('moved')}${t('cli.due.movedFrom', { from: r.moved.from, because })}`);
  }
  if (r.status) lines.push(`${label('status')}${statusText(r.status, lang)}`);
  lines.push(`${label('clause')}${r.obligation.section} ${r.obligation.clause}`);
  if (r.obligation.reporterClause) lines.push(`${blank}${r.obligation.reporterClause}`);
  if (r.obligation.routeClause) lines.push(`${label('route')}${r.obligation.routeClause}`);
  for (const [n, i] of r.interpretations.entries())
    lines.push(`${n === 0 ? label('readings') : blank}[${i.id}] ${readingIn(i, lang)}`);
  if (r.calendars.length)
    lines.push(`${label('calendar')}${r.calendars.map((c) => `${c.number} (${c.year})`).join(', ')}`);
  lines.push(`${label('rules')}${r.ruleset.id} ${r.ruleset.hash}`);
  return `${lines.join('\n')}\n`;
}

/** renderCalendarText: an institution's due dates of a year, then its other deadlines (Chinese by default, --lang en). */
export function renderCalendarText(c: ObligationCalendar, lang: Lang = defaultLang): string {
  const t = translator(lang);
  const mark = (i?: InferredRef) => inferredMark(i, lang);
  const lines: string[] = [];
  const who = `${c.institution.name}${c.institution.branchOf ? `（${c.institution.branchOf}分支机构）` : ''}`;
  lines.push(
    t('cli.calendar.heading', { who, kindName: c.institution.kindName, kind: c.institution.kind, year: c.year }),
  );
  for (const f of c.flags ?? [])
    lines.push(t('cli.calendar.flag', { code: f.code, message: inLang(f.message, f.messageId, f.params, lang) }));
  lines.push('');
  for (const d of c.dated) {
    const covers =
      d.covers.from.slice(0, 7) === d.covers.to.slice(0, 7)
        ? d.covers.from.slice(0, 7)
        : `${d.covers.from.slice(0, 7)}…${d.covers.to.slice(0, 7)}`;
    lines.push(
      `  ${day(d.due)}  ${d.obligation.id} (${covers})${d.atLeast ? t('cli.calendar.atLeast', { n: d.atLeast }) : ''}${to(d.recipient, d.alsoTo)}  ${d.obligation.section}${d.moved ? t('cli.calendar.moved', { from: d.moved.from }) : ''}${mark(d.inferred)}`,
    );
  }
  if (!c.dated.length) lines.push(t('cli.calendar.noDated'));
  if (c.triggered.length) {
    lines.push('', t('cli.calendar.triggered'));
    for (const e of c.triggered)
      lines.push(
        `  ${e.obligation.id}: ${inLang(e.rule, e.ruleId, e.ruleParams, lang)}${to(e.recipient, e.alsoTo)}  ${e.obligation.section}${mark(e.inferred)}`,
      );
  }
  if (c.undated.length) {
    lines.push('', t('cli.calendar.undated'));
    for (const u of c.undated)
      lines.push(
        `  ${u.obligation.id} (${u.frequency})${to(u.recipient, u.alsoTo)}  ${u.obligation.section}${mark(u.inferred)}`,
      );
  }
  if (c.interpretations.length) {
    lines.push('', t('cli.calendar.readings'));
    for (const i of c.interpretations) lines.push(`  [${i.id}] ${readingIn(i, lang)}`);
  }
  if (c.calendars.length)
    lines.push('', t('cli.calendar.calendars', { list: c.calendars.map((k) => `${k.number} (${k.year})`).join(', ') }));
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

export function renderTimelinessText(rows: Timeliness[], lang: Lang = 'en'): string {
  const due = translator(lang)('cli.report.due');
  return rows
    .map(
      (r) =>
        `${r.period}  ${r.institution}（${r.region}）  ${due} ${r.due}${r.moved ? '*' : ''}  ${statusText(r.status, lang)}${r.report ? `  [${r.report}]` : ''}\n`,
    )
    .join('');
}
