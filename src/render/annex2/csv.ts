// Render stage: the annex 2 table as CSV (RFC 4180: CRLF, quotes doubled), one line per row under
// the form's column headings, with the month as the first column so files of several months can be
// joined. Text that a spreadsheet would run as a formula (=, +, -, @) is prefixed with an apostrophe.
import type { Annex2Table } from './layout.js';

/** periodHeading names the month column, which the form itself does not have (its month is in the title). */
export const periodHeading = '年月';

export function renderAnnex2Csv(table: Annex2Table): string {
  const lines = [[periodHeading, ...table.columns].map(text)];
  for (const r of table.rows)
    lines.push([table.period, r.region, r.institution].map(text).concat(r.counts.map(String), text(r.remarks)));
  return `${lines.map((cells) => cells.map(quote).join(',')).join('\r\n')}\r\n`;
}

// Counts are written as digits; every other cell is text, guarded against formula injection.
function text(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
