// Obligations stage: the monthly security statistics reports of annex 2, top to bottom: each report
// against its schema, the set against the Rego rules (remarks, one report per month, corrections),
// then the effective reports summed institution → region → nation, and each reporter's months
// checked against their due dates.
import type { MonthlyReport, EventCounts } from '../../generated/types/obligations/monthly-report.js';
import type { DueStatus } from '../../generated/types/obligations/api.js';
import { compileSchema } from '../validation/ajv.js';
import { explainMessages } from '../diagnostics/explain.js';
import { msg } from '../diagnostics/message.js';
import { addMonths, dayOf, formatIsoDate, monthOf, parseIsoDate, today, type Day } from './dates.js';
import { ObligationError } from './errors.js';
import type { ReportProblem } from './policy.js';
import { computeDeadline } from './schedule.js';
import type { ObligationService } from './service.js';

export type { MonthlyReport, EventCounts };

export const monthlyObligation = 'monthly-security-report';

/** SourcedReport: one report as read, with where it came from (a file, and its place in it). */
export interface SourcedReport {
  source: string;
  value: unknown;
}

/** ReportDiagnostic: one problem of one report, at a JSON pointer inside it. */
export interface ReportDiagnostic {
  code: string;
  severity: 'error' | 'warning';
  source: string;
  /** The report's id, once it is known. */
  report?: string;
  path: string;
  message: string;
  allowed?: string[];
}

export interface ReportCheck {
  diagnostics: ReportDiagnostic[];
  /** The reports that match the schema, in the order given. */
  reports: { source: string; report: MonthlyReport }[];
  /** The reports that stand (no other report corrects them), when the set has no error. */
  effective: MonthlyReport[];
}

let validateReport: ReturnType<typeof compileSchema> | undefined;

