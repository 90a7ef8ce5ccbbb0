// Report stage: the printable page of `inspections status --format html`: the plans, the inspections
// with their deadlines and the coverage of annex 4, each status beside its clause.
import { defaultLang, type Lang, translator } from '../../diagnostics/i18n.js';
import { readingIn } from '../rating/text.js';
import type { InspectionsStatus } from '../../../generated/types/inspections/status.js';
import { escapeHtml, htmlPage } from '../page/html-page.js';
import { stageText } from './text.js';

const css = `body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border: 1px solid #bbb; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.overdue, .missing { color: #a40000; font-weight: bold; }
.due { color: #8a5a00; font-weight: bold; }
.complete, .covered, .present { color: #1d6b1d; }
.clause { color: #555; font-size: .9em; }`;

export function renderInspectionsHtml(r: InspectionsStatus, lang: Lang = defaultLang): string {
  const t = translator(lang);
  // The class is the status code (the colours); the text is its name in the reader's language.
  const cell = (part: 'plan' | 'inspection' | 'coverage', status: string) =>
    `<td class="${escapeHtml(status)}">${escapeHtml(t(`cli.inspections.cell.${part}.${status}`))}</td>`;
  const s = r.summary;
  const body = `<h1>征信信息安全巡查 · ${escapeHtml(r.asOf)}</h1>
<p>${escapeHtml(t('cli.inspections.summary', s))}</p>
<h2>年度巡查工作计划</h2>
<table><tr><th>年度</th><th>巡查组织单位</th><th>辖区</th><th>状态</th></tr>
${r.plans.map((p) => `<tr><td>${p.year}</td><td>${escapeHtml(p.organizingUnit)}</td><td>${escapeHtml(p.region)}</td>${cell('plan', p.status)}</tr>`).join('\n')}
</table>
<p class="clause">${escapeHtml(r.plans[0]?.clause ?? '')}</p>
<h2>巡查</h2>
<table><tr><th>编号</th><th>巡查对象</th><th>状态</th><th>现场巡查</th><th>巡查组</th><th>巡查工作报告</th><th>整改情况</th></tr>
${r.inspections
  .map(
    (i) =>
      `<tr><td>${escapeHtml(i.id)}</td><td>${escapeHtml(i.institution)}</td>${cell('inspection', i.status)}<td>${i.fieldwork ? `${escapeHtml(i.fieldwork.from)} – ${escapeHtml(i.fieldwork.to)}` : escapeHtml(i.planned ?? '')}</td><td>${i.team.size}${i.team.ok ? '' : ` <span class="overdue">少于 ${i.team.atLeast} 人</span>`}</td><td>${escapeHtml(stageText(i.report, lang))}</td><td>${escapeHtml(stageText(i.rectification, lang))}${i.rectification.inferred ? ` <small>${escapeHtml(t('cli.calendar.inferred', { id: i.rectification.inferred.id }).trim())}</small>` : ''}</td></tr>`,
  )
  .join('\n')}
</table>
${r.inspections[0] ? `<p class="clause">${escapeHtml(r.inspections[0].team.clause)}<br>${escapeHtml(r.inspections[0].report.clause)}<br>${escapeHtml(r.inspections[0].rectification.clause)}</p>` : ''}
<h2>全覆盖</h2>
<table><tr><th>机构</th><th>辖区</th><th>状态</th><th>最近现场巡查结束</th><th>应于</th></tr>
${r.coverage.map((c) => `<tr><td>${escapeHtml(c.institution)}</td><td>${escapeHtml(c.region)}</td>${cell('coverage', c.status)}<td>${escapeHtml(c.lastFieldwork ?? '—')}</td><td>${escapeHtml(c.due)}</td></tr>`).join('\n')}
</table>
<p class="clause">${escapeHtml(r.coverage[0]?.clause ?? '')}</p>
<h2>所依据的解释</h2>
<ul>${r.interpretations.map((i) => `<li>[${escapeHtml(i.id)}] ${escapeHtml(readingIn(i, lang))}</li>`).join('')}</ul>
<footer>规则：<code>${escapeHtml(r.ruleset.id)}</code> · <code>${escapeHtml(r.ruleset.hash)}</code> · ${r.calendars.map((c) => escapeHtml(c.number)).join('，')}</footer>`;
  return htmlPage(`征信信息安全巡查 ${r.asOf}`, css, body);
}
