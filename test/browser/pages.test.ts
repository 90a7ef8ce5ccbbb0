// The printable pages opened in a real browser (the system's headless Chromium): the rating report,
// the diff page, the annex 2 table and the API docs load without console errors, draw their Chinese
// text in a CJK font (as the renderer reports it, not as the CSS asks for it), and fit the width of
// the A4 page they are printed on.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffRulesets } from '../../src/diff/diff.js';
import { parseIsoDate } from '../../src/obligations/dates.js';
import { aggregate, checkReports } from '../../src/obligations/reports.js';
import type { RatingResult } from '../../src/rating/decorate.js';
import { renderAnnex2Html } from '../../src/render/annex2/html.js';
import { annex2Table } from '../../src/render/annex2/layout.js';
import { renderDiffHtml } from '../../src/render/diff/html.js';
import { renderResultHtml } from '../../src/render/rating/html.js';
import { loadRuleset } from '../../src/rules/load.js';
import { fixtureAmended, fixtureBase } from '../fixtures/helpers.js';
import { report, useService, zeros } from '../obligations/helper.js';
import { example, testApp, useRater } from '../server/helper.js';
import { chineseFonts, cjkFamily, mm, open, overflow, useBrowser } from './helper.js';

const ctx = useBrowser();
const obligations = useService();
const raters = useRater();

// The printable width of each page: A4 less the 12 mm margins its own @page rule sets.
const portrait = mm(210 - 24);
const landscape = mm(297 - 24);

const pages: Record<string, () => Promise<{ html: string } | { url: string }>> = {};
let app: FastifyInstance;

beforeAll(async () => {
  app = testApp({ rater: raters.rater, docs: 'public', pdf: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
});

function rating(name: 'typical-bank' | 'zero-score-bank'): RatingResult {
  const outcome = raters.rater.evaluate(example(name));
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
  return outcome.result;
}

pages['rating report'] = async () => ({ html: renderResultHtml(rating('typical-bank')) });
pages['rating report (zero score)'] = async () => ({ html: renderResultHtml(rating('zero-score-bank')) });
pages['diff page'] = async () => ({
  html: renderDiffHtml(diffRulesets(await loadRuleset(fixtureBase), await loadRuleset(fixtureAmended))),
});
pages['annex 2 page'] = async () => {
  const reports = [
    report({
      id: 'a',
      counts: { ...zeros, abnormalQueries: 2 },
      remarks: { abnormalQueries: '夜间查询 2 笔, 已核实' },
    }),
    report({
      id: 'b',
      institution: '中国工商银行北京市分行',
      counts: { ...zeros, unauthorizedQueries: 1 },
      remarks: { unauthorizedQueries: '无授权查询 1 笔' },
    }),
  ];
  const c = checkReports(
    obligations.service,
    reports.map((value, i) => ({ source: `r${i}`, value })),
    parseIsoDate('2025-01-01')!,
  );
  const all = aggregate(obligations.service, c.effective);
  if (!all.ok) throw new Error(`${all.message}: ${JSON.stringify(c.diagnostics)}`);
  return { html: renderAnnex2Html(annex2Table(obligations.service.set.doc.monthlyReport, all.result)) };
};
pages['/docs'] = async () => ({ url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/docs` });

const widths: Record<string, number> = { 'annex 2 page': landscape };

describe('the checks themselves', () => {
  it('see a table wider than the page, and Latin text drawn without a CJK font', async () => {
    const html =
      '<!DOCTYPE html><html><body><p>plain text</p><table style="width: 300mm"><tr><td>宽表</td></tr></table></body></html>';
    const { page } = await open(ctx.browser, { html }, portrait);
    expect((await overflow(page, portrait))[0]).toMatch(/^document scrollWidth \d+ > 703$/);
    await page.close();
  });
});

describe.each(Object.keys(pages))('%s in Chromium', (name) => {
  const width = widths[name] ?? portrait;

  it('loads without console errors, exceptions or failed requests', async () => {
    const { page, errors } = await open(ctx.browser, await pages[name](), width);
    if (name === '/docs') await page.waitForSelector('.information-container .title', { timeout: 20_000 });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws every Chinese character it shows in a CJK font', async () => {
    const { page } = await open(ctx.browser, await pages[name](), width);
    if (name === '/docs') await page.waitForSelector('.information-container .title', { timeout: 20_000 });
    const uses = await chineseFonts(page);
    expect(uses.length).toBeGreaterThan(0);
    for (const use of uses) {
      const cjkGlyphs = use.fonts.filter((f) => cjkFamily.test(f.familyName)).reduce((n, f) => n + f.glyphCount, 0);
      // Every Han character needs a glyph from a CJK font; fewer means some were drawn as tofu.
      expect({ text: use.text, enough: cjkGlyphs >= use.hanChars }).toEqual({ text: use.text, enough: true });
    }
    await page.close();
  });

  it('fits the width of its printed A4 page', async () => {
    const { page } = await open(ctx.browser, await pages[name](), width);
    if (name === '/docs') await page.waitForSelector('.information-container .title', { timeout: 20_000 });
    expect(await overflow(page, width)).toEqual([]);
    await page.close();
  });
});
