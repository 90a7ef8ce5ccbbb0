// Evidence stage: turns one cell (text from CSV or XLSX, a JSON value from NDJSON) into its typed
// value, or says what the column allows. Dates become YYYY-MM-DD; a time of day is dropped.
import { type Message, type MessageParam, msg } from '../diagnostics/message.js';
import { daysInMonth } from '../obligations/dates.js';
import { type ColumnSpec, fold } from './tables.js';

export type CellValue = string | boolean | string[] | null;

/** CellResult: the value, or why the cell was refused and what the column allows. */
export type CellResult = { ok: true; value: CellValue } | { ok: false; message: Message };

const dateRe =
  /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const listSeparators = /[;；、,，]/;

/** parseDate reads 2024-03-05, 2024/3/5, 2024.3.5 or 2024年3月5日, with or without a time of day. */
export function parseDate(text: string): string | undefined {
  const known = dateCache.get(text);
  if (known !== undefined) return known;
  const parsed = readDate(text);
  // Dates repeat across a log (many rows a day); a bounded cache keeps memory flat on unique timestamps.
  if (parsed !== undefined && dateCache.size < 50_000) dateCache.set(text, parsed);
  return parsed;
}

const dateCache = new Map<string, string>();

function readDate(text: string): string | undefined {
  const m = dateRe.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** FastCell converts a cell on the common path; undefined means "take parseCell", which also explains refusals. */
export type FastCell = (raw: unknown) => CellValue | undefined;

/**
 * cellConverter compiles a column's common case once: a word the column knows exactly (already folded),
 * a date seen before, plain text. Anything else (empty, untrimmed, other case, bad) goes to parseCell,
 * so values and messages stay parseCell's.
 */
export function cellConverter(col: ColumnSpec, booleans: Map<string, boolean>): FastCell {
  switch (col.kind) {
    case 'text': {
      const max = col.maxLength ?? Number.POSITIVE_INFINITY;
      return (raw) => {
        if (typeof raw !== 'string') return undefined;
        const t = raw.trim();
        return t !== '' && t.length <= max && !t.includes('\uFFFD') ? t : undefined;
      };
    }
    case 'date':
      return (raw) => (typeof raw === 'string' ? dateCache.get(raw) : undefined);
    case 'boolean':
      return (raw) => (typeof raw === 'string' ? booleans.get(raw) : typeof raw === 'boolean' ? raw : undefined);
    case 'enum': {
      // The folded words, and each code as the schema spells it (loanApproval), mapped as parseCell maps them.
      const values = new Map(col.values ?? []);
      for (const code of col.allowed ?? []) {
        const v = col.values?.get(fold(code));
        if (v !== undefined) values.set(code, v);
      }
      return (raw) => (typeof raw === 'string' ? values.get(raw) : undefined);
    }
    case 'list': {
      // Lists repeat (the same roles, the same elements): one frozen array per distinct text, bounded.
      const seen = new Map<string, readonly string[]>();
      return (raw) => {
        if (typeof raw !== 'string') return undefined;
        const known = seen.get(raw);
        if (known) return known as string[];
        const r = parseCell(raw, col, booleans);
        if (!r.ok || raw.trim() === '') return undefined;
        if (seen.size < 10_000) seen.set(raw, Object.freeze(r.value as string[]));
        return r.value;
      };
    }
  }
}

const show = (v: unknown) => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

/** parseCell converts one raw cell for its column. */
export function parseCell(raw: unknown, col: ColumnSpec, booleans: Map<string, boolean>): CellResult {
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) {
    if (col.required && !col.nullable)
      return {
        ok: false,
        message: msg('diag.evidence.cell.empty', { column: col.name, allowed: allowedText(col, booleans) }),
      };
    return { ok: true, value: col.kind === 'list' ? [] : null };
  }
  if (typeof raw === 'string' && raw.includes('\uFFFD'))
    return {
      ok: false,
      message: msg('diag.evidence.cell.badBytes'),
    };
  switch (col.kind) {
    case 'text': {
      const s = typeof raw === 'number' ? String(raw) : raw;
      if (typeof s !== 'string')
        return { ok: false, message: msg('diag.evidence.cell.notText', { value: show(raw), column: col.name }) };
      const t = s.trim();
      if (col.maxLength !== undefined && t.length > col.maxLength)
        return {
          ok: false,
          message: msg('diag.evidence.cell.tooLong', { length: t.length, column: col.name, max: col.maxLength }),
        };
      return { ok: true, value: t };
    }
    case 'date': {
      const d = typeof raw === 'string' ? parseDate(raw) : undefined;
      if (d === undefined)
        return {
          ok: false,
          message: msg(col.nullable ? 'diag.evidence.cell.notDateOrEmpty' : 'diag.evidence.cell.notDate', {
            value: show(raw),
            column: col.name,
          }),
        };
      return { ok: true, value: d };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const b = typeof raw === 'string' || typeof raw === 'number' ? booleans.get(fold(String(raw))) : undefined;
      if (b === undefined) return notAllowed(raw, col, booleans);
      return { ok: true, value: b };
    }
    case 'enum': {
      const v = typeof raw === 'string' ? col.values?.get(fold(raw)) : undefined;
      if (v === undefined) return notAllowed(raw, col, booleans);
      return { ok: true, value: v };
    }
    case 'list': {
      const parts = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(listSeparators) : [raw];
      const out: string[] = [];
      for (const p of parts) {
        if (typeof p === 'string' && p.trim() === '') continue;
        const v = typeof p === 'string' ? col.values?.get(fold(p)) : undefined;
        if (v === undefined)
          return {
            ok: false,
            message: msg('diag.evidence.cell.notInList', {
              value: show(p),
              column: col.name,
              allowed: allowedText(col, booleans),
            }),
          };
        if (!out.includes(v)) out.push(v);
      }
      return { ok: true, value: out };
    }
  }
}

/** notAllowed: a boolean or enum cell outside its accepted values, naming them. */
function notAllowed(raw: unknown, col: ColumnSpec, booleans: Map<string, boolean>): CellResult {
  return {
    ok: false,
    message: msg('diag.evidence.cell.notAllowed', {
      value: show(raw),
      column: col.name,
      allowed: allowedText(col, booleans),
    }),
  };
}

function allowedText(col: ColumnSpec, booleans: Map<string, boolean>): MessageParam {
  if (col.kind === 'boolean') {
    const words = (want: boolean) => [...booleans].filter(([, b]) => b === want).map(([w]) => w);
    return msg('diag.evidence.cell.allowedBoolean', { yes: words(true).join(', '), no: words(false).join(', ') });
  }
  if (col.kind === 'enum' || col.kind === 'list') {
    const byCode = new Map<string, string[]>();
    for (const [w, code] of col.values ?? [])
      if (w !== code.toLowerCase()) (byCode.get(code) ?? byCode.set(code, []).get(code)!).push(w);
    return (col.allowed ?? [])
      .map((c) => (byCode.get(c)?.length ? `${c} (${byCode.get(c)!.join(', ')})` : c))
      .join(', ');
  }
  if (col.kind === 'date') return msg('diag.evidence.cell.allowedDate');
  return msg('diag.evidence.cell.allowedText');
}
