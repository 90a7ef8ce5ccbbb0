// Security: the keys file, `{ keys: [{ name, hash, scopes, rateLimit?, created? }] }` in JSON or YAML.
// It holds digests only. One key per real user or service: a file naming someone twice, or holding the
// same digest twice (a shared key), is refused, each problem at its line and column.
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { Code } from '../diagnostics/codes.js';
import { formatDiagnostic, type Diagnostic } from '../diagnostics/diagnostics.js';
import { parseYamlSource } from '../diagnostics/yaml-source.js';
import { createAjv } from '../validation/ajv.js';
import { explainMessages, pointerSegments } from '../diagnostics/explain.js';
import { type Message, msg } from '../diagnostics/message.js';
import { said } from '../diagnostics/i18n.js';
import { keysFileSchema, type ApiKey } from './api-keys.js';

let validate: ReturnType<ReturnType<typeof createAjv>['compile']> | undefined;

/** KeysError: a keys file that cannot be read or is not valid; the message lists every problem. */
export class KeysError extends Error {
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[] = [],
  ) {
    super(diagnostics.length ? `${message}:\n${diagnostics.map(formatDiagnostic).join('\n')}` : message);
    this.name = 'KeysError';
  }
}

/** parseKeys reads the text of a keys file (JSON is YAML too); problems come back positioned. */
export function parseKeys(text: string, file: string): { keys?: ApiKey[]; diagnostics: Diagnostic[] } {
  const { source, diagnostics } = parseYamlSource(file, text);
  if (!source) return { diagnostics: diagnostics.map((d) => ({ ...d, code: 'KEY001' })) };
  validate ??= createAjv().compile(keysFileSchema);
  if (!validate(source.data)) {
    return {
      diagnostics: explainMessages(validate.errors, source.data).map((p) => {
        const segments = pointerSegments(p.path);
        const { line, column } = source.locate(segments, p.message.startsWith('unknown key'));
        return {
          code: 'KEY002',
          severity: 'error' as const,
          file,
          line,
          column,
          path: p.path || '/',
          message: p.message,
          messageId: p.messageId,
          params: p.params,
        };
      }),
    };
  }
  const keys = (source.data as { keys: ApiKey[] }).keys;
  const found: Diagnostic[] = [];
  const duplicates = (field: 'name' | 'hash', code: Code, say: (k: ApiKey, first: number) => Message) => {
    const first = new Map<string, number>();
    keys.forEach((k, i) => {
      const before = first.get(k[field]);
      if (before === undefined) {
        first.set(k[field], i);
        return;
      }
      const { line, column } = source.locate(['keys', i, field]);
      found.push({ code, severity: 'error', file, line, column, path: `/keys/${i}/${field}`, ...said(say(k, before)) });
    });
  };
  duplicates('name', 'KEY003', (k, i) => msg('diag.keys.sameName', { name: k.name, index: i }));
  duplicates('hash', 'KEY004', (_k, i) => msg('diag.keys.sameSecret', { index: i, name: keys[i].name }));
  found.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return found.length ? { diagnostics: found } : { keys, diagnostics: [] };
}

/** readKeysFile reads and checks a keys file; a missing file is an empty set when `missingOk`. */
export async function readKeysFile(path: string, options: { missingOk?: boolean } = {}): Promise<ApiKey[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && options.missingOk) return [];
    throw new KeysError(`cannot read the keys file ${path}: ${(err as Error).message}`);
  }
  const { keys, diagnostics } = parseKeys(text, path);
  if (!keys) throw new KeysError(`the keys file ${path} is refused`, diagnostics);
  return keys;
}

/**
 * writeKeysFile writes the whole file atomically: a temporary file beside it (owner read/write only),
 * synced, then renamed over the old one, so a reader sees the old set or the new one, never half.
 */
export async function writeKeysFile(path: string, keys: readonly ApiKey[]): Promise<void> {
  const doc = { keys };
  const text = /\.ya?ml$/i.test(path) ? stringify(doc) : `${JSON.stringify(doc, null, 2)}\n`;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  try {
    const dir = await open(dirname(path), 'r');
    await dir.sync().finally(() => dir.close());
  } catch {
    // Not every platform can sync a directory; the file itself is synced.
  }
}
