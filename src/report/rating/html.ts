// Report stage: a printable one-page rating report in Chinese, as one self-contained HTML document
// (inline CSS and SVG, no external assets). Every string taken from the result is escaped.
import { escapeHtml, htmlPage } from '../page/html-page.js';
import type { RatingResult } from '../../rating/decorate.js';

const kindLabel: Record<string, string> = { national: '全国性接入机构', local: '地方性接入机构' };

/** renderResultHtml renders the whole report: who, the score and grade, why, and what follows from it. */
export function renderResultHtml(r: RatingResult): string {
  const who = `${r.institution.name}${r.institution.branchOf ? `（${r.institution.branchOf}分支机构）` : ''}`;
  const title = `${who} ${r.year} 年度征信合规与信息安全考核评级报告`;
  const sections = r.rated
    ? [headline(r), dimensionChart(r.dimensions), deductions(r), measures(r), interpretations(r)]
    : [
        `<section class="headline"><p class="not-rated">不进行考核评级</p><p class="clause">${escapeHtml(r.notRated?.clause ?? '')}</p></section>`,
        interpretations(r),
      ];
  return htmlPage(
    title,
    css,
    `<header>
<h1>征信合规与信息安全年度考核评级报告</h1>
<dl class="who">
<dt>接入机构</dt><dd>${escapeHtml(who)}</dd>
<dt>机构类型</dt><dd>${escapeHtml(kindLabel[r.institution.type] ?? r.institution.type)}</dd>
${r.institution.region ? `<dt>所在地区</dt><dd>${escapeHtml(r.institution.region)}</dd>\n` : ''}<dt>评级年度</dt><dd>${escapeHtml(r.year)} 年（${escapeHtml(r.year)} 年 1 月 1 日至 12 月 31 日）</dd>
</dl>
</header>
${sections.filter((s) => s !== '').join('\n')}
<footer>规则：<code>${escapeHtml(r.ruleset.id)}</code> · <code class="hash">${escapeHtml(r.ruleset.hash)}</code></footer>`,
  );
}

function headline(r: RatingResult): string {
  const notes: string[] = [];
  if (r.downgrade) notes.push(`由 ${escapeHtml(r.downgrade.baseGrade)} 级下调一级`);
  if (r.zeroScore) notes.push(`直接定为 0 分（各项得分合计 ${fmt(r.subtotal ?? 0)} 分）`);
  const triggers = [...(r.zeroScore?.triggers ?? []), ...(r.downgrade?.triggers ?? [])];
  // Triggers met but superseded (a 第十五条 downgrade under a 第十六条 zero score) are shown, marked.
  const setAside = (r.triggers ?? []).filter((t) => !t.applied);
  return `<section class="headline">
<div class="score"><span class="label">考核计分</span><span class="value">${fmt(r.score ?? 0)}</span><span class="unit">分</span></div>
<div class="grade"><span class="label">评级结果</span><span class="value">${escapeHtml(r.grade ?? '')}</span><span class="unit">级</span></div>
${notes.length ? `<p class="note">${notes.join('；')}</p>` : ''}
${triggers.length ? `<ul class="triggers">${triggers.map((t) => `<li>${escapeHtml(t.clause)}</li>`).join('')}</ul>` : ''}
${setAside.length ? `<p class="note">同时符合但未适用：</p><ul class="triggers not-applied">${setAside.map((t) => `<li data-applied="false">${escapeHtml(`${t.article}${t.clause}`)}<br><small>未适用：${escapeHtml(t.reason ?? '')}</small></li>`).join('')}</ul>` : ''}
</section>`;
}

/** dimensionChart draws each dimension's score as a bar against its maximum. */
function dimensionChart(dimensions: RatingResult['dimensions']): string {
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
<h2>评价项目得分</h2>
<svg class="chart" role="img" aria-label="各评价项目得分与分值" viewBox="0 0 ${width} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg">
${rows.join('\n')}
</svg>
</section>`;
}

function deductions(r: RatingResult): string {
  const touched = r.items.filter((i) => i.deductions.length > 0);
  if (!touched.length) return `<section><h2>扣分与加分</h2><p>无</p></section>`;
  const rows = touched.flatMap((item) =>
    item.deductions.map((d, k) => {
      const what = d.zero ? '不得分' : d.bonus ? `加 ${fmt(d.points)} 分` : `扣 ${fmt(d.points)} 分`;
      const count =
        d.kind === 'perOccurrence' ? ` × ${fmt(d.count)}` : d.value !== undefined ? `（${escapeHtml(d.value)}）` : '';
      const head =
        k === 0
          ? `<td rowspan="${item.deductions.length}">${escapeHtml(item.id)} ${escapeHtml(item.name)}</td><td rowspan="${item.deductions.length}" class="num">${fmt(item.score)} / ${fmt(item.maxPoints)}${item.floored ? '<br><small>扣完为止</small>' : ''}</td>`
          : '';
      return `<tr>${head}<td class="num">${what}${count}${d.capped ? '<br><small>已达上限</small>' : ''}</td><td class="clause">${escapeHtml(d.clause)}</td></tr>`;
    }),
  );
  return `<section>
<h2>扣分与加分</h2>
<table>
<thead><tr><th>评价内容</th><th>得分</th><th>扣分</th><th>依据</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
}

function measures(r: RatingResult): string {
  if (!r.measures) return '';
  const result = r.measures.result === 'zero' ? '0 分' : `${r.measures.result} 级`;
  return `<section>
<h2>监管措施（${escapeHtml(result)}）</h2>
<p class="clause">${escapeHtml(r.measures.clause)}</p>
<ul>${r.measures.list.map((m) => `<li>${escapeHtml(m.text)}${m.discretionary ? '（可视情况采取）' : ''}</li>`).join('')}</ul>
</section>`;
}

function interpretations(r: RatingResult): string {
  if (!r.interpretations.length) return '';
  return `<section class="interpretations">
<h2>所依据的解释（原文有歧义之处）</h2>
<ul>${r.interpretations.map((i) => `<li><code>${escapeHtml(i.id)}</code> ${escapeHtml(i.about)}：${escapeHtml(i.reading)}</li>`).join('')}</ul>
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
