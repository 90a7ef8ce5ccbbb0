// Render stage: the 征信信息安全情况统计表 of annex 2 as one table model, shared by its CSV, xlsx and
// HTML renderings, so the three say the same thing in the form's own words (from obligations.yaml).
import type { MonthlyReportForm } from '../../../generated/types/obligations/obligations.js';
import type { Aggregated, EventCounts, MonthlyReport } from '../../obligations/reports.js';

/** Signatories of the table: 填表单位, 签发人, 复核人, 填表人. */
export type Signatories = MonthlyReport['signatories'];

export type Annex2RowKind = 'institution' | 'subtotal' | 'total';

export interface Annex2Row {
  kind: Annex2RowKind;
  region: string;
  institution: string;
  counts: number[];
  remarks: string;
}

/** Annex2Table: everything the form shows, in its order. */
export interface Annex2Table {
  title: string;
  /** The month as the form writes it: 2024年09月. */
  periodLabel: string;
  period: string;
  /** `填表单位：…` and the three others, label and value. */
  signatories: Record<keyof Signatories, { label: string; value: string }>;
  corner: [string, string];
  eventTypesHeading: string;
  /** 地区, 机构名称, the five event columns, 备注. */
  columns: string[];
  rows: Annex2Row[];
  notes: string[];
}

/**
 * annex2Table lays out one month: each institution's row; every region's 小计 whenever the table sums more
 * than one report (a-subtotal-for-every-region, so no region looks unsummed); the national 合计 when
 * there is more than one region. Signatories not given are taken from
 * the report when there is only one, and are otherwise left empty for the aggregating office to sign.
 */
export function annex2Table(
  form: MonthlyReportForm,
  data: Aggregated,
  signatories?: Partial<Signatories>,
  headOfficeLabel = '全国性接入机构的总行（不计入合计）',
): Annex2Table {
  const only =
    data.regions.length === 1 && data.regions[0].rows.length === 1 ? data.regions[0].rows[0].signatories : undefined;
  const sign = (k: keyof Signatories) => ({ label: form.signatories[k], value: signatories?.[k] ?? only?.[k] ?? '' });
  const [year, month] = data.period.split('-');
  return {
    title: form.title,
    periodLabel: form.periodTemplate.replace('****', year).replace('**', month),
    period: data.period,
    signatories: {
      reportingUnit: sign('reportingUnit'),
      signedBy: sign('signedBy'),
      reviewedBy: sign('reviewedBy'),
      preparedBy: sign('preparedBy'),
    },
    corner: [form.headings.corner[0], form.headings.corner[1]],
    eventTypesHeading: form.headings.eventTypes,
    columns: [
      form.headings.region,
      form.headings.institution,
      ...form.eventTypes.map((t) => t.column),
      form.headings.remarks,
    ],
    rows: annex2Rows(form, data, headOfficeLabel),
    notes: form.notes,
  };
}

/** annex2Rows: the institutions' rows, region by region with their 小计, the 合计, then the head offices apart. */
function annex2Rows(form: MonthlyReportForm, data: Aggregated, headOfficeLabel: string): Annex2Row[] {
  const keys = form.eventTypes.map((t) => t.key as keyof EventCounts);
  const counts = (c: EventCounts) => keys.map((k) => c[k]);
  const rows: Annex2Row[] = [];
  // A table that sums anything (more than one report) gives every region its 小计; one report alone, none.
  const summing = data.regions.reduce((n, g) => n + g.rows.length, 0) + (data.headOffices?.rows.length ?? 0) > 1;
  for (const g of data.regions) {
    for (const r of g.rows)
      rows.push({
        kind: 'institution',
        region: r.region,
        institution: r.institution,
        counts: counts(r.counts),
        remarks: remarksText(form, r),
      });
    if (summing)
      rows.push({
        kind: 'subtotal',
        region: g.region,
        institution: form.headings.subtotal,
        counts: counts(g.total),
        remarks: '',
      });
  }
  if (data.regions.length > 1)
    rows.push({ kind: 'total', region: form.headings.total, institution: '', counts: counts(data.total), remarks: '' });
  // head-office-reports-apart: national head offices' reports follow the 合计, outside it.
  for (const r of data.headOffices?.rows ?? [])
    rows.push({
      kind: 'institution',
      region: headOfficeLabel,
      institution: r.institution,
      counts: counts(r.counts),
      remarks: remarksText(form, r),
    });
  return rows;
}

/** remarksText writes a report's remarks in the form's 备注 cell: 异常查询：…；违规使用：…（另附：…）. */
export function remarksText(form: MonthlyReportForm, r: MonthlyReport): string {
  const parts = form.eventTypes
    .map((t) => [t.name, (r.remarks?.[t.key as keyof EventCounts] ?? '').trim()] as const)
    .filter(([, text]) => text !== '')
    .map(([name, text]) => `${name}：${text}`);
  const text = parts.join('；');
  return r.attachment ? `${text}（另附：${r.attachment}）` : text;
}

/** signatoryLine: `填表单位：某银行` (a colon, and *** when there is no value, as on the blank form). */
export function signatoryLine(s: { label: string; value: string }): string {
  return `${s.label}：${s.value || '***'}`;
}
