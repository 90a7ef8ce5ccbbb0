// Inspections stage: the pipeline for annex 4, top to bottom: count each inspection's report and
// rectification deadlines and each institution's coverage day on the working-day calendar, ask the
// policy (policies/inspections) what is due, overdue, late, missing or complete, and join in the
// clauses and readings of inspections.yaml. The CLI and the HTTP route call only this.
import type {
  InspectionReadingRef,
  InspectionSpan,
  InspectionStage,
  InspectionsStatus,
} from '../../generated/types/inspections/status.js';
import { inspectionsEntrypoint, wasmPath as defaultWasm } from '../artifacts/artifacts.js';
import { PolicyModule, type PolicyInstance } from '../engine/engine.js';
import { RulesError } from '../diagnostics/diagnostics.js';
import { hashFiles } from '../rules/hash.js';
import { WorkingCalendar } from '../obligations/calendar.js';
import { addMonths, civil, dayOf, formatIsoDate, parseIsoDate, type Day } from '../obligations/dates.js';
import { ObligationError } from '../obligations/errors.js';
import { basename } from 'node:path';
import { calendarsDir as defaultCalendars, defaultRulesetDir } from '../obligations/service.js';
import type { Problem } from '../validation/explain.js';
import type { LoadedPlan } from './plans.js';
import { compileAnnex4Data, loadInspectionRules, type InspectionRules } from './rules.js';

export type { InspectionsStatus };

export const entrypoint = inspectionsEntrypoint;

export interface InspectionServiceOptions {
  rulesetDir?: string;
  calendarsDir?: string;
  wasmPath?: string;
}

type Point = { day: Day; wo?: number };
interface CompactStage {
  status: InspectionStage['status'];
  due?: number;
  early?: InspectionSpan;
  late?: InspectionSpan;
  overdue?: InspectionSpan;
  left?: InspectionSpan;
}
interface Compact {
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

/** InspectionService holds the annex 4 rules, the calendar and the policy, loaded once. */
export class InspectionService {
  private constructor(
    readonly id: string,
    readonly rules: InspectionRules,
    readonly calendar: WorkingCalendar,
    private readonly policy: PolicyInstance,
    readonly hash: string,
  ) {}

  static async load(options: InspectionServiceOptions = {}): Promise<InspectionService> {
    const dir = options.rulesetDir ?? defaultRulesetDir;
    const rules = await loadInspectionRules(dir);
    const { calendar, diagnostics, texts } = await WorkingCalendar.inspect(options.calendarsDir ?? defaultCalendars);
    if (!calendar) throw new RulesError(diagnostics);
    const module = await PolicyModule.fromFile(options.wasmPath ?? defaultWasm);
    const policy = await module.instantiate(compileAnnex4Data(rules));
    const hash = hashFiles([{ name: 'inspections.yaml', content: rules.text }, ...texts]);
    return new InspectionService(basename(dir), rules, calendar, policy, hash);
  }

  /** status judges every plan year, inspection and institution of the plans as of a day. */
  status(
    plans: LoadedPlan[],
    asOfText: string,
  ): { ok: true; result: InspectionsStatus } | { ok: false; problems: Problem[] } {
    const asOf = parseIsoDate(asOfText);
    if (asOf === undefined)
      return {
        ok: false,
        problems: [{ path: '/asOf', message: `"${asOfText}" is not a date that exists (YYYY-MM-DD)` }],
      };
    try {
      return { ok: true, result: this.judge(plans, asOf) };
    } catch (err) {
      if (err instanceof ObligationError) return { ok: false, problems: [{ path: '/asOf', message: err.message }] };
      throw err;
    }
  }

  private judge(plans: LoadedPlan[], asOf: Day): InspectionsStatus {
    const { doc } = this.rules;
    const d = (text: string | undefined) => (text === undefined ? undefined : parseIsoDate(text));
    // Working-day ordinals count from the first year any date needs, so one origin serves every comparison.
    const origin = Math.min(civil(asOf).year, ...plans.map((p) => p.plan.year));
    const point = (day: Day): Point => ({ day, wo: this.calendar.ordinal(day, origin) });
    let usedCalendar = { from: asOf, to: asOf };
    const touch = (day: Day) => {
      usedCalendar = { from: Math.min(usedCalendar.from, day), to: Math.max(usedCalendar.to, day) };
    };

    // Inspections: 五（五）the report 10 working days after the fieldwork; 六（二）the rectification 15
    // working days after the feedback (or, without its day, the report: feedback-date-or-report-date).
    const records = plans.flatMap(({ plan, source }) => plan.inspections.map((record) => ({ plan, source, record })));
    const inputs = records.map(({ record: r }, key) => {
      const end = d(r.fieldwork?.to);
      const reportDue = end !== undefined ? this.calendar.addWorkingDays(end, doc.report.count) : undefined;
      const reportDone = d(r.reportSubmitted);
      const clockStart = d(r.feedbackReceived) ?? reportDone;
      const rectDue =
        clockStart !== undefined ? this.calendar.addWorkingDays(clockStart, doc.rectification.count) : undefined;
      const rectDone = d(r.rectificationSubmitted);
      for (const day of [end, reportDue, reportDone, clockStart, rectDue, rectDone]) if (day !== undefined) touch(day);
      return {
        key,
        team: r.team.length,
        ...(r.fieldwork ? { fieldworkFrom: d(r.fieldwork.from) } : {}),
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
        },
      };
    });

