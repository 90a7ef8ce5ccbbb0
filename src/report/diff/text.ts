// Report stage: the semantic diff as plain text for a terminal: a heading per group, one line per
// change (+ added, - removed, ~ changed) and the clause text of both sides beneath it.
import type { RulesetDiff, RulesetRef } from '../../diff/diff.js';
import { actionMark, clauseLines, groupChanges, headline, isText, kindLabel, shown } from './groups.js';

/** renderDiffText renders the whole diff. */
export function renderDiffText(diff: RulesetDiff): string {
  const lines = [`from ${side(diff.from)}`, `to   ${side(diff.to)}`, '', headline(diff)];
  for (const group of groupChanges(diff)) {
    lines.push('', group.title);
    for (const { change: c, where } of group.changes) {
      const label = kindLabel[c.kind];
      if (isText(c)) {
        lines.push(`  ${actionMark[c.action]} ${label}  ${where}`);
        if (c.from !== undefined) lines.push(`      ${'before:'.padEnd(14)} ${c.from}`);
        if (c.to !== undefined) lines.push(`      ${'after:'.padEnd(14)} ${c.to}`);
      } else {
        const value =
          c.action === 'added'
            ? shown(c, 'to')
            : c.action === 'removed'
              ? shown(c, 'from')
              : `${shown(c, 'from')} → ${shown(c, 'to')}`;
        lines.push(`  ${actionMark[c.action]} ${label}  ${where}: ${value}`);
      }
      for (const l of clauseLines(c)) lines.push(`      ${(`${l.label}:`).padEnd(14)} ${l.text}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function side(r: RulesetRef): string {
  const years = `${r.effective.fromYear}–${r.effective.untilYear ?? ''}`;
  const source = r.source === r.id ? '' : ` (${r.source})`;
  return `${r.id}${source}  ${years}${r.region ? `  ${r.region}` : ''}  ${r.hash}`;
}
