// Validation: text an input may carry. Every string (and key) must be well-formed Unicode, since a lone
// surrogate cannot be passed to the WASM policy; names that decide a rating (the institution, its
// parent, its region, a pinned ruleset) must not hide characters a reader cannot see: control and
// format characters (NUL, zero-width space, BOM, right-to-left override…) are refused, naming the
// character and its position, and so are spaces around a name (refused rather than trimmed, so that
// the decision log records exactly the name that was rated).
import { hexCode } from './json-syntax.js';
import type { Problem } from '../../generated/types/http/problem.js';

/** nameFields: the JSON pointers of the names that choose an annex 1 entry or a regional ruleset. */
export const nameFields = ['/institution/name', '/institution/branchOf', '/institution/region', '/ruleset'];

// Cc (controls), Cf (format: ZWSP U+200B is Cf, as are BOM U+FEFF and RLO U+202E), Zl and Zp.
const hidden = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const edgeSpace = /^\s|\s$/u;

/** textProblems returns why an input's text is refused (empty when it is accepted). */
export function textProblems(input: unknown): Problem[] {
  const problems: Problem[] = [];
  walk(input, '', problems);
  if (problems.length) return problems;
  for (const pointer of nameFields) {
    const value = at(input, pointer);
    if (typeof value === 'string') {
      const p = nameProblem(value);
      if (p) problems.push({ path: pointer, message: p });
    }
  }
  return problems;
}

/** nameProblem says why a name is refused, or undefined when it is accepted. */
export function nameProblem(name: string): string | undefined {
  const m = hidden.exec(name);
  if (m) {
    const code = m[0].codePointAt(0)!;
    const position = [...name.slice(0, m.index)].length + 1;
    return `holds the invisible character ${hexCode(code)}${label(code)} at character ${position}; names may hold only visible characters and inner spaces`;
  }
  if (edgeSpace.test(name)) {
    const code = (/^\s/u.test(name) ? name[0] : name[name.length - 1]).codePointAt(0)!;
    return `begins or ends with a space (${hexCode(code)}); send the name without surrounding spaces`;
  }
  return undefined;
}

const labels: Record<number, string> = {
  0: 'NUL',
  9: 'tab',
  10: 'line feed',
  13: 'carriage return',
  8203: 'zero-width space',
  8204: 'zero-width non-joiner',
  8205: 'zero-width joiner',
  8206: 'left-to-right mark',
  8207: 'right-to-left mark',
  8238: 'right-to-left override',
  8288: 'word joiner',
  65279: 'byte order mark / zero-width no-break space',
};

function label(code: number): string {
  return labels[code] ? ` (${labels[code]})` : '';
}

function walk(value: unknown, path: string, problems: Problem[]): void {
  if (problems.length >= 20) return;
  if (typeof value === 'string') {
    if (!wellFormed(value))
      problems.push({
        path,
        message: `holds a lone surrogate (${hexCode(loneSurrogate(value))}), which is not a character: text must be well-formed Unicode`,
      });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      walk(v, `${path}/${i}`, problems);
    });
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const p = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!wellFormed(k))
      problems.push({ path: p, message: `the key holds a lone surrogate (${hexCode(loneSurrogate(k))})` });
    else walk(v, p, problems);
  }
}

// String.prototype.isWellFormed is in Node 20 but not in the ES2022 library this project compiles against.
const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function wellFormed(s: string): boolean {
  return !lone.test(s);
}

function loneSurrogate(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (n >= 0xdc00 && n <= 0xdfff) i++;
      else return c;
    } else if (c >= 0xdc00 && c <= 0xdfff) return c;
  }
  return 0xfffd;
}

function at(value: unknown, pointer: string): unknown {
  let v = value;
  for (const key of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}
