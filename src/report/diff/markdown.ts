// Report stage: the semantic diff as Markdown for a pull-request comment: a summary line, a section
// per group, a bullet per change with the clause text of both sides as sub-bullets. Rule text is
// escaped so that it can never break the comment's formatting.
import type { RulesetDiff, RulesetRef } from '../../diff/diff.js';
import { actionMark, clauseLines, groupChanges, headline, isText, kindLabel, shown } from './groups.js';

const actionWord = { added: 'added', removed: 'removed', changed: 'changed' } as const;

/** renderDiffMarkdown renders the whole diff. */
export function renderDiffMarkdown(diff: RulesetDiff): string {
  const lines = [
    `## Rules diff: ${code(diff.from.id)} → ${code(diff.to.id)}`,
    '',
    `| | ruleset | rating years | region | hash |`,
    `|---|---|---|---|---|`,
    row('from', diff.from),
    row('to', diff.to),
    '',
    `**${escapeMarkdown(headline(diff))}**`,
  ];
  for (const group of groupChanges(diff)) {
    lines.push('', `### ${escapeMarkdown(group.title)}`, '');
    for (const { change: c, where } of group.changes) {
      const head = `- ${actionMark[c.action] === '~' ? '' : `${actionWord[c.action]} `}**${kindLabel[c.kind]}** ${code(where)}`;
      if (isText(c)) {
        lines.push(head);
        if (c.from !== undefined) lines.push(`  - before: ${escapeMarkdown(String(c.from))}`);
        if (c.to !== undefined) lines.push(`  - after: ${escapeMarkdown(String(c.to))}`);
      } else {
        const value =
          c.action === 'added'
            ? shown(c, 'to')
            : c.action === 'removed'
              ? shown(c, 'from')
              : `${shown(c, 'from')} → ${shown(c, 'to')}`;
        lines.push(`${head}: ${escapeMarkdown(value)}`);
      }
      for (const l of clauseLines(c)) lines.push(`  - ${l.label}: ${escapeMarkdown(l.text)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function row(label: string, r: RulesetRef): string {
  const source = r.source === r.id ? code(r.id) : `${code(r.id)} (${code(r.source)})`;
  return `| ${label} | ${source} | ${r.effective.fromYear}–${r.effective.untilYear ?? ''} | ${escapeMarkdown(r.region ?? 'national')} | ${code(r.hash.slice(0, 19))}… |`;
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
