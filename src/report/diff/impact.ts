// Report stage: an impact run as text: one line per case that moved (or every case), and the grade
// distribution under each ruleset with the moves between grades and the rules behind them.
import type { CaseImpact, ImpactSummary, SideOutcome } from '../../diff/impact.js';

/** renderImpactLine is one case: both outcomes and what moved it. */
export function renderImpactLine(c: CaseImpact): string {
  if ('unreadable' in c.from) return `${c.case}  unreadable: ${c.from.unreadable}\n`;
  const a = c.from,
    b = c.to as SideOutcome;
  const head = `${c.case}  ${outcome(a)} → ${outcome(b)}`;
  const why: string[] = [];
  for (const m of c.moved) why.push(`${m.rule} ${pts(m.from)} → ${pts(m.to)}`);
  for (const t of c.triggers) why.push(`${t.trigger} ${t.to ? 'now fires' : 'no longer fires'}`);
  if (c.bands) why.push('grade band moved');
  for (const [label, o] of [
    ['before', a],
    ['after', b],
  ] as const)
    if (!o.rated && 'refused' in o)
      why.push(`refused ${label}: ${o.refused.map((p) => `${p.path || '/'} ${p.message}`).join('; ')}`);
  return `${head}${why.length ? `   ${why.join('; ')}` : c.changed ? '' : '   (no change)'}\n`;
}

/** renderImpactSummary is the distribution of outcomes before and after, and what moved. */
export function renderImpactSummary(s: ImpactSummary): string {
  const lines: string[] = [];
  lines.push(
    `${s.cases} case${s.cases === 1 ? '' : 's'}: ${s.changed} changed (${s.scoreDown} scored lower, ${s.scoreUp} higher), ${s.unchanged} unchanged${s.unreadable ? `, ${s.unreadable} unreadable` : ''}`,
  );
  lines.push('');
  const order = ['A', 'B', 'C', 'D', 'not rated', 'refused'];
  const keys = [...new Set([...order, ...Object.keys(s.grades.from), ...Object.keys(s.grades.to)])].filter(
    (k) => s.grades.from[k] || s.grades.to[k],
  );
  const w = Math.max(s.from.id.length, 10),
    v = Math.max(s.to.id.length, 10);
  lines.push(`${'outcome'.padEnd(10)}  ${s.from.id.padStart(w)}  ${s.to.id.padStart(v)}  change`);
  for (const k of keys) {
    const x = s.grades.from[k] ?? 0,
      y = s.grades.to[k] ?? 0;
    lines.push(
      `${k.padEnd(10)}  ${String(x).padStart(w)}  ${String(y).padStart(v)}  ${y - x > 0 ? '+' : ''}${y - x === 0 ? '' : y - x}`,
    );
  }
  const moves = Object.entries(s.transitions).sort((a, b) => b[1] - a[1]);
  if (moves.length) lines.push('', `moves: ${moves.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  const rules = Object.entries(s.rules).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (rules.length)
    lines.push(
      `rules that moved cases: ${rules
        .slice(0, 10)
        .map(([k, n]) => `${k} (${n})`)
        .join(', ')}${rules.length > 10 ? `, and ${rules.length - 10} more` : ''}`,
    );
  return `${lines.join('\n')}\n`;
}

function outcome(o: SideOutcome): string {
  if (o.rated)
    return `${fmt(o.score)} ${o.grade}${o.zeroScore ? ' (zero score)' : o.downgraded ? ' (downgraded)' : ''}`;
  return 'notRated' in o ? 'not rated' : 'refused';
}

function pts(p: number | null): string {
  return p === null ? '—' : fmt(p);
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}
