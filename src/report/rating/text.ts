// Report stage: the readable breakdown of a rating, in the table's own Chinese wording.
import type { RatingResult } from '../../rating/decorate.js';
import type { Problem } from '../../validation/explain.js';

const kindLabel: Record<string, string> = { national: '全国性接入机构', local: '地方性接入机构' };

/** renderResultText prints every item that lost (or gained) points, the grade and what follows from it. */
export function renderResultText(r: RatingResult): string {
  const lines: string[] = [];
  const who = `${r.institution.name}${r.institution.branchOf ? `（${r.institution.branchOf}分支机构）` : ''}`;
  lines.push(`${who} · ${kindLabel[r.institution.type]} · ${r.year} 年度考核评级`);
  lines.push(`规则：${r.ruleset.id}  ${r.ruleset.hash}`);
  lines.push('');
  if (!r.rated) {
    lines.push(`不进行考核评级：${r.notRated?.clause ?? ''}`);
    appendInterpretations(lines, r);
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    `考核计分：${fmt(r.score!)} 分    等级：${r.grade}${r.downgrade ? `（由 ${r.downgrade.baseGrade} 级下调一级）` : ''}`,
  );
  if (r.zeroScore) {
    lines.push(`直接定为 0 分（各项得分合计 ${fmt(r.subtotal!)} 分）：`);
    for (const t of r.zeroScore.triggers) lines.push(`  ${t.clause}`);
  }
  if (r.downgrade) {
    lines.push('下调一级：');
    for (const t of r.downgrade.triggers) lines.push(`  ${t.clause}`);
  }
  // A 第十五条 trigger met beside a zero score still happened: listed, marked as not applied, with why.
  const setAside = (r.triggers ?? []).filter((t) => !t.applied);
  if (setAside.length) {
    lines.push('同时符合但未适用（applied: false）：');
    for (const t of setAside) lines.push(`  ${t.article}${t.clause}`, `    未适用：${t.reason ?? ''}`);
  }
  lines.push('');
  lines.push('评价项目');
  for (const d of r.dimensions) lines.push(`  ${d.name.padEnd(10, '　')} ${fmt(d.score).padStart(5)} / ${d.maxPoints}`);
  lines.push('');
  const touched = r.items.filter((i) => i.deductions.length > 0);
  lines.push(touched.length ? '扣分与加分' : '扣分与加分：无');
  for (const item of touched) {
    lines.push(
      `  ${item.id} ${item.name}  ${fmt(item.score)} / ${item.maxPoints}${item.floored ? '（扣完为止）' : ''}`,
    );
    for (const d of item.deductions) {
      const what = d.zero ? '不得分' : d.bonus ? `加 ${fmt(d.points)} 分` : `扣 ${fmt(d.points)} 分`;
      const count = d.kind === 'perOccurrence' ? ` × ${d.count}` : d.value !== undefined ? `（${d.value}）` : '';
      lines.push(`    ${what}${count}${d.capped ? '（已达扣分上限）' : ''}  ${d.clause}`);
    }
  }
  lines.push('');
  if (r.measures) {
    lines.push(
      `监管措施（${r.measures.result === 'zero' ? '0 分' : `${r.measures.result} 级`}）：${r.measures.clause}`,
    );
    for (const m of r.measures.list) lines.push(`  · ${m.text}${m.discretionary ? '（可视情况采取）' : ''}`);
  }
  appendInterpretations(lines, r);
  return `${lines.join('\n')}\n`;
}

function appendInterpretations(lines: string[], r: RatingResult): void {
  if (!r.interpretations.length) return;
  lines.push('');
  lines.push('所依据的解释（原文有歧义之处）：');
  for (const i of r.interpretations) lines.push(`  [${i.id}] ${i.about}: ${i.reading}`);
}

/** renderProblemsText lists why an input was refused, one line per problem. */
export function renderProblemsText(source: string, problems: Problem[]): string {
  return `${problems
    .map(
      (p) =>
        `${source}: ${p.path || '/'}: ${p.message}${p.allowed?.length && !p.message.includes('allowed') && !p.message.includes('must be one of') ? ` (allowed: ${p.allowed.join(', ')})` : ''}`,
    )
    .join('\n')}\n`;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0$/, '');
}
