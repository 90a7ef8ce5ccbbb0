// Render stage: the readable summary of a findings file: each derived finding with its rows (up to 50),
// and the items not derived with why (Chinese by default, English with --lang en).
import type { DerivedFindings } from '../../generated/types/evidence/findings.js';
import { defaultLang, type Lang, translator } from '../diagnostics/i18n.js';
import { reportRows as shown } from '../evidence/merge.js';

/** renderFindingsText lists what was derived, from which rows, and what was not. */
export function renderFindingsText(f: DerivedFindings, file?: string, lang: Lang = defaultLang): string {
  const t = translator(lang);
  const lines: string[] = [];
  lines.push(
    t('cli.findings.text.heading', { institution: f.institution, year: f.year, asOf: f.asOf, ruleset: f.ruleset.id }),
  );
  const tables = f.tables.map((x) => t('cli.findings.text.table', { table: x.table, file: x.file, rows: x.rows }));
  lines.push(
    t('cli.findings.text.evidence', {
      tables: tables.join(t('cli.findings.text.tableSeparator')) || t('cli.findings.text.none'),
    }),
  );
  lines.push('');
  lines.push(t('cli.findings.text.derived'));
  for (const d of f.derived) {
    const base = d.counted !== undefined ? t('cli.findings.text.counted', { count: d.counted }) : '';
    lines.push(`  ${d.item} ${d.finding} = ${JSON.stringify(d.value)}${base}`);
    for (const r of d.rows.slice(0, shown))
      lines.push(`      ${t('cli.findings.text.row', { table: r.table, row: r.row, key: r.key, why: r.why })}`);
    if (d.total > shown)
      lines.push(
        `      ${t('cli.findings.text.more', { more: d.total - shown, total: d.total, all: file ? t('cli.findings.text.all', { file }) : '' })}`,
      );
  }
  if (f.notDerived.length) {
    lines.push('');
    lines.push(t('cli.findings.text.notDerived'));
    for (const n of f.notDerived) lines.push(`  ${n.item}${n.finding ? ` ${n.finding}` : ''}: ${n.reason}`);
  }
  if (file) {
    lines.push('');
    lines.push(t('cli.findings.text.written', { file }));
  }
  return `${lines.join('\n')}\n`;
}
