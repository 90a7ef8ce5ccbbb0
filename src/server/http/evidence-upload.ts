// Service: receiving evidence tables as multipart/form-data, one part per table. Each part is streamed
// to a private temporary folder as it arrives (bounded in bytes across the whole upload), because the
// derivation joins tables in its own order (staff and users before the query log streams through) while
// a client may send them in any order; the evidence readers then stream the files as they do for the CLI.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Diagnostic } from '../../evidence/errors.js';
import { fold, type TableName, type TableSpec } from '../../evidence/tables.js';
import type { Problem } from '../../diagnostics/explain.js';
import { HttpError } from './errors.js';

/** UploadedTable: one part received, and where it was written. */
export interface UploadedTable {
  /** The part's field name as sent. */
  part: string;
  /** The file name the part was sent as (its base name). */
  filename: string;
  table: TableName;
  /** The file written in the upload's folder: `<table><ext>`. */
  saved: string;
  bytes: number;
}

/** Upload: the tables of one request in a folder of their own, and its text fields; `remove` deletes it. */
export interface Upload {
  dir: string;
  tables: UploadedTable[];
  fields: Map<string, string>;
  remove(): Promise<void>;
}

export interface UploadLimits {
  /** The most bytes of all parts together. */
  limit: number;
  /** The text fields the route reads (e.g. `case`), and the most bytes of each. */
  fields?: string[];
  fieldLimit?: number;
}

const extensions = new Set(['.csv', '.xlsx', '.ndjson', '.jsonl']);
const byMediaType: Record<string, string> = {
  'text/csv': '.csv',
  'application/csv': '.csv',
  'application/x-ndjson': '.ndjson',
  'application/jsonl': '.jsonl',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
};

/** tableOf finds the table a part names: its table name, or a file name headers.yaml gives it (员工). */
export function tableOf(name: string, specs: Map<TableName, TableSpec>): TableName | undefined {
  const f = fold(name);
  return [...specs.values()].find((s) => fold(s.name) === f || s.files.some((n) => fold(n) === f))?.name;
}

const tooLarge = (limit: number) =>
  new HttpError(
    'body-too-large',
    `the evidence upload is larger than this service accepts (${limit} bytes over all parts); derive larger sets with the CLI (credit-policy findings derive), or ask the operator to raise EVIDENCE_BODY_LIMIT`,
  );

/** receiveEvidence reads every part of a multipart request, or throws the HttpError that refuses it. */
export async function receiveEvidence(
  request: FastifyRequest,
  specs: Map<TableName, TableSpec>,
  o: UploadLimits,
): Promise<Upload> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > o.limit) throw tooLarge(o.limit);
  const dir = await mkdtemp(join(tmpdir(), 'credit-policy-upload-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const tables: UploadedTable[] = [];
  const fields = new Map<string, string>();
  const problems: Problem[] = [];
  const allowedFields = o.fields ?? [];
  let total = 0;
  try {
    const parts = request.parts({
      // Generous counts: a part too many is answered with its name (400), not as an oversized body.
      limits: {
        fileSize: o.limit,
        files: 64,
        fields: 64,
        fieldSize: o.fieldLimit ?? 1024 * 1024,
        parts: 128,
      },
    });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (allowedFields.includes(part.fieldname)) fields.set(part.fieldname, String(part.value));
        else
          problems.push({
            path: `/${part.fieldname}`,
            part: part.fieldname,
            code: 'EVID040',
            message: tableOf(part.fieldname, specs)
              ? `the part ${part.fieldname} was sent as a text field; send each table as a file (curl -F '${part.fieldname}=@${part.fieldname}.csv')`
              : `the part ${part.fieldname} is not an evidence table; parts are named by table: ${[...specs.keys()].join(', ')}${allowedFields.length ? `, and ${allowedFields.join(', ')}` : ''}`,
          });
        continue;
      }
      const filename = (part.filename ?? '').split(/[\\/]/).pop() ?? '';
      if (allowedFields.includes(part.fieldname)) {
        // A text field sent as a file (curl -F case=@case.json): read it whole, within its own bound.
        fields.set(part.fieldname, (await part.toBuffer()).toString('utf8'));
        continue;
      }
      const table = tableOf(part.fieldname, specs);
      const given = extname(filename).toLowerCase();
      const ext = extensions.has(given) ? given : byMediaType[part.mimetype.split(';')[0].trim().toLowerCase()];
      const where = { path: `/${table ?? part.fieldname}`, part: part.fieldname, ...(table ? { table } : {}) };
      let refusal: Problem | undefined;
      if (!table)
        refusal = {
          ...where,
          code: 'EVID040',
          message: `the part ${part.fieldname} (${filename || 'no file name'}) names no evidence table; name each part by its table: ${[...specs.values()].map((s) => `${s.name} (${s.files.filter((f) => f !== s.name).join(', ')})`).join('; ')}`,
        };
      else if (!ext)
        refusal = {
          ...where,
          code: 'EVID004',
          message: `the part ${part.fieldname} was sent as "${filename || 'no file name'}" (${part.mimetype}); a table is read from .csv, .xlsx, .ndjson or .jsonl: give the file name its extension`,
        };
      else if (tables.some((t) => t.table === table))
        refusal = {
          ...where,
          code: 'EVID005',
          message: `the part ${part.fieldname} is a second file for the ${table} table (the first: part ${tables.find((t) => t.table === table)?.part}); send one part per table`,
        };
      if (refusal) {
        problems.push(refusal);
        part.file.resume();
        continue;
      }
      const saved = `${table}${ext}`;
      let bytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          total += chunk.length;
          done(total > o.limit ? tooLarge(o.limit) : null, chunk);
        },
      });
      await pipeline(part.file, counter, createWriteStream(join(dir, saved), { flags: 'wx', mode: 0o600 }));
      if (part.file.truncated) throw tooLarge(o.limit);
      tables.push({ part: part.fieldname, filename: filename || saved, table: table!, saved, bytes });
    }
    if (problems.length)
      throw new HttpError('invalid-evidence', `the evidence upload was refused: ${problems[0].message}`, problems);
    if (!tables.length)
      throw new HttpError(
        'invalid-evidence',
        `the upload holds no evidence table; send one multipart/form-data part per table, named by its table (${[...specs.keys()].join(', ')})`,
        [{ path: '', code: 'EVID040', message: 'no part names an evidence table' }],
      );
    return { dir, tables, fields, remove };
  } catch (err) {
    await remove();
    throw multipartRefusal(err, o.limit);
  }
}

