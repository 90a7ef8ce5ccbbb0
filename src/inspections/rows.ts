// Inspections stage: the rows the annex 4 policy judges (each inspection's deadlines on the working-day
// calendar, each organizing unit's plan years and institutions) and the rows of the answer built from
// the policy's verdicts with the clauses of inspections.yaml.
import type { InspectionSpan, InspectionStage, InspectionsStatus } from '../../generated/types/inspections/status.js';
import type { WorkingCalendar } from '../obligations/calendar.js';
import { addMonths, civil, dayOf, formatIsoDate, parseIsoDate, type Day } from '../obligations/dates.js';
import type { InspectionPlan, InspectionRecord, LoadedPlan } from './plans.js';
import type { InspectionRulesFile } from './rules.js';

export type Point = { day: Day; wo?: number };

export interface CompactStage {
  status: InspectionStage['status'];
  due?: number;
  early?: InspectionSpan;
  late?: InspectionSpan;
  overdue?: InspectionSpan;
  left?: InspectionSpan;
}

/** Compact: the policy's verdicts, each naming the key of the row it judges. */
export interface Compact {
  inspections: {
    key: number;
    status: 'planned' | 'due' | 'overdue' | 'late' | 'complete';
    team: { ok: boolean; size: number; atLeast: number };
    stages: { report: CompactStage; rectification: CompactStage };
  }[];
  coverage: {
    key: number;
    status: 'covered' | 'due' | 'missing';
    due: number;
    left?: InspectionSpan;
    overdue?: InspectionSpan;
  }[];
  plans: { key: number; status: 'present' | 'missing' }[];
}

/** Entry: one inspection record with the plan it is in and where that plan came from. */
export interface Entry {
  plan: InspectionPlan;
  source: string;
  record: InspectionRecord;
}

export type PlanRow = { unit: string; region: string; year: number; source?: string };
export type CoverageRow = { region: string; institution: string; last?: Day; due: Day };

const day = (text: string | undefined) => (text === undefined ? undefined : parseIsoDate(text));

/**
 * deadlines: one inspection's input to the policy. 五（五）the report is due 10 working days after the
 * fieldwork; 六（二）the rectification 15 working days after the feedback (or, without its day, the
 * report: feedback-date-or-report-date). `meta` keeps the days the answer shows, and every day used.
 */
export function deadlines(
  r: InspectionRecord,
  key: number,
  doc: InspectionRulesFile,
  calendar: WorkingCalendar,
  point: (day: Day) => Point,
) {
  const end = day(r.fieldwork?.to);
  const reportDue = end !== undefined ? calendar.addWorkingDays(end, doc.report.count) : undefined;
  const reportDone = day(r.reportSubmitted);
  const clockStart = day(r.feedbackReceived) ?? reportDone;
  const rectDue = clockStart !== undefined ? calendar.addWorkingDays(clockStart, doc.rectification.count) : undefined;
  const rectDone = day(r.rectificationSubmitted);
  const days = [end, reportDue, reportDone, clockStart, rectDue, rectDone].filter((d) => d !== undefined);
  return {
    key,
    team: r.team.length,
    ...(r.fieldwork ? { fieldworkFrom: day(r.fieldwork.from) } : {}),
    report: {
      ...(reportDue !== undefined ? { due: point(reportDue) } : {}),
      ...(reportDone !== undefined ? { done: point(reportDone) } : {}),
    },
    rectificationOwed: r.noFindings !== true,
    rectification: {
      ...(rectDue !== undefined ? { due: point(rectDue) } : {}),
      ...(rectDone !== undefined ? { done: point(rectDone) } : {}),
    },
    meta: {
      end,
      reportDone,
      clockStart,
      rectDone,
      inferred: r.feedbackReceived === undefined && clockStart !== undefined,
      days,
    },
  };
}

/**
 * unitRows: 三 a plan for every year of each organizing unit from its first, and 全覆盖 each of its
 * institutions inspected within `coverageYears` of the last fieldwork (or of its first plan year).
 */
