// Evidence stage: what each evidence table is: its columns and their types (from
// schemas/evidence/<table>.schema.json) and the headers and cell words accepted for them (from
// policies/evidence/headers.yaml).
import { asMessage, type Message, msg } from '../diagnostics/message.js';
import { said } from '../diagnostics/i18n.js';
import { join, relative } from 'node:path';
import type { EvidenceHeaders } from '../../generated/types/evidence/headers.js';
import { hasErrors, RulesError, type Diagnostic } from '../diagnostics/diagnostics.js';
import { readYamlSource } from '../diagnostics/yaml-source.js';
import { compileSchema, readSchema } from '../validation/ajv.js';
import { explainMessages, pointerSegments } from '../diagnostics/explain.js';

export const tableNames = [
  'users',
  'staff',
  'queries',
  'authorizations',
  'training',
  'disputes',
  'filings',
  'incidents',
] as const;
export type TableName = (typeof tableNames)[number];

export type CellKind = 'text' | 'date' | 'boolean' | 'enum' | 'list';

/** ColumnSpec: one column, its type and the words accepted for it. */
export interface ColumnSpec {
  name: string;
  kind: CellKind;
  required: boolean;
  nullable: boolean;
  headers: string[];
  /** For enum and list columns: each coded value and the words that mean it. */
  values?: Map<string, string>;
  allowed?: string[];
  maxLength?: number;
  description: string;
}

/** TableSpec: one evidence table. */
export interface TableSpec {
  name: TableName;
  files: string[];
  key: string[];
  columns: ColumnSpec[];
  /** header text (trimmed, case-folded) → column name. */
  byHeader: Map<string, string>;
  booleans: Map<string, boolean>;
}

interface PropertySchema {
  type?: string | string[];
  format?: string;
  enum?: string[];
  items?: { enum?: string[] };
  anyOf?: PropertySchema[];
  maxLength?: number;
  description?: string;
}

function kindOf(p: PropertySchema): { kind: CellKind; nullable: boolean; enum?: string[]; maxLength?: number } {
  const variants = p.anyOf ?? [p];
  const nullable = variants.some((v) => v.type === 'null' || (Array.isArray(v.type) && v.type.includes('null')));
  const main = variants.find((v) => v.type !== 'null') ?? p;
  const type = Array.isArray(main.type) ? main.type.find((t) => t !== 'null') : main.type;
  if (type === 'array') return { kind: 'list', nullable, enum: main.items?.enum };
  if (main.enum) return { kind: 'enum', nullable, enum: main.enum };
  if (type === 'boolean') return { kind: 'boolean', nullable };
  if (main.format === 'date') return { kind: 'date', nullable };
  return { kind: 'text', nullable, maxLength: main.maxLength };
}

export const fold = (s: string): string => s.trim().toLowerCase();

/** loadTableSpecs reads the header mapping and the table schemas, or throws RulesError. */
export async function loadTableSpecs(
  headersFile: string,
  displayRoot = process.cwd(),
): Promise<Map<TableName, TableSpec>> {
  const label = relative(displayRoot, headersFile) || headersFile;
  const { source, diagnostics } = await readYamlSource(headersFile, label);
  if (!source) throw new RulesError(diagnostics);
  const validate = compileSchema('evidence/headers.schema.json');
  const out: Diagnostic[] = [];
  const at = (path: (string | number)[], message: Message) => {
    const { line, column } = source.locate(path);
    out.push({ code: 'EVID008', severity: 'error', file: label, line, column, path: path.join('.'), ...said(message) });
  };
  if (!validate(source.data))
    for (const p of explainMessages(validate.errors, source.data)) at(pointerSegments(p.path), asMessage(p));
  if (hasErrors(out)) throw new RulesError(out);
  const data = source.data as EvidenceHeaders;
  const booleans = new Map<string, boolean>();
  for (const w of data.booleans.true) booleans.set(fold(w), true);
  for (const w of data.booleans.false) booleans.set(fold(w), false);
  const specs = new Map<TableName, TableSpec>();
  for (const name of tableNames) {
    const t = data.tables[name];
    if (!t) {
      at(['tables'], msg('diag.evidence.headers.noTable', { name, tables: tableNames.join(', ') }));
      continue;
    }
    const schema = readSchema(`evidence/${name}.schema.json`) as {
      properties: Record<string, PropertySchema>;
      required: string[];
    };
    const columns: ColumnSpec[] = [];
    const byHeader = new Map<string, string>();
    for (const [col, p] of Object.entries(schema.properties)) {
      const headers = t.columns[col];
      if (!headers) {
        at(['tables', name, 'columns'], msg('diag.evidence.headers.noHeaders', { column: col, name }));
        continue;
      }
      const k = kindOf(p);
      let values: Map<string, string> | undefined;
      if (k.enum) {
        values = new Map(k.enum.map((v) => [fold(v), v]));
        for (const [code, words] of Object.entries(data.values[col] ?? {})) {
          if (!k.enum.includes(code))
            at(
              ['values', col, code],
              msg('diag.evidence.headers.notValue', { name, column: col, values: k.enum.join(', ') }),
            );
          for (const w of words as string[]) values.set(fold(w), code);
        }
      }
      for (const h of headers) byHeader.set(fold(h), col);
      columns.push({
        name: col,
        kind: k.kind,
        required: schema.required.includes(col),
        nullable: k.nullable,
        headers,
        values,
        allowed: k.enum,
        maxLength: k.maxLength,
        description: p.description ?? '',
      });
    }
    for (const col of Object.keys(t.columns))
      if (!(col in schema.properties))
        at(
          ['tables', name, 'columns', col],
          msg('diag.evidence.headers.notColumn', { name, columns: Object.keys(schema.properties).join(', ') }),
        );
    specs.set(name, { name, files: t.files, key: t.key, columns, byHeader, booleans });
  }
  if (hasErrors(out)) throw new RulesError(out);
  return specs;
}

/** defaultHeadersFile is policies/evidence/headers.yaml beside a rulesets folder. */
export function defaultHeadersFile(rulesetsDir: string): string {
  return join(rulesetsDir, '..', 'evidence', 'headers.yaml');
}
