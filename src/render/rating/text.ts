// Render stage: the readable breakdown of a rating, in the table's own Chinese wording (or in English
// with --lang en; the clauses are quoted from the source, so they stay Chinese).
import type { RatingResult } from '../../rating/decorate.js';
import type { Problem } from '../../diagnostics/explain.js';
import type { MessageParam } from '../../diagnostics/message.js';
import { defaultLang, type Lang, localText, translator } from '../../diagnostics/i18n.js';
import { deductionEvidenceLines, evidenceLines } from './evidence.js';

/** renderResultText prints every item that lost (or gained) points, the grade and what follows from it. */
export function renderResultText(r: RatingResult, lang: Lang = defaultLang): string {
  const t = translator(lang);
  const lines: string[] = [];
  const who = `${r.institution.name}${r.institution.branchOf ? t('rating.branchOf', { parent: r.institution.branchOf }) : ''}`;
  lines.push(t('rating.heading', { who, kind: t(`common.kind.${r.institution.type}`), year: r.year }));
  lines.push(t('rating.rules', { id: r.ruleset.id, hash: r.ruleset.hash }));
  lines.push('');
  if (!r.rated) {
    lines.push(t('rating.notRated', { clause: r.notRated?.clause ?? '' }));
    appendInterpretations(lines, r, lang);
    return `${lines.join('\n')}\n`;
  }
  const downgrade = r.downgrade ? t('rating.downgradedFrom', { base: r.downgrade.baseGrade }) : '';
  lines.push(t('rating.scoreLine', { score: fmt(r.score!), grade: r.grade, downgrade }));
  if (r.zeroScore) {
    lines.push(t('rating.zeroScoreLine', { subtotal: fmt(r.subtotal!) }));
    for (const x of r.zeroScore.triggers) lines.push(`  ${x.clause}`);
  }
  if (r.downgrade) {
    lines.push(t('rating.downgradeLine'));
    for (const x of r.downgrade.triggers) lines.push(`  ${x.clause}`);
  }
  // A 第十五条 trigger met beside a zero score still happened: listed, marked as not applied, with why.
  const setAside = (r.triggers ?? []).filter((x) => !x.applied);
  if (setAside.length) {
    lines.push(t('rating.setAside'));
    for (const x of setAside)
      lines.push(`  ${x.article}${x.clause}`, `    ${t('rating.notApplied', { reason: x.reason ?? '' })}`);
  }
  lines.push('');
  lines.push(t('rating.dimensions'));
  for (const d of r.dimensions) lines.push(`  ${d.name.padEnd(10, '　')} ${fmt(d.score).padStart(5)} / ${d.maxPoints}`);
  lines.push('');
  const touched = r.items.filter((i) => i.deductions.length > 0);
  lines.push(touched.length ? t('rating.deductions') : t('rating.deductionsNone'));
  for (const item of touched) {
    lines.push(
      `  ${item.id} ${item.name}  ${fmt(item.score)} / ${item.maxPoints}${item.floored ? t('rating.floored') : ''}`,
    );
    for (const d of item.deductions) {
      const what = d.zero
        ? t('rating.scoresZero')
        : t(d.bonus ? 'rating.bonus' : 'rating.deduct', { points: fmt(d.points) });
      const count = d.kind === 'perOccurrence' ? ` × ${d.count}` : d.value !== undefined ? `（${d.value}）` : '';
      lines.push(`    ${what}${count}${d.capped ? t('rating.capped') : ''}  ${d.clause}`);
      if (d.evidence) lines.push(...deductionEvidenceLines(t, d.evidence, r.evidence?.findingsFile));
    }
  }
  if (r.evidence) lines.push(...evidenceLines(t, r.evidence));
  lines.push('');
  if (r.measures) {
    const result =
      r.measures.result === 'zero' ? t('rating.resultZero') : t('rating.resultGrade', { grade: r.measures.result });
    lines.push(t('rating.measuresLine', { result, clause: r.measures.clause }));
    for (const m of r.measures.list) lines.push(`  · ${m.text}${m.discretionary ? t('rating.discretionary') : ''}`);
  }
  appendInterpretations(lines, r, lang);
  return `${lines.join('\n')}\n`;
}

/** readingIn: an interpretation's reading in the language asked for (Chinese is the rule file's primary text). */
export function readingIn(i: { reading: string; readingZh?: string }, lang: Lang): string {
  return lang === 'zh' ? (i.readingZh ?? i.reading) : i.reading;
}

function appendInterpretations(lines: string[], r: RatingResult, lang: Lang): void {
  if (!r.interpretations.length) return;
  lines.push('');
  lines.push(translator(lang)('rating.interpretations'));
  const colon = lang === 'zh' ? '：' : ': ';
  for (const i of r.interpretations) lines.push(`  [${i.id}] ${i.about}${colon}${readingIn(i, lang)}`);
}

/**
 * renderProblemsText lists why an input was refused, one line per problem: a problem that keeps its
 * message's key is said in `lang`; one that does not keeps its own (English) text, on an English line.
 */
export function renderProblemsText(
  source: string,
  problems: (Problem & { messageId?: string; params?: Record<string, MessageParam> })[],
  lang: Lang = 'en',
): string {
  return `${problems
    .map((p) => {
      const t = translator(p.messageId ? lang : 'en');
      // The English text says whether it lists what is allowed already.
      const listed = p.message.includes('allowed') || p.message.includes('must be one of');
      const allowed = p.allowed?.length && !listed ? t('cli.problems.allowed', { allowed: p.allowed.join(', ') }) : '';
      return t('cli.problems.line', { source, path: p.path || '/', message: localText(p, lang), allowed });
    })
    .join('\n')}\n`;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0$/, '');
}