export function unitRows(
  plans: LoadedPlan[],
  entries: Entry[],
  asOf: Day,
  coverageYears: number,
): { planRows: PlanRow[]; coverageRows: CoverageRow[] } {
  const units = new Map<
    string,
    { unit: string; region: string; years: Map<number, string>; institutions: Set<string> }
  >();
  for (const { plan, source } of plans) {
    const key = `${plan.organizingUnit}\u0000${plan.region}`;
    const u = units.get(key) ?? {
      unit: plan.organizingUnit,
      region: plan.region,
      years: new Map(),
      institutions: new Set(),
    };
    u.years.set(plan.year, source);
    for (const name of plan.institutions) u.institutions.add(name);
    units.set(key, u);
  }
  const planRows: PlanRow[] = [];
  const coverageRows: CoverageRow[] = [];
  for (const u of units.values()) {
    const first = Math.min(...u.years.keys());
    for (let y = first; y <= Math.max(civil(asOf).year, ...u.years.keys()); y++)
      planRows.push({ unit: u.unit, region: u.region, year: y, source: u.years.get(y) });
    for (const institution of [...u.institutions].sort()) {
      const ends = entries
        .filter(
          (x) => x.plan.organizingUnit === u.unit && x.plan.region === u.region && x.record.institution === institution,
        )
        .map((x) => day(x.record.fieldwork?.to))
        .filter((e): e is Day => e !== undefined && e <= asOf);
      const last = ends.length ? Math.max(...ends) : undefined;
      coverageRows.push({
        region: u.region,
        institution,
        last,
        due: addMonths(last ?? dayOf(first, 1, 1), coverageYears * 12),
      });
    }
  }
  return { planRows, coverageRows };
}

/** coverageStatus: one institution's coverage row of the answer. */
export function coverageStatus(
  row: CoverageRow,
  c: Compact['coverage'][number],
  clause: string,
): InspectionsStatus['coverage'][number] {
  return {
    region: row.region,
    institution: row.institution,
    status: c.status,
    ...(row.last !== undefined ? { lastFieldwork: formatIsoDate(row.last) } : {}),
    due: formatIsoDate(row.due),
    ...(c.left ? { left: c.left } : {}),
    ...(c.overdue ? { overdue: c.overdue } : {}),
    clause,
  };
}

/** planStatus: one organizing unit's plan year of the answer. */
export function planStatus(
  row: PlanRow,
  c: Compact['plans'][number],
  clause: string,
): InspectionsStatus['plans'][number] {
  return {
    organizingUnit: row.unit,
    region: row.region,
    year: row.year,
    status: c.status,
    ...(row.source ? { source: row.source } : {}),
    clause,
  };
}

/** stage: one deadline of an inspection (report or rectification) as the answer shows it. */
export function stage(
  c: CompactStage,
  clause: string,
  from: Day | undefined,
  submitted: Day | undefined,
): InspectionStage {
  return {
    status: c.status,
    ...(c.due !== undefined ? { due: formatIsoDate(c.due) } : {}),
    ...(from !== undefined && c.status !== 'not-owed' ? { from: formatIsoDate(from) } : {}),
    ...(submitted !== undefined ? { submitted: formatIsoDate(submitted) } : {}),
    ...(c.early ? { early: c.early } : {}),
    ...(c.late ? { late: c.late } : {}),
    ...(c.overdue ? { overdue: c.overdue } : {}),
    ...(c.left ? { left: c.left } : {}),
    clause,
  };
}

/** summary: how many inspections are in each status, institutions uncovered and plan years missing. */
export function summary(status: Pick<InspectionsStatus, 'inspections' | 'coverage' | 'plans'>) {
  const count = (s: string) => status.inspections.filter((i) => i.status === s).length;
  return {
    complete: count('complete'),
    due: count('due'),
    overdue: count('overdue'),
    late: count('late'),
    planned: count('planned'),
    uncovered: status.coverage.filter((c) => c.status === 'missing').length,
    plansMissing: status.plans.filter((p) => p.status === 'missing').length,
  };
}
