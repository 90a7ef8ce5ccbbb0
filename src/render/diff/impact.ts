// Render stage: an impact run as text: one line per case that moved (or every case), and the grade
// distribution under each ruleset with the moves between grades and the rules behind them.
import type { CaseImpact, ImpactSummary, SideOutcome } from '../../diff/impact.js';
import { defaultLang, type Lang, padDisplay, type T, translator } from '../../diagnostics/i18n.js';

/** renderImpactLine is one case: both outcomes and what moved it. */
export function renderImpactLine(c: CaseImpact, lang: Lang = defaultLang): string {
  const t = translator(lang);
  if ('unreadable' in c.from) return `${c.case}  ${t('impact.unreadable', { reason: c.from.unreadable })}\n`;
  const a = c.from,
    b = c.to as SideOutcome;
  const head = `${c.case}  ${outcome(a, t)} → ${outcome(b, t)}`;
  const why: string[] = [];
  for (const m of c.moved) why.push(`${m.rule} ${pts(m.from)} → ${pts(m.to)}`);
  for (const x of c.triggers) why.push(t(x.to ? 'impact.nowFires' : 'impact.noLongerFires', { trigger: x.trigger }));
  if (c.bands) why.push(t('impact.bandMoved'));
  for (const [key, o] of [
    ['impact.refusedBefore', a],
    ['impact.refusedAfter', b],
  ] as const)
    if (!o.rated && 'refused' in o)
      why.push(t(key, { problems: o.refused.map((p) => `${p.path || '/'} ${p.message}`).join('; ') }));
  return `${head}${why.length ? `   ${why.join('; ')}` : c.changed ? '' : `   ${t('impact.noChange')}`}\n`;
}

/** renderImpactSummary is the distribution of outcomes before and after, and what moved. */
export function renderImpactSummary(s: ImpactSummary, lang: Lang = defaultLang): string {
  const t = translator(lang);
  const lines: string[] = [];
  lines.push(
    t('impact.cases', {
      count: s.cases,
      changed: s.changed,
      down: s.scoreDown,
      up: s.scoreUp,
      unchanged: s.unchanged,
    }) + (s.unreadable ? t('impact.unreadableCount', { n: s.unreadable }) : ''),
  );
  lines.push('');
  const order = ['A', 'B', 'C', 'D', 'not rated', 'refused'];
  const label = (k: string) => (k === 'not rated' ? t('impact.notRated') : k === 'refused' ? t('impact.refused') : k);
  const keys = [...new Set([...order, ...Object.keys(s.grades.from), ...Object.keys(s.grades.to)])].filter(
    (k) => s.grades.from[k] || s.grades.to[k],
  );
  const w = Math.max(s.from.id.length, 10),
    v = Math.max(s.to.id.length, 10);
  lines.push(
    `${padDisplay(t('impact.outcome'), 10)}  ${s.from.id.padStart(w)}  ${s.to.id.padStart(v)}  ${t('impact.change')}`,
  );
  for (const k of keys) {
    const x = s.grades.from[k] ?? 0,
      y = s.grades.to[k] ?? 0;
    lines.push(
      `${padDisplay(label(k), 10)}  ${String(x).padStart(w)}  ${String(y).padStart(v)}  ${y - x > 0 ? '+' : ''}${y - x === 0 ? '' : y - x}`,
    );
  }
  const moves = Object.entries(s.transitions).sort((a, b) => b[1] - a[1]);
  if (moves.length) lines.push('', t('impact.moves', { list: moves.map(([k, n]) => `${k} ${n}`).join(', ') }));
  const rules = Object.entries(s.rules).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (rules.length)
    lines.push(
      t('impact.rules', {
        list:
          rules
            .slice(0, 10)
            .map(([k, n]) => `${k} (${n})`)
            .join(', ') + (rules.length > 10 ? t('impact.more', { n: rules.length - 10 }) : ''),
      }),
    );
  return `${lines.join('\n')}\n`;
}

function outcome(o: SideOutcome, t: T): string {
  if (o.rated)
    return `${fmt(o.score)} ${o.grade}${o.zeroScore ? t('impact.zeroScore') : o.downgraded ? t('impact.downgraded') : ''}`;
  return 'notRated' in o ? t('impact.notRated') : t('impact.refused');
}

function pts(p: number | null): string {
  return p === null ? '—' : fmt(p);
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}
