// Render stage (PDF adapter): the rating report printed to A4 PDF for the archive, the ruleset id and
// hash in every page's header and the page number in its footer, so that any page alone says which
// rules produced it.
import { defaultLang, type Lang, translator } from '../../diagnostics/i18n.js';
import type { RatingResult } from '../../rating/decorate.js';
import { escapeHtml } from '../page/html-page.js';
import { renderResultHtml } from '../rating/html.js';
import type { PdfPrinter } from './browser.js';

// Header and footer templates are rendered apart from the page: they need their own font and size.
const band = `font: 7.5pt "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; color: #555; width: 100%; margin: 0 12mm; display: flex; justify-content: space-between; gap: 4mm;`;

/** headerTemplate names the ruleset and its hash on every page. */
export function pdfHeader(r: RatingResult, lang: Lang = defaultLang): string {
  const t = translator(lang);
  const title = t('rating.pdf.header', { who: escapeHtml(r.institution.name), year: escapeHtml(r.year) });
  const rules = t('rating.pdf.rules', { id: escapeHtml(r.ruleset.id) });
  return `<div style='${band}'><span>${title}</span><span>${rules} · <span style="font-family: monospace">${escapeHtml(r.ruleset.hash)}</span></span></div>`;
}

/** footerTemplate numbers the pages and repeats the hash, so a page torn from the header still carries it. */
export function pdfFooter(r: RatingResult, lang: Lang = defaultLang): string {
  const page = translator(lang)('rating.pdf.page', {
    page: '<span class="pageNumber"></span>',
    pages: '<span class="totalPages"></span>',
  });
  return `<div style='${band}'><span style="font-family: monospace">${escapeHtml(r.ruleset.hash)}</span><span>${page}</span></div>`;
}

/** renderResultPdf prints the rating report (the same page as the HTML) to PDF bytes. */
export function renderResultPdf(printer: PdfPrinter, r: RatingResult, lang: Lang = defaultLang): Promise<Uint8Array> {
  return printer.print(renderResultHtml(r, lang), {
    format: 'A4',
    displayHeaderFooter: true,
    headerTemplate: pdfHeader(r, lang),
    footerTemplate: pdfFooter(r, lang),
    margin: { top: '16mm', bottom: '16mm', left: '12mm', right: '12mm' },
    tagged: true,
  });
}
