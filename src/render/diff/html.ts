// Render stage: the semantic diff as one self-contained HTML page (inline CSS, no scripts, no
// external assets) for auditors: a table per group with the value and the clause on each side.
// Every string from the rules is escaped.
import type { RulesetDiff, RulesetRef } from '../../diff/diff.js';
import { escapeHtml, htmlPage } from '../page/html-page.js';
import { defaultLang, type Lang, type T, translator } from '../../diagnostics/i18n.js';
import { clauseLines, groupChanges, headline, isText, kindLabel, shown } from './groups.js';

/** renderDiffHtml renders the whole diff as a page. */
export function renderDiffHtml(diff: RulesetDiff, lang: Lang = defaultLang): string {
  const t = translator(lang);
  const title = t('diff.title', { from: diff.from.id, to: diff.to.id });
  const th = (key: string) => `<th>${escapeHtml(t(key))}</th>`;
  const groups = groupChanges(diff, t).map(
    (g) => `<section>
<h2>${escapeHtml(g.title)}</h2>
<table>
<thead><tr><th></th>${th('diff.kindCol')}${th('diff.whereCol')}${th('diff.before')}${th('diff.after')}</tr></thead>
<tbody>
${g.changes
  .map(({ change: c, where }) => {
    const text = isText(c);
    const before = c.from === undefined ? '' : text ? String(c.from) : shown(c, 'from', t);
    const after = c.to === undefined ? '' : text ? String(c.to) : shown(c, 'to', t);
    const clauses = clauseLines(c, t)
      .map((l) => `<div class="clause"><span class="label">${escapeHtml(l.label)}</span> ${escapeHtml(l.text)}</div>`)
      .join('');
    return `<tr class="${c.action}"><td class="mark">${c.action === 'added' ? '+' : c.action === 'removed' ? '−' : '~'}</td><td>${escapeHtml(kindLabel(c.kind, t))}</td><td><code>${escapeHtml(where)}</code></td><td class="from">${escapeHtml(before)}</td><td class="to">${escapeHtml(after)}</td></tr>${
      clauses ? `\n<tr class="clauses"><td></td><td colspan="4">${clauses}</td></tr>` : ''
    }`;
  })
  .join('\n')}
</tbody>
</table>
</section>`,
  );
  return htmlPage(
    title,
    css,
    `<h1>${escapeHtml(title)}</h1>
<table class="sides">
<thead><tr><th></th>${th('diff.ruleset')}${th('diff.rulesetTitle')}${th('diff.years')}${th('diff.region')}${th('diff.hash')}</tr></thead>
<tbody>
${side(t('diff.from'), diff.from, t)}
${side(t('diff.to'), diff.to, t)}
</tbody>
</table>
<p class="headline">${escapeHtml(headline(diff, t))}</p>
${groups.join('\n')}`,
    lang,
  );
}

function side(label: string, r: RulesetRef, t: T): string {
  const source = r.source === r.id ? '' : `<br><small>${escapeHtml(r.source)}</small>`;
  return `<tr><th>${escapeHtml(label)}</th><td><code>${escapeHtml(r.id)}</code>${source}</td><td>${escapeHtml(r.title)}</td><td>${r.effective.fromYear}–${r.effective.untilYear ?? ''}</td><td>${escapeHtml(r.region ?? t('diff.national'))}</td><td><code class="hash">${escapeHtml(r.hash)}</code></td></tr>`;
}

const css = `
* { box-sizing: border-box; }
body { margin: 0; color: #1a1a1a; font: 14px/1.5 system-ui, "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 20px; margin: 0 0 12px; }
h2 { font-size: 16px; margin: 24px 0 8px; border-bottom: 1px solid #999; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.mark { width: 1.5em; text-align: center; font-weight: bold; }
tr.added td.mark, tr.added td.to { color: #116329; background: #e6ffec; }
tr.removed td.mark, tr.removed td.from { color: #82071e; background: #ffebe9; }
tr.changed td.from { background: #fff5f5; }
tr.changed td.to { background: #f0fff4; }
tr.clauses td { border-top: none; font-size: 13px; color: #333; }
.clause .label { display: inline-block; min-width: 4em; color: #666; }
.headline { font-weight: bold; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
code.hash { word-break: break-all; }
`;
