// Render stage: a printable one-page rating report in Chinese (English on request), as one self-contained HTML document
// (inline CSS and SVG, no external assets). Every string taken from the result is escaped.
import { escapeHtml, htmlPage } from '../page/html-page.js';
import type { RatingResult } from '../../rating/decorate.js';
import { defaultLang, type Lang, type T, translator } from '../../diagnostics/i18n.js';
import { deductionEvidenceHtml, evidenceHtml } from './evidence.js';
import { readingIn } from './text.js';

/** renderResultHtml renders the whole report: who, the score and grade, why, and what follows from it. */
export function renderResultHtml(r: RatingResult, lang: Lang = defaultLang): string {
  const t = translator(lang);
  const who = `${r.institution.name}${r.institution.branchOf ? t('rating.branchOf', { parent: r.institution.branchOf }) : ''}`;
  const title = t('rating.html.title', { who, year: r.year });
  const sections = r.rated
    ? [
        headline(r, t),
        dimensionChart(r.dimensions, t),
        deductions(r, t),
        evidenceHtml(t, r.evidence),
        measures(r, t),
        interpretations(r, lang),
      ]
    : [
        `<section class="headline"><p class="not-rated">${escapeHtml(t('rating.html.notRated'))}</p><p class="clause">${escapeHtml(r.notRated?.clause ?? '')}</p></section>`,
        interpretations(r, lang),
      ];
  const kind =
    r.institution.type === 'national' || r.institution.type === 'local'
      ? t(`common.kind.${r.institution.type}`)
      : r.institution.type;
  return htmlPage(
    title,
    css,
    `<header>
<h1>${escapeHtml(t('rating.html.h1'))}</h1>
<dl class="who">
<dt>${escapeHtml(t('rating.html.institution'))}</dt><dd>${escapeHtml(who)}</dd>
<dt>${escapeHtml(t('rating.html.type'))}</dt><dd>${escapeHtml(kind)}</dd>
${r.institution.region ? `<dt>${escapeHtml(t('rating.html.region'))}</dt><dd>${escapeHtml(r.institution.region)}</dd>\n` : ''}<dt>${escapeHtml(t('rating.html.year'))}</dt><dd>${escapeHtml(t('rating.html.yearSpan', { year: r.year }))}</dd>
</dl>
</header>
${sections.filter((s) => s !== '').join('\n')}
<footer>${escapeHtml(t('rating.html.rules'))}${lang === 'zh' ? '：' : ': '}<code>${escapeHtml(r.ruleset.id)}</code> · <code class="hash">${escapeHtml(r.ruleset.hash)}</code></footer>`,
    lang,
  );
}

function headline(r: RatingResult, t: T): string {
  const notes: string[] = [];
  if (r.downgrade) notes.push(escapeHtml(t('rating.html.downgradedFrom', { base: r.downgrade.baseGrade })));
  if (r.zeroScore) notes.push(escapeHtml(t('rating.html.zeroScore', { subtotal: fmt(r.subtotal ?? 0) })));
  const triggers = [...(r.zeroScore?.triggers ?? []), ...(r.downgrade?.triggers ?? [])];
  // Triggers met but superseded (a 第十五条 downgrade under a 第十六条 zero score) are shown, marked.
  const setAside = (r.triggers ?? []).filter((x) => !x.applied);
  const unit = (key: string) => {
    const u = t(key);
    return u ? `<span class="unit">${escapeHtml(u)}</span>` : '';
  };
  return `<section class="headline">
<div class="score"><span class="label">${escapeHtml(t('rating.html.score'))}</span><span class="value">${fmt(r.score ?? 0)}</span>${unit('rating.html.scoreUnit')}</div>
<div class="grade"><span class="label">${escapeHtml(t('rating.html.grade'))}</span><span class="value">${escapeHtml(r.grade ?? '')}</span>${unit('rating.html.gradeUnit')}</div>
${notes.length ? `<p class="note">${notes.join(escapeHtml(t('rating.html.noteSeparator')))}</p>` : ''}
${triggers.length ? `<ul class="triggers">${triggers.map((x) => `<li>${escapeHtml(x.clause)}</li>`).join('')}</ul>` : ''}
${setAside.length ? `<p class="note">${escapeHtml(t('rating.html.setAside'))}</p><ul class="triggers not-applied">${setAside.map((x) => `<li data-applied="false">${escapeHtml(`${x.article}${x.clause}`)}<br><small>${escapeHtml(t('rating.notApplied', { reason: x.reason ?? '' }))}</small></li>`).join('')}</ul>` : ''}
</section>`;
}

/** dimensionChart draws each dimension's score as a bar against its maximum. */
function dimensionChart(dimensions: RatingResult['dimensions'], t: T): string {
  const rowHeight = 30;
  const labelWidth = 190;
  const barWidth = 380;
  const width = labelWidth + barWidth + 90;
  const height = dimensions.length * rowHeight + 10;
  const rows = dimensions.map((d, i) => {
    const y = 5 + i * rowHeight;
    const share = d.maxPoints > 0 ? Math.max(0, Math.min(1, d.score / d.maxPoints)) : 0;
    return `<g>
<text x="${labelWidth - 10}" y="${y + 18}" text-anchor="end">${escapeHtml(d.name)}</text>
<rect x="${labelWidth}" y="${y + 4}" width="${barWidth}" height="18" class="max"/>
<rect x="${labelWidth}" y="${y + 4}" width="${(barWidth * share).toFixed(1)}" height="18" class="got"/>
<text x="${labelWidth + barWidth + 10}" y="${y + 18}">${fmt(d.score)} / ${fmt(d.maxPoints)}</text>
</g>`;
  });
  return `<section>
<h2>${escapeHtml(t('rating.html.chartTitle'))}</h2>
<svg class="chart" role="img" aria-label="${escapeHtml(t('rating.html.chartLabel'))}" viewBox="0 0 ${width} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg">
${rows.join('\n')}
</svg>
</section>`;
}

