// Report stage: the readable answer of `inspections status`: each plan year, inspection and
// institution of annex 4 with its status and its clause, the readings relied on and the calendars
// (Chinese by default, English with --lang en; the clauses are quoted from the source, so they stay Chinese).
import { defaultLang, displayWidth, type Lang, padDisplay, translator } from '../../diagnostics/i18n.js';
import { readingIn } from '../rating/text.js';
import type {
  InspectionSpan,
  InspectionStage,
  InspectionsStatus,
} from '../../../generated/types/inspections/status.js';

/** span: "25 working days (35 days)", in the language asked for (the wording of `due`). */
function span(s: InspectionSpan, lang: Lang): string {
  const t = translator(lang);
  const days = t('cli.due.days', { count: s.days });
  return s.workingDays === undefined ? days : t('cli.due.workingDays', { count: s.workingDays, days });
}

/** stageText: "overdue by 25 working days (35 days) (due 2025-10-16)", in the language asked for. */
export function stageText(s: InspectionStage, lang: Lang = defaultLang): string {
  const t = translator(lang);
  const left = s.status === 'late' ? s.late : s.status === 'overdue' ? s.overdue : s.left;
  return t(`cli.inspections.stage.${s.status}`, {
    submitted: s.submitted,
    due: s.due,
    span: left ? span(left, lang) : '',
  });
}

export function renderInspectionsText(r: InspectionsStatus, lang: Lang = defaultLang): string {
  const t = translator(lang);
  const lines: string[] = [];
  const indent = ' '.repeat(11);
  lines.push(t('cli.inspections.heading', { asOf: r.asOf }));
  lines.push(`  ${t('cli.inspections.summary', r.summary)}`);
  lines.push('', t('cli.inspections.plans'));
  for (const p of r.plans)
    lines.push(
      `  ${p.year}  ${p.organizingUnit}（${p.region}）  ${t(`cli.inspections.planStatus.${p.status}`)}${p.source ? `  [${p.source}]` : ''}`,
    );
  lines.push('', t('cli.inspections.inspections'));
  for (const i of r.inspections) {
    const status = padDisplay(t(`cli.inspections.status.${i.status}`), 8);
    lines.push(`  ${status} ${i.id}  ${i.institution}（${i.region}）  [${i.source}]`);
    if (i.fieldwork) lines.push(`${indent}${t('cli.inspections.fieldwork', i.fieldwork)}`);
    else if (i.planned) lines.push(`${indent}${t('cli.inspections.plannedFor', { planned: i.planned })}`);
    lines.push(`${indent}${t(i.team.ok ? 'cli.inspections.teamOk' : 'cli.inspections.teamSmall', i.team)}`);
    lines.push(`${indent}${t('cli.inspections.report', { stage: stageText(i.report, lang) })}`);
    const rect = i.rectification;
    const inferred = rect.inferred ? t('cli.calendar.inferred', { id: rect.inferred.id }) : '';
    const to = (rect.recipients ?? []).join('、');
    lines.push(`${indent}${t('cli.inspections.rectification', { to, stage: stageText(rect, lang), inferred })}`);
  }
  lines.push('', t('cli.inspections.coverageHeading'));
  for (const c of r.coverage) {
    const left = c.status === 'missing' ? c.overdue : c.left;
    const when = t(`cli.inspections.coverage.${c.status}`, { due: c.due, span: left ? span(left, lang) : '' });
    const last = c.lastFieldwork
      ? t('cli.inspections.lastFieldwork', { date: c.lastFieldwork })
      : t('cli.inspections.neverInspected');
    lines.push(`  ${c.institution}（${c.region}）  ${when}${last}`);
  }
  // Labels padded to one width, by display columns, so the clauses line up in either language.
  const parts = ['plan', 'team', 'report', 'rectification', 'coverage'] as const;
  const width = Math.max(...parts.map((k) => displayWidth(t(`cli.inspections.clause.${k}`)))) + 1;
  const clause = (k: (typeof parts)[number], text: string) =>
    `  ${padDisplay(t(`cli.inspections.clause.${k}`), width)}${text}`;
  const first = r.inspections[0];
  lines.push('', t('cli.inspections.clauses'));
  lines.push(clause('plan', r.plans[0]?.clause ?? ''));
  if (first) {
    lines.push(clause('team', first.team.clause));
    lines.push(clause('report', first.report.clause));
    lines.push(clause('rectification', first.rectification.clause));
  }
  if (r.coverage[0]) lines.push(clause('coverage', r.coverage[0].clause));
  if (r.interpretations.length) {
    lines.push('', t('cli.inspections.readings'));
    for (const i of r.interpretations) lines.push(`  [${i.id}] ${readingIn(i, lang)}`);
  }
  if (r.calendars.length)
    lines.push(
      '',
      t('cli.inspections.calendar', { list: r.calendars.map((k) => `${k.number} (${k.year})`).join(', ') }),
    );
  lines.push(t('cli.inspections.rules', { id: r.ruleset.id, hash: r.ruleset.hash }));
  return `${lines.join('\n')}\n`;
}
