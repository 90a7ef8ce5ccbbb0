// Render stage: the semantic diff as Markdown for a pull-request comment: a summary line, a section
// per group, a bullet per change with the clause text of both sides as sub-bullets. Rule text is
// escaped so that it can never break the comment's formatting.
import type { RulesetDiff, RulesetRef } from '../../diff/diff.js';
import { defaultLang, type Lang, type T, translator } from '../../diagnostics/i18n.js';
import { actionMark, changeValue, clauseLines, groupChanges, headline, isText, kindLabel } from './groups.js';

/** renderDiffMarkdown renders the whole diff. */
export function renderDiffMarkdown(diff: RulesetDiff, lang: Lang = defaultLang): string {
  const t = translator(lang);
  const colon = lang === 'zh' ? '：' : ': ';
  const lines = [
    `## ${t('diff.title', { from: code(diff.from.id), to: code(diff.to.id) })}`,
    '',
    `| | ${t('diff.ruleset')} | ${t('diff.years')} | ${t('diff.region')} | ${t('diff.hash')} |`,
    `|---|---|---|---|---|`,
    row(t('diff.from'), diff.from, t),
    row(t('diff.to'), diff.to, t),
    '',
    `**${escapeMarkdown(headline(diff, t))}**`,
  ];
  for (const group of groupChanges(diff, t)) {
    lines.push('', `### ${escapeMarkdown(group.title)}`, '');
    for (const { change: c, where } of group.changes) {
      const action = actionMark[c.action] === '~' ? '' : `${t(`diff.action.${c.action}`)} `;
      const head = `- ${action}**${kindLabel(c.kind, t)}** ${code(where)}`;
      if (isText(c)) {
        lines.push(head);
        if (c.from !== undefined) lines.push(`  - ${t('diff.before')}${colon}${escapeMarkdown(String(c.from))}`);
        if (c.to !== undefined) lines.push(`  - ${t('diff.after')}${colon}${escapeMarkdown(String(c.to))}`);
      } else {
        lines.push(`${head}: ${escapeMarkdown(changeValue(c, t))}`);
      }
      for (const l of clauseLines(c, t)) lines.push(`  - ${l.label}${colon}${escapeMarkdown(l.text)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function row(label: string, r: RulesetRef, t: T): string {
  const source = r.source === r.id ? code(r.id) : `${code(r.id)} (${code(r.source)})`;
  return `| ${label} | ${source} | ${r.effective.fromYear}–${r.effective.untilYear ?? ''} | ${escapeMarkdown(r.region ?? t('diff.national'))} | ${code(r.hash.slice(0, 19))}… |`;
}

/**
 * escapeMarkdown backslash-escapes the characters that mean something inside a line of Markdown (and
 * of GitHub's tables and HTML); the text never starts a line, so `#`, `-` and `1.` need no escape.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ');
  const ticks = clean.includes('`') ? '``' : '`';
  return `${ticks}${ticks.length > 1 ? ' ' : ''}${clean}${ticks.length > 1 ? ' ' : ''}${ticks}`;
}
