// Render stage: the semantic diff as plain text for a terminal: a heading per group, one line per
// change (+ added, - removed, ~ changed) and the clause text of both sides beneath it.
import type { RulesetDiff, RulesetRef } from '../../diff/diff.js';
import { defaultLang, displayWidth, type Lang, padDisplay, translator } from '../../diagnostics/i18n.js';
import { actionMark, changeValue, clauseLines, groupChanges, headline, isText, kindLabel } from './groups.js';

/** renderDiffText renders the whole diff. */
export function renderDiffText(diff: RulesetDiff, lang: Lang = defaultLang): string {
  const t = translator(lang);
  const [from, to] = [t('diff.from'), t('diff.to')];
  const w = Math.max(displayWidth(from), displayWidth(to));
  const pad = padDisplay;
  const lines = [`${pad(from, w)} ${side(diff.from)}`, `${pad(to, w)} ${side(diff.to)}`, '', headline(diff, t)];
  for (const group of groupChanges(diff, t)) {
    lines.push('', group.title);
    for (const { change: c, where } of group.changes) {
      const label = kindLabel(c.kind, t);
      if (isText(c)) {
        lines.push(`  ${actionMark[c.action]} ${label}  ${where}`);
        if (c.from !== undefined) lines.push(`      ${pad(`${t('diff.before')}:`, 14)} ${c.from}`);
        if (c.to !== undefined) lines.push(`      ${pad(`${t('diff.after')}:`, 14)} ${c.to}`);
      } else {
        lines.push(`  ${actionMark[c.action]} ${label}  ${where}: ${changeValue(c, t)}`);
      }
      for (const l of clauseLines(c, t)) lines.push(`      ${pad(`${l.label}:`, 14)} ${l.text}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function side(r: RulesetRef): string {
  const years = `${r.effective.fromYear}–${r.effective.untilYear ?? ''}`;
  const source = r.source === r.id ? '' : ` (${r.source})`;
  return `${r.id}${source}  ${years}${r.region ? `  ${r.region}` : ''}  ${r.hash}`;
}
