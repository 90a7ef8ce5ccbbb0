// Render stage: `check` as JSON: the report model itself, for tools. Each diagnostic's `message` is in
// the language asked for (Chinese by default, `--lang en` for the English text); a tool matches on the
// stable `code`, `messageId` and `params`, which are the same in every language.
import type { CheckFindings } from '../../diagnostics/findings.js';
import { defaultLang, type Lang } from '../../diagnostics/i18n.js';
import { localText } from '../../diagnostics/i18n.js';

export function renderCheckJson(report: CheckFindings, lang: Lang = defaultLang): string {
  const diagnostics = report.diagnostics.map((d) => ({ ...d, message: localText(d, lang) }));
  return `${JSON.stringify({ ...report, diagnostics }, null, 2)}\n`;
}
