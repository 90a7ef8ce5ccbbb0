// Inspections stage: the pipeline for annex 4, top to bottom: count each inspection's report and
// rectification deadlines and each institution's coverage day on the working-day calendar, ask the
// policy (policies/inspections) what is due, overdue, late, missing or complete, and join in the
// clauses and readings of inspections.yaml. The CLI and the HTTP route call only this.
import type { InspectionReadingRef, InspectionsStatus } from '../../generated/types/inspections/status.js';
import { inspectionsEntrypoint, wasmPath as defaultWasm } from '../artifacts/artifacts.js';
import { PolicyModule, type PolicyInstance } from '../engine/engine.js';
import { RulesError } from '../diagnostics/diagnostics.js';
import { hashFiles } from '../rules/hash.js';
import { WorkingCalendar } from '../obligations/calendar.js';
import { civil, formatIsoDate, parseIsoDate, type Day } from '../obligations/dates.js';
import { ObligationError } from '../obligations/errors.js';
import { basename } from 'node:path';
import { calendarsDir as defaultCalendars } from '../obligations/service.js';
import { type Explained, explained } from '../diagnostics/explain.js';
import { msg } from '../diagnostics/message.js';
import type { LoadedPlan } from './plans.js';
import {
  type Compact,
  coverageStatus,
  deadlines,
  type Entry,
  planStatus,
  type Point,
  stage,
  summary,
  unitRows,
} from './rows.js';
import { compileAnnex4Data, loadInspectionRules, type InspectionRules } from './rules.js';

export type { InspectionsStatus };

export const entrypoint = inspectionsEntrypoint;

export interface InspectionServiceOptions {
  /** The ruleset folder holding inspections.yaml (the server picks it by year through the registry). */
  rulesetDir: string;
  calendarsDir?: string;
  wasmPath?: string;
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

  static async load(options: InspectionServiceOptions): Promise<InspectionService> {
    const dir = options.rulesetDir;
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
  ): { ok: true; result: InspectionsStatus } | { ok: false; problems: Explained[] } {
    // Each problem keeps its English text and carries its catalogue key and values, for the CLI's reader.
    const asOf = parseIsoDate(asOfText);
    if (asOf === undefined)
      return { ok: false, problems: [explained('/asOf', msg('diag.obligations.notDay', { text: asOfText }))] };
    try {
      return { ok: true, result: this.judge(plans, asOf) };
    } catch (err) {
      if (err instanceof ObligationError) return { ok: false, problems: [explained('/asOf', err.said)] };
      throw err;
    }
  }

  private judge(plans: LoadedPlan[], asOf: Day): InspectionsStatus {
    const { doc } = this.rules;
    // Working-day ordinals count from the first year any date needs, so one origin serves every comparison.
    const origin = Math.min(civil(asOf).year, ...plans.map((p) => p.plan.year));
    const point = (day: Day): Point => ({ day, wo: this.calendar.ordinal(day, origin) });
    const entries: Entry[] = plans.flatMap(({ plan, source }) =>
      plan.inspections.map((record) => ({ plan, source, record })),
    );
    const inputs = entries.map(({ record }, key) => deadlines(record, key, doc, this.calendar, point));
    const { planRows, coverageRows } = unitRows(plans, entries, asOf, doc.coverage.years);

    const compact = this.policy.evaluate(
      {
        asOf: point(asOf),
        inspections: inputs.map(({ meta: _, ...i }) => i),
        coverage: coverageRows.map((c, key) => ({ key, inspected: c.last !== undefined, due: { day: c.due } })),
        plans: planRows.map((p, key) => ({ key, present: p.source !== undefined })),
      },
      entrypoint,
    ) as Compact;

    const rows = {
      plans: compact.plans.map((c) => planStatus(planRows[c.key], c, doc.plan.clause)),
      inspections: compact.inspections.map((c) => this.inspectionStatus(entries[c.key], inputs[c.key].meta, c)),
      coverage: compact.coverage.map((c) => coverageStatus(coverageRows[c.key], c, doc.coverage.clause)),
    };
    let [from, to] = [asOf, asOf];
    for (const { meta } of inputs) for (const day of meta.days) [from, to] = [Math.min(from, day), Math.max(to, day)];
    return {
      ruleset: { id: this.id, hash: this.hash },
      asOf: formatIsoDate(asOf),
      summary: summary(rows),
      ...rows,
      interpretations: this.readings(entries, inputs).map((id) => this.reading(id)),
      calendars: this.calendarsUsed(from, to),
    };
  }

  /** inspectionStatus: one inspection of the answer, its verdict joined with its clauses and readings. */
  private inspectionStatus(
    { plan, source, record: r }: Entry,
    meta: ReturnType<typeof deadlines>['meta'],
    c: Compact['inspections'][number],
  ): InspectionsStatus['inspections'][number] {
    const { doc } = this.rules;
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
  }

  /** readings: the interpretations the answer used, once each. */
  private readings(entries: Entry[], inputs: ReturnType<typeof deadlines>[]): string[] {
    const { doc } = this.rules;
    const readings = [...doc.plan.interpretations, ...doc.team.interpretations, ...doc.coverage.interpretations];
    if (entries.some((r) => r.record.fieldwork)) readings.push(...doc.report.interpretations);
    if (inputs.some((i) => i.meta.clockStart !== undefined)) readings.push(...doc.rectification.interpretations);
    return [...new Set(readings)];
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
