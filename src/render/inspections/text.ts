// Report stage: the readable answer of `inspections status`: each plan year, inspection and
// institution of annex 4 with its status and its clause, the readings relied on and the calendars.
import { defaultLang, type Lang } from '../../diagnostics/i18n.js';
import { readingIn } from '../rating/text.js';
import type {
  InspectionSpan,
  InspectionStage,
  InspectionsStatus,
} from '../../../generated/types/inspections/status.js';

function span(s: InspectionSpan): string {
  const days = `${s.days} day${s.days === 1 ? '' : 's'}`;
  return s.workingDays === undefined ? days : `${s.workingDays} working day${s.workingDays === 1 ? '' : 's'} (${days})`;
}

/** stageText: "overdue by 25 working days (35 days), due 2025-10-16". */
export function stageText(s: InspectionStage): string {
  switch (s.status) {
    case 'waiting':
      return 'waiting (its clock has not started)';
    case 'not-owed':
      return 'not owed (the feedback raised no problem)';
    case 'on-time':
      return `on time, sent ${s.submitted} (due ${s.due})`;
    case 'late':
      return `late by ${span(s.late!)}, sent ${s.submitted} (due ${s.due})`;
    case 'overdue':
      return `overdue by ${span(s.overdue!)} (due ${s.due})`;
    case 'due':
      return `due ${s.due}, ${span(s.left!)} left`;
  }
}

export function renderInspectionsText(r: InspectionsStatus, lang: Lang = defaultLang): string {
  const lines: string[] = [];
  const s = r.summary;
  lines.push(`Inspections (附件4) as of ${r.asOf}`);
  lines.push(
    `  ${s.complete} complete, ${s.due} due, ${s.overdue} overdue, ${s.late} late, ${s.planned} planned; ${s.uncovered} institution(s) past their coverage day; ${s.plansMissing} plan year(s) missing`,
  );
  lines.push('', 'Plans (年度巡查工作计划):');
  for (const p of r.plans)
    lines.push(`  ${p.year}  ${p.organizingUnit}（${p.region}）  ${p.status}${p.source ? `  [${p.source}]` : ''}`);
  lines.push('', 'Inspections:');
  for (const i of r.inspections) {
    lines.push(`  ${i.status.toUpperCase().padEnd(8)} ${i.id}  ${i.institution}（${i.region}）  [${i.source}]`);
    if (i.fieldwork) lines.push(`           fieldwork ${i.fieldwork.from} – ${i.fieldwork.to}`);
    else if (i.planned) lines.push(`           planned for ${i.planned}`);
    lines.push(`           team of ${i.team.size}: ${i.team.ok ? 'ok' : `too small (at least ${i.team.atLeast})`}`);
    lines.push(`           report: ${stageText(i.report)}`);
    const rect = i.rectification;
    lines.push(
      `           rectification → ${(rect.recipients ?? []).join('、')}: ${stageText(rect)}${rect.inferred ? `  [inferred: ${rect.inferred.id}]` : ''}`,
    );
  }
  lines.push('', 'Coverage (两年内…全覆盖):');
  for (const c of r.coverage) {
    const when =
      c.status === 'missing'
        ? `missing: ${span(c.overdue!)} past ${c.due}`
        : `${c.status} until ${c.due} (${span(c.left!)} left)`;
    lines.push(
      `  ${c.institution}（${c.region}）  ${when}${c.lastFieldwork ? `  last fieldwork ended ${c.lastFieldwork}` : '  never inspected'}`,
    );
  }
  const first = r.inspections[0];
  lines.push('', 'Clauses:');
  lines.push(`  plan:          ${r.plans[0]?.clause ?? ''}`);
  if (first) {
    lines.push(`  team:          ${first.team.clause}`);
    lines.push(`  report:        ${first.report.clause}`);
    lines.push(`  rectification: ${first.rectification.clause}`);
  }
  if (r.coverage[0]) lines.push(`  coverage:      ${r.coverage[0].clause}`);
  if (r.interpretations.length) {
    lines.push('', 'Readings relied on:');
    for (const i of r.interpretations) lines.push(`  [${i.id}] ${readingIn(i, lang)}`);
  }
  if (r.calendars.length) lines.push('', `Calendar: ${r.calendars.map((k) => `${k.number} (${k.year})`).join(', ')}`);
  lines.push(`Rules: ${r.ruleset.id} ${r.ruleset.hash}`);
  return `${lines.join('\n')}\n`;
}
