// Diagnostics: the closed set of diagnostic codes. Every code any stage emits is declared here once with
// its default severity; its title and what a policy editor does about it are in the message catalogue
// (locales/<lang>.json, `codes.<CODE>`), in Chinese and English. docs/codes.md documents the same list
// (in English), and test/check/codes.test.ts fails when code, declaration and docs disagree.
import { type Lang, translator } from '../i18n/i18n.js';

/** Severity: an error refuses (and makes `check` exit 1); a warning is shown and refuses nothing. */
export type Severity = 'error' | 'warning';

/** CodeInfo: what one diagnostic code means and what to do about it. */
export interface CodeInfo {
  severity: Severity;
  title: string;
  /** What the person who edits the file does to clear it. */
  help: string;
}

export const severities = {
  RULE001: 'error',
  RULE002: 'error',
  RULE003: 'error',
  RULE010: 'error',
  RULE011: 'error',
  RULE012: 'error',
  RULE013: 'error',
  RULE014: 'error',
  RULE020: 'error',
  RULE021: 'error',
  RULE022: 'error',
  RULE023: 'error',
  RULE030: 'error',
  RULE031: 'error',
  RULE040: 'error',
  RULE051: 'error',
  RULE060: 'warning',
  RULE061: 'error',
  RULE070: 'error',
  RULE071: 'error',
  RULE072: 'error',
  RULE080: 'error',
  RULE081: 'error',
  RULE082: 'error',
  RULE083: 'error',
  RULE084: 'error',
  TEST001: 'error',
  TEST002: 'error',
  TEST003: 'error',
  REGO001: 'error',
  REGO002: 'error',
  REGO003: 'error',
  REGO004: 'warning',
  COV001: 'error',
  OBL002: 'error',
  OBL003: 'error',
  OBL010: 'error',
  OBL011: 'error',
  OBL012: 'error',
  OBL013: 'error',
  OBL020: 'error',
  OBL021: 'error',
  CAL002: 'error',
  CAL003: 'error',
  CAL004: 'error',
  KEY001: 'error',
  KEY002: 'error',
  KEY003: 'error',
  KEY004: 'error',
  EVID000: 'error',
  EVID001: 'error',
  EVID002: 'error',
  EVID003: 'error',
  EVID004: 'error',
  EVID005: 'error',
  EVID006: 'error',
  EVID007: 'error',
  EVID008: 'error',
  EVID010: 'error',
  EVID011: 'error',
  EVID012: 'error',
  EVID020: 'error',
  EVID021: 'error',
  EVID030: 'error',
  EVID031: 'error',
  EVID032: 'error',
  EVID040: 'error',
} as const satisfies Record<string, Severity>;

export type Code = keyof typeof severities;

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
