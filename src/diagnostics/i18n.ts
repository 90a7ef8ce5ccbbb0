// Diagnostics: the message catalogue of every human-readable output (reports, diff, impact, check, CLI),
// kept beside the diagnostics whose messages are half of it, so the lowest layer is one folder. The
// texts live in locales/<lang>.json, one file per language, read by i18next; Chinese is the default.
// A message (message.ts, a key and values) is written in a language here.
import { readFileSync } from 'node:fs';
import i18next, { type TFunction } from 'i18next';
import { isMessage, type Message, type MessageParam } from './message.js';

/** Lang: the languages the catalogue holds; Chinese is primary, English is kept beside it. */
export type Lang = 'zh' | 'en';
export const langs: readonly Lang[] = ['zh', 'en'];
export const defaultLang: Lang = 'zh';

/** T: a translate function fixed to one language. */
export type T = TFunction;

/** catalogueFile: where one language's catalogue is (locales/ at the package root, from src/ or dist/). */
export function catalogueFile(lang: Lang): URL {
  return new URL(`../../locales/${lang}.json`, import.meta.url);
}

/** loadCatalogue reads one language's catalogue as a plain object. */
export function loadCatalogue(lang: Lang): Record<string, unknown> {
  return JSON.parse(readFileSync(catalogueFile(lang), 'utf8')) as Record<string, unknown>;
}

// One instance for the process, initialised synchronously on first use: the catalogue is a few KB.
let instance: typeof i18next | undefined;
function ready(): typeof i18next {
  if (instance) return instance;
  const created = i18next.createInstance();
  created.init({
    resources: Object.fromEntries(langs.map((l) => [l, { translation: loadCatalogue(l) }])),
    lng: defaultLang,
    // A missing text is a bug the catalogue test catches; never show the other language instead.
    fallbackLng: false,
    initAsync: false,
    // Every renderer escapes for its own format (HTML, Markdown, workflow commands).
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  instance = created;
  return created;
}

/** translator returns the translate function of one language. */
export function translator(lang: Lang = defaultLang): T {
  return ready().getFixedT(lang);
}

/** isLang: whether a string names a language of the catalogue. */
export function isLang(s: string | undefined): s is Lang {
  return s === 'zh' || s === 'en';
}

/**
 * langFromAcceptLanguage picks zh or en from an HTTP Accept-Language header by quality, the first of
 * equal weight winning; without a header or a match it is Chinese.
 */
export function langFromAcceptLanguage(header: string | undefined): Lang {
  if (!header) return defaultLang;
  let best: { lang: Lang; q: number } | undefined;
  for (const part of header.split(',')) {
    const [tag, ...params] = part.trim().split(';');
    const q = Number(
      params
        .find((p) => p.trim().startsWith('q='))
        ?.trim()
        .slice(2) ?? 1,
    );
    const primary = tag.trim().toLowerCase().split('-')[0];
    const lang = primary === 'zh' ? 'zh' : primary === 'en' ? 'en' : undefined;
    if (lang && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? defaultLang;
}

/** displayWidth: the columns a text takes in a terminal, a CJK character (or full-width sign) taking two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return w;
}

/** padDisplay pads a text with spaces to a terminal width, so that Chinese and English columns line up. */
export function padDisplay(s: string, columns: number): string {
  return s + ' '.repeat(Math.max(0, columns - displayWidth(s)));
}

/** renderMessage writes a message in one language, the messages among its values first. */
export function renderMessage(m: Message, lang: Lang): string {
  const values: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(m.params ?? {})) values[k] = isMessage(v) ? renderMessage(v, lang) : v;
  return translator(lang)(m.key, values);
}

/** said gives a message's fields; a plain text (from outside the catalogue) stays as it is. */
export function said(m: Message | string): {
  message: string;
  messageId?: string;
  params?: Record<string, MessageParam>;
} {
  if (typeof m === 'string') return { message: m };
  return { message: renderMessage(m, 'en'), messageId: m.key, ...(m.params ? { params: m.params } : {}) };
}

/** localText: the text of something that carries a message, in a language; English text when it has no key. */
export function localText(
  x: { message: string; messageId?: string; params?: Record<string, MessageParam> },
  lang: Lang,
): string {
  return x.messageId ? renderMessage({ key: x.messageId, params: x.params }, lang) : x.message;
}

/**
 * SaidError: an error whose message is a catalogue key and values (`said`), for the text in a reader's
 * language; `message` is its English text, what logs and tools read.
 */
export class SaidError extends Error {
  readonly said: Message;
  constructor(said: Message, name: string) {
    super(renderMessage(said, 'en'));
    this.name = name;
    this.said = said;
  }
}
