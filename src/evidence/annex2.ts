// Evidence stage: the incidents table (风险事件) drafted into the monthly 征信信息安全情况统计表 of
// annex 2, one report per month of the year, months without events as zero reports (零报告). The
// drafts are ordinary monthly reports: the existing report validation and rendering take them as they are.
import { msg } from '../diagnostics/message.js';
import type { MonthlyReport } from '../../generated/types/obligations/monthly-report.js';
import { Collector, problem } from './errors.js';
import { locateTables } from './files.js';
import { readRows } from './read.js';
import type { TableName, TableSpec } from './tables.js';

export interface DraftOptions {
  dir: string;
  institution: string;
  region: string;
  year: number;
  signatories: MonthlyReport['signatories'];
  specs: Map<TableName, TableSpec>;
  label?: (file: string) => string;
}

const types = ['abnormalQueries', 'unauthorizedQueries', 'illegalProvisions', 'misuses', 'creditReportLeaks'] as const;

/** draftMonthlyReports gives the twelve monthly reports of the year from the incidents table. */
export async function draftMonthlyReports(o: DraftOptions): Promise<MonthlyReport[]> {
  const errors = new Collector();
  const files = await locateTables(o.dir, o.specs, errors);
  errors.throwIfAny();
  const file = files.get('incidents');
  if (!file) errors.add(problem('EVID012', o.dir, msg('diag.evidence.noIncidents')));
  errors.throwIfAny();
  const months = Array.from({ length: 12 }, () => ({
    counts: { abnormalQueries: 0, unauthorizedQueries: 0, illegalProvisions: 0, misuses: 0, creditReportLeaks: 0 },
    remarks: new Map<string, string[]>(),
  }));
  const label = o.label ?? ((f: string) => f);
  for await (const chunk of readRows(
    file as string,
    label(file as string),
    o.specs.get('incidents') as TableSpec,
    errors,
  ))
    for (const r of chunk) {
      const date = r.values.date as string;
      if (Number(date.slice(0, 4)) !== o.year) continue;
      const month = months[Number(date.slice(5, 7)) - 1];
      const type = r.values.type as (typeof types)[number];
      month.counts[type]++;
      const text = `${date} ${r.key}${r.values.description ? ` ${r.values.description}` : ''}`;
      (month.remarks.get(type) ?? month.remarks.set(type, []).get(type) ?? []).push(text);
    }
  errors.throwIfAny();
  return months.map((m, n) => {
    const period = `${o.year}-${String(n + 1).padStart(2, '0')}`;
    const remarks = Object.fromEntries([...m.remarks].map(([t, xs]) => [t, xs.join('；').slice(0, 4000)]));
    return {
      id: `${o.institution}-${period}-draft`,
      period,
      region: o.region,
      institution: o.institution,
      counts: m.counts,
      ...(m.remarks.size ? { remarks } : {}),
      signatories: o.signatories,
    };
  });
}
