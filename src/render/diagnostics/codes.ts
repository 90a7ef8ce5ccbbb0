// Render stage: each diagnostic code's title and help in one language, from the message catalogue, for
// the formats that show them (SARIF rules, GitHub titles, Chinese lines) and for docs/codes.md.
import { type Code, type Severity, severities } from '../../diagnostics/codes.js';
import { type Lang, translator } from '../../diagnostics/i18n.js';

/** CodeInfo: what one diagnostic code means and what to do about it. */
export interface CodeInfo {
  severity: Severity;
  title: string;
  /** What the person who edits the file does to clear it. */
  help: string;
}

/** codeInfo: one code's severity, title and help in one language (English unless asked). */
export function codeInfo(code: Code, lang: Lang = 'en'): CodeInfo {
  const t = translator(lang);
  return { severity: severities[code], title: t(`codes.${code}.title`), help: t(`codes.${code}.help`) };
}

/** codes: every declared code with its English title and help (the words of docs/codes.md and SARIF). */
export const codes = Object.fromEntries(
  (Object.keys(severities) as Code[]).map((code) => [code, codeInfo(code)]),
) as Record<Code, CodeInfo>;

/** codeList: every declared code in order, with its description, in one language (English unless asked). */
export function codeListIn(lang: Lang): readonly ({ code: Code } & CodeInfo)[] {
  return (Object.keys(severities) as Code[]).map((code) => ({ code, ...codeInfo(code, lang) }));
}
export const codeList: readonly ({ code: Code } & CodeInfo)[] = codeListIn('en');