function deductions(r: RatingResult, t: T): string {
  const touched = r.items.filter((i) => i.deductions.length > 0);
  const h2 = `<h2>${escapeHtml(t('rating.html.deductions'))}</h2>`;
  if (!touched.length) return `<section>${h2}<p>${escapeHtml(t('rating.html.none'))}</p></section>`;
  const rows = touched.flatMap((item) =>
    item.deductions.map((d, k) => {
      const what = escapeHtml(
        d.zero ? t('rating.scoresZero') : t(d.bonus ? 'rating.bonus' : 'rating.deduct', { points: fmt(d.points) }),
      );
      const count =
        d.kind === 'perOccurrence' ? ` × ${fmt(d.count)}` : d.value !== undefined ? `（${escapeHtml(d.value)}）` : '';
      const head =
        k === 0
          ? `<td rowspan="${item.deductions.length}">${escapeHtml(item.id)} ${escapeHtml(item.name)}</td><td rowspan="${item.deductions.length}" class="num">${fmt(item.score)} / ${fmt(item.maxPoints)}${item.floored ? `<br><small>${escapeHtml(t('rating.html.floored'))}</small>` : ''}</td>`
          : '';
      return `<tr>${head}<td class="num">${what}${count}${d.capped ? `<br><small>${escapeHtml(t('rating.html.capped'))}</small>` : ''}</td><td class="clause">${escapeHtml(d.clause)}${deductionEvidenceHtml(t, d.evidence, r.evidence?.findingsFile)}</td></tr>`;
    }),
  );
  return `<section>
${h2}
<table>
<thead><tr><th>${escapeHtml(t('rating.html.colItem'))}</th><th>${escapeHtml(t('rating.html.colScore'))}</th><th>${escapeHtml(t('rating.html.colDeduction'))}</th><th>${escapeHtml(t('rating.html.colClause'))}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
}

function measures(r: RatingResult, t: T): string {
  if (!r.measures) return '';
  const result =
    r.measures.result === 'zero' ? t('rating.resultZero') : t('rating.resultGrade', { grade: r.measures.result });
  return `<section>
<h2>${escapeHtml(t('rating.html.measures', { result }))}</h2>
<p class="clause">${escapeHtml(r.measures.clause)}</p>
<ul>${r.measures.list.map((m) => `<li>${escapeHtml(m.text)}${m.discretionary ? escapeHtml(t('rating.discretionary')) : ''}</li>`).join('')}</ul>
</section>`;
}

function interpretations(r: RatingResult, lang: Lang): string {
  if (!r.interpretations.length) return '';
  const colon = lang === 'zh' ? '：' : ': ';
  return `<section class="interpretations">
<h2>${escapeHtml(translator(lang)('rating.html.interpretations'))}</h2>
<ul>${r.interpretations.map((i) => `<li><code>${escapeHtml(i.id)}</code> ${escapeHtml(i.about)}${colon}${escapeHtml(readingIn(i, lang))}</li>`).join('')}</ul>
</section>`;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0$/, '');
}

const css = `
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #1a1a1a; font: 10.5pt/1.5 "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", SimSun, serif; }
main { max-width: 190mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 4mm; letter-spacing: 0.1em; }
h2 { font-size: 11.5pt; border-bottom: 1px solid #888; margin: 5mm 0 2mm; padding-bottom: 1mm; }
dl.who { display: grid; grid-template-columns: auto 1fr; gap: 0.5mm 4mm; margin: 0; }
dl.who dt { color: #555; }
dl.who dd { margin: 0; }
.headline { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8mm; margin-top: 4mm; }
.headline .label { color: #555; margin-right: 2mm; }
.headline .value { font-size: 22pt; font-weight: bold; }
.headline .unit { margin-left: 1mm; }
.headline .note, .headline .triggers { flex-basis: 100%; margin: 0; }
.not-rated { font-size: 14pt; font-weight: bold; margin: 0; }
svg.chart { max-width: 170mm; font-size: 12px; }
svg.chart rect.max { fill: #e6e6e6; }
svg.chart rect.got { fill: #3b6ea5; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; }
th, td { border: 1px solid #bbb; padding: 0.8mm 1.5mm; vertical-align: top; text-align: left; }
th { background: #f0f0f0; }
td.num { white-space: nowrap; }
.clause { color: #333; }
ul { margin: 1mm 0; padding-left: 6mm; }
.interpretations { font-size: 9pt; }
footer { margin-top: 5mm; font-size: 8pt; color: #555; word-break: break-all; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; }
@media print { main { padding: 0; } tr { break-inside: avoid; } }
`;
