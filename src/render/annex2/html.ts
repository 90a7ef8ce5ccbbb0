// Render stage: the annex 2 table as one printable, self-contained HTML page (inline CSS, no
// external assets), laid out like the form. Every text from the reports is escaped.
import { escapeHtml, htmlPage } from '../page/html-page.js';
import { signatoryLine, type Annex2Table } from './layout.js';

export function renderAnnex2Html(table: Annex2Table): string {
  const events = table.columns.length - 3;
  const e = escapeHtml;
  const rows = table.rows.map(
    (r) =>
      `<tr class="${r.kind}"><td>${e(r.region)}</td><td>${e(r.institution)}</td>${r.counts.map((n) => `<td class="num">${e(n)}</td>`).join('')}<td class="remarks">${e(r.remarks)}</td></tr>`,
  );
  const empty = `<tr><td colspan="${table.columns.length}" class="empty">（无报表）</td></tr>`;
  return htmlPage(
    `${table.title} ${table.periodLabel}`,
    css,
    `<h1>${e(table.title)}</h1>
<p class="period">${e(table.periodLabel)}</p>
<div class="signatories"><span>${e(signatoryLine(table.signatories.reportingUnit))}</span><span>${e(signatoryLine(table.signatories.signedBy))}</span></div>
<table>
<thead>
<tr><th colspan="2" class="corner"><span class="top">${e(table.corner[0])}</span><span class="bottom">${e(table.corner[1])}</span></th><th colspan="${events}">${e(table.eventTypesHeading)}</th><th rowspan="2">${e(table.columns[table.columns.length - 1])}</th></tr>
<tr>${table.columns
      .slice(0, -1)
      .map((c) => `<th>${e(c)}</th>`)
      .join('')}</tr>
</thead>
<tbody>
${rows.length ? rows.join('\n') : empty}
</tbody>
</table>
<div class="signatories"><span>${e(signatoryLine(table.signatories.reviewedBy))}</span><span>${e(signatoryLine(table.signatories.preparedBy))}</span></div>
<ol class="notes">${table.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ol>`,
  );
}

const css = `
@page { size: A4 landscape; margin: 12mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #1a1a1a; font: 10.5pt/1.5 "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", SimSun, serif; }
main { max-width: 270mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 16pt; text-align: center; margin: 0; letter-spacing: 0.1em; }
.period { text-align: center; margin: 1mm 0 3mm; }
.signatories { display: flex; justify-content: space-between; margin: 2mm 0; }
table { width: 100%; border-collapse: collapse; font-size: 9.5pt; }
th, td { border: 1px solid #555; padding: 1mm 1.5mm; vertical-align: top; }
th { background: #f0f0f0; text-align: center; vertical-align: middle; }
th.corner { position: relative; height: 12mm; background: linear-gradient(to top right, #f0f0f0 calc(50% - 0.5px), #555 50%, #f0f0f0 calc(50% + 0.5px)); }
th.corner .top { position: absolute; top: 1mm; right: 2mm; }
th.corner .bottom { position: absolute; bottom: 1mm; left: 2mm; }
td.num { text-align: right; white-space: nowrap; }
td.remarks { white-space: pre-wrap; }
tr.subtotal td, tr.total td { font-weight: bold; }
td.empty { text-align: center; color: #777; }
ol.notes { list-style: none; padding: 0; font-size: 9pt; }
@media print { main { padding: 0; } tr { break-inside: avoid; } }
`;