    // Units: 三 a plan for every year from the first, and 全覆盖 within two years of each institution.
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
    const planRows: { unit: string; region: string; year: number; source?: string }[] = [];
    const coverageRows: { region: string; institution: string; last?: Day; due: Day }[] = [];
    for (const u of units.values()) {
      const first = Math.min(...u.years.keys());
      for (let y = first; y <= Math.max(civil(asOf).year, ...u.years.keys()); y++)
        planRows.push({ unit: u.unit, region: u.region, year: y, source: u.years.get(y) });
      for (const institution of [...u.institutions].sort()) {
        const ends = records
          .filter(
            (x) =>
              x.plan.organizingUnit === u.unit && x.plan.region === u.region && x.record.institution === institution,
          )
          .map((x) => d(x.record.fieldwork?.to))
          .filter((e): e is Day => e !== undefined && e <= asOf);
        const last = ends.length ? Math.max(...ends) : undefined;
        const months = doc.coverage.years * 12;
        coverageRows.push({ region: u.region, institution, last, due: addMonths(last ?? dayOf(first, 1, 1), months) });
      }
    }

    const compact = this.policy.evaluate(
      {
        asOf: point(asOf),
        inspections: inputs.map(({ meta: _, ...i }) => i),
        coverage: coverageRows.map((c, key) => ({ key, inspected: c.last !== undefined, due: { day: c.due } })),
        plans: planRows.map((p, key) => ({ key, present: p.source !== undefined })),
      },
      entrypoint,
    ) as Compact;

    const readings: string[] = [
      ...doc.plan.interpretations,
      ...doc.team.interpretations,
      ...doc.coverage.interpretations,
    ];
    if (records.some((r) => r.record.fieldwork)) readings.push(...doc.report.interpretations);
    if (inputs.some((i) => i.meta.clockStart !== undefined)) readings.push(...doc.rectification.interpretations);
    const inspections: InspectionsStatus['inspections'] = compact.inspections.map((c) => {
      const { plan, source, record: r } = records[c.key];
      const meta = inputs[c.key].meta;
      return {
        id: r.id,
        source,
        organizingUnit: plan.organizingUnit,
        region: plan.region,
        year: plan.year,
        institution: r.institution,
        status: c.status,
        ...(r.planned ? { planned: r.planned } : {}),
        ...(r.fieldwork ? { fieldwork: r.fieldwork } : {}),
        team: { ...c.team, clause: doc.team.clause },
        report: stage(c.stages.report, doc.report.clause, meta.end, meta.reportDone),
        rectification: {
          ...stage(c.stages.rectification, doc.rectification.clause, meta.clockStart, meta.rectDone),
          recipients: doc.rectification.recipients,
          ...(meta.inferred ? { inferred: this.reading('feedback-date-or-report-date') } : {}),
        },
      };
    });
    const coverage: InspectionsStatus['coverage'] = compact.coverage.map((c) => {
      const row = coverageRows[c.key];
      return {
        region: row.region,
        institution: row.institution,
        status: c.status,
        ...(row.last !== undefined ? { lastFieldwork: formatIsoDate(row.last) } : {}),
        due: formatIsoDate(row.due),
        ...(c.left ? { left: c.left } : {}),
        ...(c.overdue ? { overdue: c.overdue } : {}),
        clause: doc.coverage.clause,
      };
    });
    const planStatus: InspectionsStatus['plans'] = compact.plans.map((c) => {
      const row = planRows[c.key];
      return {
        organizingUnit: row.unit,
        region: row.region,
        year: row.year,
        status: c.status,
        ...(row.source ? { source: row.source } : {}),
        clause: doc.plan.clause,
      };
    });
    const count = (s: string) => inspections.filter((i) => i.status === s).length;
    return {
      ruleset: { id: this.id, hash: this.hash },
      asOf: formatIsoDate(asOf),
      summary: {
        complete: count('complete'),
        due: count('due'),
        overdue: count('overdue'),
        late: count('late'),
        planned: count('planned'),
        uncovered: coverage.filter((c) => c.status === 'missing').length,
        plansMissing: planStatus.filter((p) => p.status === 'missing').length,
      },
      plans: planStatus,
      inspections,
      coverage,
      interpretations: [...new Set(readings)].map((id) => this.reading(id)),
      calendars: this.calendarsUsed(usedCalendar.from, usedCalendar.to),
    };
  }

  private reading(id: string): InspectionReadingRef {
    const i = this.rules.interpretations.get(id)!;
    return { id: i.id, about: i.about, readingZh: i.readingZh, reading: i.reading };
  }

  private calendarsUsed(from: Day, to: Day): InspectionsStatus['calendars'] {
    const out: InspectionsStatus['calendars'] = [];
    for (let y = civil(from).year; y <= civil(to).year; y++) {
      const n = this.calendar.notice(y);
      out.push({ year: y, number: n.number, title: n.title });
    }
    return out;
  }
}

function stage(c: CompactStage, clause: string, from: Day | undefined, submitted: Day | undefined): InspectionStage {
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
