// The message catalogue: every text a person reads exists in Chinese and in English, every key the
// source asks for exists, and the Chinese texts are Chinese.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { type Code, severities } from '../../src/diagnostics/codes.js';
import { codeInfo } from '../../src/render/diagnostics/codes.js';
import { langFromAcceptLanguage, langs, loadCatalogue, translator } from '../../src/diagnostics/i18n.js';

/** flatten: key paths to texts, with i18next's plural suffixes folded into the base key. */
function flatten(o: Record<string, unknown>, prefix = ''): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of Object.entries(o)) {
    const key = `${prefix}${k}`;
    if (v !== null && typeof v === 'object') {
      for (const [kk, vv] of flatten(v as Record<string, unknown>, `${key}.`))
        out.set(kk, [...(out.get(kk) ?? []), ...vv]);
    } else {
      const base = key.replace(/_(zero|one|two|few|many|other)$/, '');
      out.set(base, [...(out.get(base) ?? []), String(v)]);
    }
  }
  return out;
}

const catalogues = Object.fromEntries(langs.map((l) => [l, flatten(loadCatalogue(l))]));
const cjk = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;
// Punctuation that joins texts (keys named …separator / …Separator) is not words in either language.
// A text that is only values and punctuation (`{{file}} {{path}} {{detail}}`) has no words either.
const onlyValues = (texts: string[]) => texts.every((t) => /^[\s\p{P}]*$/u.test(t.replace(/\{\{\w+\}\}/g, '')));
const separators = { has: (key: string) => key === 'lang' || /separator$/i.test(key) };

describe('message catalogue', () => {
  it('has every key in Chinese and in English, none empty', () => {
    const keys = new Set(langs.flatMap((l) => [...catalogues[l].keys()]));
    const missing: string[] = [];
    for (const key of keys)
      for (const l of langs) {
        const texts = catalogues[l].get(key);
        if (!texts?.length || texts.some((t) => t.trim() === '')) missing.push(`${l}: ${key}`);
      }
    expect(missing).toEqual([]);
    expect(keys.size).toBeGreaterThan(200);
  });

  it('writes the Chinese texts in Chinese and the English ones in English', () => {
    const notChinese = [...catalogues.zh].filter(
      ([k, v]) => !separators.has(k) && !onlyValues(v) && !v.every((t) => cjk.test(t)),
    );
    expect(notChinese).toEqual([]);
    const notEnglish = [...catalogues.en].filter(
      ([k, v]) => !separators.has(k) && !onlyValues(v) && !v.every((t) => /[A-Za-z]/.test(t)),
    );
    expect(notEnglish).toEqual([]);
  });

  it('holds a title and help in both languages for every diagnostic code', () => {
    for (const code of Object.keys(severities) as Code[])
      for (const l of langs) {
        const info = codeInfo(code, l);
        expect(info.title, `${l} ${code}`).not.toBe(`codes.${code}.title`);
        expect(info.help.length, `${l} ${code}`).toBeGreaterThan(10);
      }
    expect(codeInfo('RULE061', 'zh').title).toBe('条文并非逐字引自原文');
    expect(codeInfo('RULE061', 'en').title).toBe('Clause not in the source verbatim');
  });

  it('defines every key the source asks for by name', () => {
    const files = ['src', 'scripts']
      .flatMap((d) => readdirSync(join(repoRoot, d), { withFileTypes: true, recursive: true }))
      .filter((e) => e.isFile() && /\.(ts|mjs)$/.test(e.name))
      .map((e) => join(e.parentPath, e.name));
    const asked = new Set<string>();
    for (const f of files)
      for (const m of readFileSync(f, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*)'/g)) asked.add(m[1]);
    expect(asked.size).toBeGreaterThan(80);
    for (const l of langs)
      expect(
        [...asked].filter((k) => !catalogues[l].has(k)),
        l,
      ).toEqual([]);
  });

  it('plurals: English counts one and many, Chinese has one form', () => {
    expect(translator('en')('check.errors', { count: 1 })).toBe('1 error');
    expect(translator('en')('check.errors', { count: 2 })).toBe('2 errors');
    expect(translator('zh')('check.errors', { count: 2 })).toBe('2 个错误');
  });

  it('reads Accept-Language by quality, Chinese by default', () => {
    expect(langFromAcceptLanguage(undefined)).toBe('zh');
    expect(langFromAcceptLanguage('en-US,en;q=0.9')).toBe('en');
    expect(langFromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(langFromAcceptLanguage('fr, en;q=0.5, zh;q=0.4')).toBe('en');
    expect(langFromAcceptLanguage('fr')).toBe('zh');
    expect(langFromAcceptLanguage('en;q=0, zh;q=0.1')).toBe('zh');
  });
});
