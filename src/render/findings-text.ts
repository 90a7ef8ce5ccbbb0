// Render stage: the readable summary of a findings file: each derived finding with its first rows,
// and the items not derived with why.
import type { DerivedFindings } from '../../generated/types/evidence/findings.js';

const shown = 5;

/** renderFindingsText lists what was derived, from which rows, and what was not. */
export function renderFindingsText(f: DerivedFindings, file?: string): string {
  const lines: string[] = [];
  lines.push(`${f.institution} · ${f.year} 年度 · 截至 ${f.asOf} · 规则 ${f.ruleset.id}`);
  lines.push(`证据：${f.tables.map((t) => `${t.table} ${t.file} (${t.rows} 行)`).join('；') || '无'}`);
  lines.push('');
  lines.push('由证据推导的事实');
  for (const d of f.derived) {
    const base = d.counted !== undefined ? `（计入 ${d.counted} 行）` : '';
    lines.push(`  ${d.item} ${d.finding} = ${JSON.stringify(d.value)}${base}`);
    for (const r of d.rows.slice(0, shown)) lines.push(`      ${r.table} 第 ${r.row} 行 ${r.key}: ${r.why}`);
    if (d.total > shown) lines.push(`      … 共 ${d.total} 行${file ? `，全部见 ${file}` : ''}`);
  }
  if (f.notDerived.length) {
    lines.push('');
    lines.push('未推导（须由评级人员录入）');
    for (const n of f.notDerived) lines.push(`  ${n.item}${n.finding ? ` ${n.finding}` : ''}: ${n.reason}`);
  }
  if (file) {
    lines.push('');
    lines.push(`已写入 ${file}`);
  }
  return `${lines.join('\n')}\n`;
}