/** multipartRefusal names what the multipart reader refused; a malformed upload is never a 500. */
function multipartRefusal(err: unknown, limit: number): unknown {
  if (err instanceof HttpError) return err;
  const e = err as Error & { code?: string; statusCode?: number };
  switch (e.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge(limit);
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new HttpError(
        'body-too-large',
        'the upload has more parts than this service reads: one part per evidence table (and the case, for a rating)',
      );
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new HttpError('unsupported-media-type', 'send the evidence as multipart/form-data, one part per table');
  }
  // Busboy's refusals of a malformed body (no boundary, an unexpected end) and a prototype-polluting name.
  if (e.code?.startsWith('FST_') || /multipart|boundary|unexpected end|part|malformed/i.test(e.message ?? ''))
    return new HttpError('bad-request', `the multipart/form-data body is malformed: ${e.message}`);
  return err;
}

/**
 * evidenceProblems turns the derivation's diagnostics (positioned at the saved files) into problems
 * positioned at the parts as the client sent them: part, table, row and column.
 */
export function evidenceProblems(diagnostics: Diagnostic[], tables: UploadedTable[]): Problem[] {
  return diagnostics.map((d) => {
    const t = tables.find((x) => x.saved === d.file);
    if (!t) {
      const param = d.file === '--as-of' ? 'asOf' : undefined;
      return {
        path: param ? `/${param}` : '',
        ...(d.code ? { code: d.code } : {}),
        message: param ? `asOf ${d.message}` : d.message,
      };
    }
    const row = d.line;
    const column = d.path;
    const at = [`/${t.table}`, row !== undefined ? `/${row}` : '', column ? `/${column}` : ''].join('');
    const place = [
      `part ${t.part} (${t.filename})`,
      row !== undefined ? `row ${row}` : '',
      column ? `column ${column}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return {
      path: at,
      code: d.code,
      part: t.part,
      table: t.table,
      ...(row !== undefined ? { row } : {}),
      ...(column ? { column } : {}),
      message: `${place}: ${relabel(d.message, tables)}`,
    };
  });
}

// A message naming another saved file (users.csv in a staff problem) names the part instead.
function relabel(message: string, tables: UploadedTable[]): string {
  let out = message;
  for (const t of tables) out = out.replaceAll(`(${t.saved})`, `(part ${t.part}, ${t.filename})`);
  return out;
}
