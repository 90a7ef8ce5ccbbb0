// Render stage: the evidence trail of a rating made from evidence, in text and HTML: the first rows
// behind each derived deduction (a 5.4 idle stretch with its dates and days), an override with its
// reason, and which findings were derived, typed in, overridden or not derived.
import type { T } from '../../diagnostics/i18n.js';
import type { ResultIdleStretch, ResultStretchEnd } from '../../../generated/types/rating/result.js';
import type { RatingResult } from '../../rating/decorate.js';
import { escapeHtml } from '../page/html-page.js';

type DeductionEvidence = NonNullable<RatingResult['items'][number]['deductions'][number]['evidence']>;
type Evidence = NonNullable<RatingResult['evidence']>;
type Pair = { item: string; finding: string };

const pair = (x: Pair) => `${x.item} ${x.finding}`;
const plain = { interpolation: { escapeValue: false } };
// A 5.4 idle stretch: its days without a query, and the query rows (or bounds) on either side of it.
const stretchText = (t: T, s: ResultIdleStretch) => {
  const end = (e: ResultStretchEnd) =>
    typeof e === 'string'
      ? t(`rating.evidence.stretchBound.${e}`)
      : t('rating.evidence.stretchRow', { ...e, ...plain });
  return t('rating.evidence.stretch', {
    from: s.from,
    to: s.to,
    days: s.days,
    after: end(s.after),
    before: end(s.before),
    ...plain,
  });
};
const rowText = (t: T, x: DeductionEvidence['rows'][number]) =>
  t(x.stretch ? 'rating.evidence.rowStretch' : 'rating.evidence.row', {
    table: x.table,
    row: x.row,
    key: x.key,
    why: x.why,
    stretch: x.stretch ? stretchText(t, x.stretch) : '',
    interpolation: { escapeValue: false },
  });
// Rows past those listed: how many more, and where they all are (the findings file, or how to write one).
const more = (t: T, e: DeductionEvidence, file: string | undefined) =>
  e.total > e.rows.length
    ? t('rating.evidence.more', { more: e.total - e.rows.length, total: e.total }) +
      (file ? t('rating.evidence.moreFile', { file, ...plain }) : t('rating.evidence.moreNoFile'))
    : '';

/** deductionEvidenceLines: the lines under one deduction in the text report. */
export function deductionEvidenceLines(t: T, e: DeductionEvidence, file: string | undefined): string[] {
  const lines: string[] = [];
  if (e.source === 'overridden')
    lines.push(
      `      ${t('rating.evidence.overridden', { derived: JSON.stringify(e.derivedValue), reason: e.reason, ...plain })}`,
    );
  const rows = e.rows.map((x) => rowText(t, x)).join(t('rating.evidence.rowSeparator'));
  if (rows) lines.push(`      ${t('rating.evidence.rows', { rows, ...plain })}${more(t, e, file)}`);
  return lines;
}

/** evidenceLines: the text report's section on where the findings came from. */
export function evidenceLines(t: T, e: Evidence): string[] {
  const sep = t('rating.evidence.separator');
  const list = (xs: string[]) => (xs.length ? xs.join(sep) : t('rating.evidence.none'));
  const file = e.findingsFile ? t('rating.evidence.fileNote', { file: e.findingsFile, ...plain }) : '';
  return [
    '',
    t('rating.evidence.heading', { asOf: e.asOf ?? '', file, ...plain }),
    `  ${t('rating.evidence.derived', { list: list(e.derived.map((d) => `${pair(d)} = ${JSON.stringify(d.value)}`)), ...plain })}`,
    `  ${t('rating.evidence.asserted', { list: list(e.asserted.map(pair)), ...plain })}`,
    ...e.overridden.map(
      (o) =>
        `  ${t('rating.evidence.overriddenLine', { pair: pair(o), from: JSON.stringify(o.derivedValue), to: JSON.stringify(o.value), reason: o.reason, ...plain })}`,
    ),
    ...e.notDerived.map(
      (n) =>
        `  ${t('rating.evidence.notDerived', { what: `${n.item}${n.finding ? ` ${n.finding}` : ''}`, reason: n.reason, ...plain })}`,
    ),
  ];
}

/** deductionEvidenceHtml: the rows behind a derived deduction, inside its clause cell. */
export function deductionEvidenceHtml(t: T, e: DeductionEvidence | undefined, file: string | undefined): string {
  if (!e) return '';
  const override =
    e.source === 'overridden'
      ? `<br><small>${escapeHtml(t('rating.evidence.overridden', { derived: JSON.stringify(e.derivedValue), reason: e.reason, ...plain }))}</small>`
      : '';
  const rows = e.rows.map((x) => `<li>${escapeHtml(rowText(t, x))}</li>`).join('');
  const tail = more(t, e, file);
  return `${override}<ul class="evidence">${rows}${tail ? `<li>${escapeHtml(tail.trim())}</li>` : ''}</ul>`;
}

/** evidenceHtml: the HTML report's section on where the findings came from. */
export function evidenceHtml(t: T, e: Evidence | undefined): string {
  if (!e) return '';
  const li = (xs: string[]) =>
    xs.length
      ? `<ul>${xs.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>`
      : `<p>${escapeHtml(t('rating.evidence.none'))}</p>`;
  const file = e.findingsFile ? t('rating.evidence.fileNote', { file: e.findingsFile, ...plain }) : '';
  const h3 = (key: string) => `<h3>${escapeHtml(t(`rating.evidence.${key}`))}</h3>`;
  return `<section>
<h2>${escapeHtml(t('rating.evidence.h2'))}</h2>
<p>${escapeHtml(t('rating.evidence.asOf', { asOf: e.asOf ?? '', file, ...plain }))}</p>
${h3('derivedH')}${li(e.derived.map((d) => `${pair(d)} = ${JSON.stringify(d.value)}${t('rating.evidence.rowsCount', { total: d.total })}`))}
${h3('assertedH')}${li(e.asserted.map(pair))}
${h3('overriddenH')}${li(e.overridden.map((o) => t('rating.evidence.overriddenLine', { pair: pair(o), from: JSON.stringify(o.derivedValue), to: JSON.stringify(o.value), reason: o.reason, ...plain })))}
${h3('notDerivedH')}${li(e.notDerived.map((n) => `${n.item}${n.finding ? ` ${n.finding}` : ''} ${n.reason}`))}
</section>`;
}
