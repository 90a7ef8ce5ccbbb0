// Render stage (PDF adapter): the system's headless Chromium, found on the machine (Debian's `chromium`
// package, or CHROMIUM_PATH), launched on the first PDF asked for, reused by the next ones, bounded in
// how many pages it prints at once and how many wait, and closed when idle or when its owner closes.
import { accessSync, constants } from 'node:fs';
import type { Browser, PDFOptions } from 'puppeteer-core';

/** candidates: where Debian, Ubuntu and Chrome's own packages put the browser, in the order tried. */
const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable'];

/** installHint: what a reader of the error does to get PDFs. */
export const installHint =
  "install Debian's chromium package (apt-get install -y chromium fonts-noto-cjk), or set CHROMIUM_PATH to a Chromium or Chrome executable";

/** Why there is no browser: none found, CHROMIUM_PATH names no executable, it would not start, or the printer was closed. */
export type Unavailability = 'notFound' | 'badPath' | 'launchFailed' | 'closed';

/** BrowserUnavailable: no browser to print with; `reason`, `path` and `detail` let a caller say it in its own language. */
export class BrowserUnavailable extends Error {
  constructor(
    readonly reason: Unavailability,
    readonly path = '',
    readonly detail = '',
  ) {
    const text: Record<Unavailability, string> = {
      notFound: `PDF output needs a headless Chromium, and none was found: ${installHint}`,
      badPath: `PDF output needs a headless Chromium, and CHROMIUM_PATH=${path} is not an executable: ${installHint}`,
      launchFailed: `the browser at ${path} did not start (${detail}); ${installHint}`,
      closed: 'the PDF printer was closed',
    };
    super(text[reason]);
    this.name = 'BrowserUnavailable';
  }
}

/** PrinterBusy: more PDFs are waiting than the printer queues; try again shortly. */
export class PrinterBusy extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrinterBusy';
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** findChromium is the browser to print with: CHROMIUM_PATH when set (it must exist), else the first installed candidate. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return executable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  return candidates.find(executable);
}

export interface PrinterOptions {
  /** The browser executable (default: findChromium(); given as undefined: none, every print is refused). */
  executablePath?: string;
  /** Pages printed at once (2). */
  concurrency?: number;
  /** PDFs that may wait for a page before more are refused with PrinterBusy (16). */
  maxWaiting?: number;
  /** Milliseconds one PDF may take, launch included (30 s). */
  timeout?: number;
  /** Milliseconds without a PDF after which the browser is closed (60 s; 0 keeps it open). */
  idleClose?: number;
}

/** PdfPrinter prints self-contained HTML documents to PDF with one shared headless browser. */
export class PdfPrinter {
  private browser: Promise<Browser> | undefined;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** launches counts the browser processes started (one, while it stays up). */
  launches = 0;
  readonly options: Required<Omit<PrinterOptions, 'executablePath'>> & { executablePath: string | undefined };

  constructor(options: PrinterOptions = {}) {
    this.options = {
      executablePath: 'executablePath' in options ? options.executablePath : findChromium(),
      concurrency: options.concurrency ?? 2,
      maxWaiting: options.maxWaiting ?? 16,
      timeout: options.timeout ?? 30_000,
      idleClose: options.idleClose ?? 60_000,
    };
  }

  /** available says whether a browser executable was found (the launch itself may still fail). */
  get available(): boolean {
    return this.options.executablePath !== undefined;
  }

  /** launched says whether a browser process is up (or starting). */
  get launched(): boolean {
    return this.browser !== undefined;
  }

  /** print renders one HTML document to PDF bytes with the given page options. */
  async print(html: string, pdf: PDFOptions): Promise<Uint8Array> {
    if (this.closed) throw new BrowserUnavailable('closed');
    if (!this.options.executablePath)
      throw process.env.CHROMIUM_PATH
        ? new BrowserUnavailable('badPath', process.env.CHROMIUM_PATH)
        : new BrowserUnavailable('notFound');
    await this.slot();
    clearTimeout(this.idleTimer);
    try {
      return await withTimeout(this.printOnce(html, pdf), this.options.timeout);
    } finally {
      this.release();
    }
  }

  /** close ends the browser process, if one was launched; later prints are refused. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    await this.shutdown();
  }

  private async printOnce(html: string, pdf: PDFOptions): Promise<Uint8Array> {
    const browser = await this.launch();
    const page = await browser.newPage();
    try {
      // The pages are self-contained: nothing is fetched, so nothing can hang on the network.
      await page.setJavaScriptEnabled(false);
      await page.setContent(html, { waitUntil: 'load' });
      await page.evaluateHandle('document.fonts.ready').catch(() => undefined);
      return await page.pdf({ format: 'A4', printBackground: true, ...pdf });
    } finally {
      await page.close().catch(() => undefined);
    }
  }

  private launch(): Promise<Browser> {
    if (!this.browser) {
      const executablePath = this.options.executablePath!;
      this.launches++;
      const starting = import('puppeteer-core')
        .then(({ default: puppeteer }) =>
          puppeteer.launch({
            executablePath,
            headless: true,
            // --no-sandbox: the service may run as root in a container, where Chromium's sandbox cannot start.
            args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
          }),
        )
        .then((browser) => {
          // A browser that dies is launched again on the next PDF.
          browser.once('disconnected', () => {
            if (this.browser === starting) this.browser = undefined;
          });
          return browser;
        })
        .catch((err: Error) => {
          this.browser = undefined;
          throw new BrowserUnavailable('launchFailed', executablePath, err.message);
        });
      this.browser = starting;
    }
    return this.browser;
  }

  private async shutdown(): Promise<void> {
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await (await browser.catch(() => undefined))?.close().catch(() => undefined);
  }

  private slot(): Promise<void> {
    if (this.running < this.options.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.options.maxWaiting)
      return Promise.reject(new PrinterBusy(`${this.waiting.length} PDFs are already waiting for the printer`));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) {
      next();
      return;
    }
    this.running--;
    if (this.running === 0 && this.options.idleClose > 0 && !this.closed) {
      this.idleTimer = setTimeout(() => void this.shutdown(), this.options.idleClose);
      this.idleTimer.unref();
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PrinterBusy(`the PDF took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