/** checkReports validates every report and the set as a whole; `asOf` refuses months not yet over. */
export function checkReports(
  service: ObligationService,
  items: SourcedReport[],
  asOf?: Day,
  options: { series?: boolean } = {},
): ReportCheck {
  validateReport ??= compileSchema('obligations/monthly-report.schema.json');
  const diagnostics: ReportDiagnostic[] = [];
  const reports: ReportCheck['reports'] = [];
  for (const item of items) {
    const id =
      typeof (item.value as { id?: unknown } | null)?.id === 'string' ? (item.value as { id: string }).id : undefined;
    if (validateReport(item.value)) reports.push({ source: item.source, report: item.value as MonthlyReport });
    else
      for (const p of explainMessages(validateReport.errors, item.value))
        diagnostics.push({
          code: 'report-schema',
          severity: 'error',
          source: item.source,
          ...(id ? { report: id } : {}),
          path: p.path,
          message: p.message,
          ...(p.allowed ? { allowed: p.allowed } : {}),
        });
  }
  const compact = service.policy.check(
    reports.map((r) => r.report),
    asOf === undefined ? undefined : monthOf(asOf),
  );
  const names = new Map(service.set.doc.monthlyReport.eventTypes.map((t) => [t.key, t.name]));
  // Each report's problems together, in the order the reports were given.
  // A month missing from a reporter's series is an error of `report validate`; `report status` shows
  // the same month as missing instead, and one month's aggregate does not depend on the others.
  const series = options.series ?? true;
  const sorted = [...compact.problems.filter((p) => series || p.code !== 'month-missing')].sort(
    (a, b) => a.report - b.report || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
  for (const p of sorted) diagnostics.push(describe(p, reports, names));
  // unlisted-name-is-local-and-flagged: a reporter named without a kind, neither in annex 1, nor the
  // operator, nor plainly local, is read as local (day 6, the local branch); say so where it matters.
  const seen = new Set<string>();
  for (const { source, report: r } of reports) {
    if (r.reporterKind || seen.has(r.institution)) continue;
    seen.add(r.institution);
    const basis = service.policy.plan({ institution: { name: r.institution } }).basis;
    if (basis === 'unlisted' || basis === 'pboc-name')
      diagnostics.push({
        code: 'reporter-unlisted',
        severity: 'warning',
        source,
        report: r.id,
        path: '/institution',
        message: `"${r.institution}" is ${basis === 'pboc-name' ? 'the name of a PBOC office' : 'neither in annex 1, nor the operator, nor plainly local'}; it is read as a local institution (due on the 6th, to the local PBOC branch). Give reporterKind when it is another`,
        allowed: ['national', 'local', 'branch', 'operator', 'pboc-branch'],
      });
  }
  const failed = diagnostics.some((d) => d.severity === 'error');
  return { diagnostics, reports, effective: failed ? [] : compact.effective.map((i) => reports[i].report) };
}

function describe(p: ReportProblem, reports: ReportCheck['reports'], names: Map<string, string>): ReportDiagnostic {
  const { source, report: r } = reports[p.report];
  const ref = (i: number) => `report "${reports[i].report.id}" (${reports[i].source})`;
  const who = `${r.institution}（${r.region}）`;
  const base = { code: p.code, severity: p.severity, source, report: r.id };
  const t = p.eventType ?? '';
  switch (p.code) {
    case 'remarks-missing':
      return {
        ...base,
        path: `/remarks/${t}`,
        message: `counts ${r.counts[t as keyof EventCounts]} ${names.get(t)} (${t}) but no remark describes them; every count above 0 needs one (附件2 注2：在备注中描述违规事件的详细情况)`,
      };
    case 'remarks-without-events':
      return {
        ...base,
        path: `/remarks/${t}`,
        message: `describes ${names.get(t)} (${t}), but its count is 0; correct the count or remove the remark`,
      };
    case 'period-not-over':
      return {
        ...base,
        path: '/period',
        message: `reports ${r.period}, which is not over (as of ${p.asOfPeriod}); a month is reported after it ends (上月情况)`,
      };
    case 'duplicate-id':
      return {
        ...base,
        path: '/id',
        message: `id "${r.id}" is already the id of ${ref(p.first!)}; ids must be unique`,
      };
    case 'duplicate-month':
      return {
        ...base,
        path: '/period',
        message: `${who} already reported ${r.period} in ${ref(p.first!)}; a month is reported once, and a later report of it names the report it corrects (correctionOf)`,
      };
    case 'correction-unknown':
      return {
        ...base,
        path: '/correctionOf',
        message: `corrects "${p.target}", which is not among the reports given`,
      };
    case 'correction-of-itself':
      return { ...base, path: '/correctionOf', message: 'corrects itself; name the report this one replaces' };
    case 'correction-mismatch': {
      const t2 = reports[p.target as number].report;
      return {
        ...base,
        path: '/correctionOf',
        message: `corrects ${ref(p.target as number)}, the report of ${t2.institution}（${t2.region}）for ${t2.period}; a correction is of the same institution, region and month`,
      };
    }
    case 'correction-conflict':
      return {
        ...base,
        path: '/correctionOf',
        message: `corrects "${r.correctionOf}", which ${ref(p.first!)} already corrects; correct the latest report instead`,
      };
    case 'month-missing': {
      const m = p.target as number;
      const month = `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      return {
        ...base,
        path: '/period',
        message: `${who} has no report for ${month}, a month between its first and last report; every month is reported (按月定期), with zeros when nothing happened (零报告制度)`,
      };
    }
    case 'correction-without-original':
      return {
        ...base,
        path: '/correctionOf',
        message: `is a correction, but no original report of ${who} for ${r.period} is among the reports given`,
      };
  }
}

/** Aggregated: one month's effective reports, institution → region → nation (附件2 as a whole). */
export interface Aggregated {
  period: string;
  regions: { region: string; rows: MonthlyReport[]; total: EventCounts }[];
  /** The sum of the regions; national head offices' reports are not in it (head-office-reports-apart). */
  total: EventCounts;
  /** National head offices' reports, listed apart so that no event is counted twice. */
  headOffices: { rows: MonthlyReport[]; total: EventCounts };
}

/** aggregate sums the effective reports of one month; a set of several months needs `period`. */
export function aggregate(
  service: ObligationService,
  effective: MonthlyReport[],
  period?: string,
): { ok: true; result: Aggregated } | { ok: false; message: string } {
  const periods = [...new Set(effective.map((r) => r.period))].sort();
  const chosen = period ?? (periods.length === 1 ? periods[0] : undefined);
  if (chosen === undefined)
    return {
      ok: false,
      message: periods.length
        ? `the reports cover ${periods.join(', ')}; choose one month with --period`
        : 'there is no report to aggregate',
    };
  const rows = effective.filter((r) => r.period === chosen);
  const compact = service.policy.aggregate(rows);
  return {
    ok: true,
    result: {
      period: chosen,
      regions: compact.regions.map((g) => ({
        region: g.region,
        rows: g.rows.map((i) => rows[i]),
        total: g.total as unknown as EventCounts,
      })),
      total: compact.total as unknown as EventCounts,
      headOffices: {
        rows: compact.headOffices.rows.map((i) => rows[i]),
        total: compact.headOffices.total as unknown as EventCounts,
      },
    },
  };
}

/** Timeliness: one reporter's month against its due date. */
export interface Timeliness {
  institution: string;
  region: string;
  kind: string;
  period: string;
  due: string;
  moved: boolean;
  report?: string;
  /** The status; `received` when the report names no submission day. */
  status: DueStatus | { status: 'received' };
}

/**
 * timeliness checks, for every reporter among the reports, each month from `from` to `to` (YYYY-MM):
 * the first report of the month (a correction does not reset the clock) against the due date of 三（二）,
 * and a month without a report as missing once its due date has passed.
 */
export function timeliness(
  service: ObligationService,
  reports: MonthlyReport[],
  from: string,
  to: string,
  asOf: Day = today(),
): Timeliness[] {
  const start = parseIsoDate(`${from}-01`);
  const end = parseIsoDate(`${to}-01`);
  if (start === undefined || end === undefined || start > end)
    throw new ObligationError('BAD_DATE', msg('diag.obligations.badMonths', { from, to }), '/from');
  const reporters = new Map<string, MonthlyReport>();
  for (const r of reports)
    reporters.set(`${r.region}\u0000${r.institution}`, reporters.get(`${r.region}\u0000${r.institution}`) ?? r);
  const out: Timeliness[] = [];
  for (const [key, sample] of [...reporters].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const resolved = service.policy.resolve(
      monthlyObligation,
      sample.reporterKind ? { reporter: sample.reporterKind } : { institution: { name: sample.institution } },
    );
    if (!resolved.ok) continue;
    const rule = resolved.rule;
    for (let m = start; m <= end; m = addMonths(m, 1)) {
      const period = monthOf(m);
      const deadline = computeDeadline(rule, m, service.calendar, service.eventName(rule));
      const ofMonth = reports.filter((r) => `${r.region}\u0000${r.institution}` === key && r.period === period);
      const dated = ofMonth.filter((r) => r.submittedOn).sort((a, b) => (a.submittedOn! < b.submittedOn! ? -1 : 1));
      const first = dated[0] ?? ofMonth[0];
      const row: Timeliness = {
        institution: sample.institution,
        region: sample.region,
        kind: rule.kind,
        period,
        due: formatIsoDate(deadline.due),
        moved: deadline.moved !== undefined,
        ...(first ? { report: first.id } : {}),
        status: { status: 'received' },
      };
      if (!first) row.status = service.status(rule, deadline, undefined, asOf);
      else if (first.submittedOn) row.status = service.status(rule, deadline, parseIsoDate(first.submittedOn)!, asOf);
      out.push(row);
    }
  }
  return out;
}

/** monthsOfYear is the first and last month of a year, for `--year`. */
export function monthsOfYear(year: number): { from: string; to: string } {
  return { from: monthOf(dayOf(year, 1, 1)), to: monthOf(dayOf(year, 12, 1)) };
}
