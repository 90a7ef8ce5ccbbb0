// The rating report as PDF for the archive: from the CLI (`evaluate --format pdf`) and the service
// (`Accept: application/pdf`), A4, the ruleset id and hash on every page, one browser launched and
// reused, a bounded queue, and a clear refusal where no browser is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { PdfPrinter, PrinterBusy } from '../../src/render/pdf/browser.js';
import { example, testApp, useRater } from '../server/helper.js';

const cli = `${repoRoot}dist/cli/main.js`;
const raters = useRater();

interface PdfPage {
  width: number;
  height: number;
  text: string;
}

/** pagesOf reads a PDF back: each page's size in mm and its text (pdf.js normalises some CJK forms, so tests match ASCII). */
async function pagesOf(bytes: Uint8Array): Promise<PdfPage[]> {
  const doc = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  const out: PdfPage[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const [, , w, h] = page.view;
    const text = (await page.getTextContent()).items.map((t) => ('str' in t ? t.str : '')).join('');
    out.push({ width: Math.round((w * 25.4) / 72), height: Math.round((h * 25.4) / 72), text });
  }
  await doc.destroy();
  return out;
}

function hashOf(name: 'typical-bank' | 'clean-bank'): string {
  const outcome = raters.rater.evaluate(example(name));
  if (!outcome.ok) throw new Error('refused');
  return outcome.result.ruleset.hash;
}

/** expectArchivable: A4 portrait, and every page names the ruleset hash and its own number. */
async function expectArchivable(bytes: Uint8Array, hash: string): Promise<PdfPage[]> {
  expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
  const pages = await pagesOf(bytes);
  expect(pages.length).toBeGreaterThanOrEqual(2);
  pages.forEach((p, i) => {
    expect([p.width, p.height]).toEqual([210, 297]);
    expect(p.text).toContain(hash);
    expect(p.text).toContain('yinfa-2018-102');
    expect(p.text).toMatch(new RegExp(`第 ${i + 1} .? / 共 ${pages.length} .?`));
  });
  return pages;
}

describe('credit-policy evaluate --format pdf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-pdf-'));

  it('writes the report as an A4 PDF with the ruleset hash on every page', async () => {
    const out = join(dir, 'typical.pdf');
    const r = spawnSync(
      process.execPath,
      [cli, 'evaluate', 'examples/typical-bank.json', '--format', 'pdf', '--out', out],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const pages = await expectArchivable(readFileSync(out), hashOf('typical-bank'));
    // The report itself: the score and grade of the typical case, and a deduction's clause.
    expect(pages[0].text).toMatch(/82 分.*B 级/);
  });

  it('writes PDF to standard output when it is not a terminal', () => {
    const r = spawnSync(process.execPath, [cli, 'evaluate', 'examples/clean-bank.json', '--format', 'pdf'], {
      cwd: repoRoot,
    });
    expect(r.status).toBe(0);
    expect(r.stdout.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('says how to install a browser, and writes nothing, when none is found', () => {
    const out = join(dir, 'none.pdf');
    const r = spawnSync(
      process.execPath,
      [cli, '--lang', 'en', 'evaluate', 'examples/typical-bank.json', '--format', 'pdf', '--out', out],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' },
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "PDF output needs a headless Chromium, and CHROMIUM_PATH=/nonexistent/chromium is not an executable: install Debian's chromium package (apt-get install -y chromium fonts-noto-cjk), or set CHROMIUM_PATH to a Chromium or Chrome executable\n",
    );
    expect(existsSync(out)).toBe(false);
    // In Chinese by default.
    const zh = spawnSync(
      process.execPath,
      [cli, 'evaluate', 'examples/typical-bank.json', '--format', 'pdf', '--out', out],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' },
      },
    );
    expect([zh.status, zh.stderr]).toEqual([
      2,
      '输出 PDF 需要无头 Chromium，但 CHROMIUM_PATH=/nonexistent/chromium 不是可执行文件：请安装 Debian 的 chromium 软件包（apt-get install -y chromium fonts-noto-cjk），或将 CHROMIUM_PATH 设为 Chromium 或 Chrome 的可执行文件\n',
    ]);
  });

  it('refuses an unknown format', () => {
    const r = spawnSync(
      process.execPath,
      [cli, '--lang', 'en', 'evaluate', 'examples/typical-bank.json', '--format', 'docx'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    expect([r.status, r.stderr]).toEqual([2, '--format must be one of text, json, html, pdf, not "docx"\n']);
  });
});

describe('Accept: application/pdf on POST /v1/evaluate', () => {
  const printer = new PdfPrinter();
  afterAll(() => printer.close());

  it('answers the report as PDF, printing with one browser launched on the first request and reused', async () => {
    const app = testApp({ rater: raters.rater, pdf: printer });
    expect(printer.launched).toBe(false);
    const post = () =>
      app.inject({
        method: 'POST',
        url: '/v1/evaluate',
        headers: { accept: 'application/pdf' },
        payload: example('typical-bank'),
      });
    const answers = await Promise.all([post(), post(), post()]);
    for (const res of answers) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers.vary).toBe('Accept, Accept-Language');
      await expectArchivable(res.rawPayload, hashOf('typical-bank'));
    }
    expect(printer.launches).toBe(1);
    // The app owns the printer it was handed: closing the app ends the browser.
    await app.close();
    expect(printer.launched).toBe(false);
  });

  it('refuses PDFs with 503 pdf-unavailable, saying what to install, when no browser is found; JSON still works', async () => {
    const app = testApp({ rater: raters.rater, pdf: new PdfPrinter({ executablePath: undefined }) });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/evaluate',
      headers: { accept: 'application/pdf' },
      payload: example('clean-bank'),
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      error: 'pdf-unavailable',
      message:
        "this service cannot print PDFs: no headless Chromium was found (install Debian's chromium package (apt-get install -y chromium fonts-noto-cjk), or set CHROMIUM_PATH to a Chromium or Chrome executable); ask for application/json or text/html",
    });
    const json = await app.inject({ method: 'POST', url: '/v1/evaluate', payload: example('clean-bank') });
    expect([json.statusCode, json.json().grade]).toEqual([200, 'A']);
    await app.close();
  });
});

describe('PdfPrinter', () => {
  it('queues at most maxWaiting prints beyond those it runs, and refuses more with PrinterBusy', async () => {
    const printer = new PdfPrinter({ concurrency: 1, maxWaiting: 1 });
    const html = '<!DOCTYPE html><html><body><p>征信</p></body></html>';
    const settled = await Promise.allSettled([
      printer.print(html, {}),
      printer.print(html, {}),
      printer.print(html, {}),
    ]);
    await printer.close();
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((settled[2] as PromiseRejectedResult).reason).toBeInstanceOf(PrinterBusy);
    expect(printer.launches).toBe(1);
  });

  it('closes an idle browser and launches a new one for the next print', async () => {
    const printer = new PdfPrinter({ idleClose: 50 });
    const html = '<!DOCTYPE html><html><body><p>征信</p></body></html>';
    await printer.print(html, {});
    await new Promise((r) => setTimeout(r, 1500));
    expect(printer.launched).toBe(false);
    await printer.print(html, {});
    expect(printer.launches).toBe(2);
    await printer.close();
  });
});
