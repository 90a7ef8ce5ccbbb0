// Test helper for the browser tests: one headless Chromium per test file (the system's, as the PDF
// adapter finds it), and what a page shows once loaded: console errors, the fonts its Chinese text was
// drawn with, and whether it fits the width of its printed page.
import puppeteer, { type Browser, type CDPSession, type Page, type Protocol } from 'puppeteer-core';
import { afterAll, beforeAll } from 'vitest';
import { findChromium, installHint } from '../../src/render/pdf/browser.js';

/** useBrowser launches the browser before the file's tests and closes it after them. */
export function useBrowser(): { browser: Browser } {
  const ctx = {} as { browser: Browser };
  beforeAll(async () => {
    const executablePath = findChromium();
    // Not a skip: the browser tests are part of npm test, and .ci/run installs the browser.
    if (!executablePath) throw new Error(`the browser tests need a headless Chromium: ${installHint}`);
    ctx.browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
    });
  });
  afterAll(async () => {
    await ctx.browser?.close();
  });
  return ctx;
}

/** mm in CSS pixels (96 per inch). */
export const mm = (n: number) => Math.round((n * 96) / 25.4);

export interface Opened {
  page: Page;
  /** Console errors, uncaught exceptions and failed requests, in the order they happened. */
  errors: string[];
}

/** open loads a page (a URL, or an HTML document) at the given width, recording what goes wrong. */
export async function open(
  browser: Browser,
  target: { url: string } | { html: string },
  width: number,
): Promise<Opened> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`exception: ${(e as Error).message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.setViewport({ width, height: mm(297) });
  if ('url' in target) await page.goto(target.url, { waitUntil: 'networkidle0' });
  else await page.setContent(target.html, { waitUntil: 'load' });
  await page.evaluate('document.fonts.ready');
  return { page, errors };
}

const han = /\p{Script=Han}/u;
const hanAll = /\p{Script=Han}/gu;

/** CJK families the fonts-noto-cjk package (or another CJK font) provides. */
export const cjkFamily = /CJK|Source Han|WenQuanYi|Droid Sans Fallback|AR PL|Hei|Song|Ming/i;

export interface FontUse {
  text: string;
  hanChars: number;
  fonts: { familyName: string; glyphCount: number }[];
}

/**
 * chineseFonts asks the renderer (CDP CSS.getPlatformFontsForNode) which fonts drew the text of up
 * to `limit` elements whose own text contains Chinese characters.
 */
export async function chineseFonts(page: Page, limit = 60): Promise<FontUse[]> {
  const cdp: CDPSession = await page.createCDPSession();
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const out: FontUse[] = [];
  const visit = async (node: Protocol.DOM.Node): Promise<void> => {
    if (out.length >= limit) return;
    if (node.nodeType === 1 && !['SCRIPT', 'STYLE', 'TITLE', 'HEAD'].includes(node.nodeName)) {
      const own = (node.children ?? [])
        .filter((c) => c.nodeType === 3)
        .map((c) => c.nodeValue)
        .join('');
      if (han.test(own)) {
        const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId: node.nodeId });
        out.push({ text: own.trim().slice(0, 40), hanChars: own.match(hanAll)?.length ?? 0, fonts });
      }
    }
    for (const child of node.children ?? []) await visit(child);
  };
  await visit(root);
  await cdp.detach();
  return out;
}

/** overflow lists the elements whose box reaches past the page width (the document's own scroll width first). */
export async function overflow(page: Page, width: number): Promise<string[]> {
  await page.emulateMediaType('print');
  return page.evaluate((w: number) => {
    const over: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > w + 1) over.push(`document scrollWidth ${doc.scrollWidth} > ${w}`);
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > w + 1)
        over.push(`${el.tagName.toLowerCase()}.${el.className} right ${Math.round(r.right)} > ${w}`);
      if (over.length > 10) break;
    }
    return over;
  }, width);
}
