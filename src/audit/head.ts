// Audit stage: the signed head of a decision log: the newest checkpoint (sequence, hash, time, key),
// kept in a file of its own beside the log and replaced atomically (write a temporary file, fsync it,
// rename it over the old one, fsync the folder), so the end of the chain is anchored outside the log.
import { open, readdir, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { SignedHead } from '../../generated/types/audit/signed-head.js';
import { parseYamlSource } from '../diagnostics/yaml-source.js';
import { compileSchema } from '../validation/ajv.js';
import { explainMessages, pointerSegments } from '../diagnostics/explain.js';
import { asMessage, type Message, msg } from '../diagnostics/message.js';
import { SaidError } from '../diagnostics/i18n.js';
import { parseJsonText } from '../validation/json-syntax.js';
import { canonicalJson } from './canonical.js';
import type { Checkpoint } from './entry.js';

/** SignedHead: the head file's content (schemas/audit/signed-head.schema.json). */
export type { SignedHead };

/** headPathFor: where the signed head of the log `path` is kept (`decisions.jsonl.head.json`). */
export function headPathFor(logPath: string): string {
  return `${logPath}.head.json`;
}

/** partPathFor: the name a full chain file is rotated to, by the seq of its first entry. */
export function partPathFor(logPath: string, firstSeq: number): string {
  return join(dirname(logPath), `${stemOf(logPath)}.from-${String(firstSeq).padStart(12, '0')}.jsonl`);
}

/** partPattern matches the rotated files of the log `path` (group 1: the first seq). */
export function partPattern(logPath: string): RegExp {
  return new RegExp(`^${stemOf(logPath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.from-(\\d{12})\\.jsonl$`);
}

/** chainFiles: the rotated files of a log, oldest first, then the log itself. */
export async function chainFiles(file: string): Promise<string[]> {
  const pattern = partPattern(file);
  let names: string[] = [];
  try {
    names = await readdir(dirname(file));
  } catch {
    return [file];
  }
  const parts = names.filter((n) => pattern.test(n)).sort();
  return [...parts.map((n) => join(dirname(file), n)), file];
}

function stemOf(logPath: string): string {
  return basename(logPath).replace(/\.jsonl$/, '');
}

/** HeadError: a head file that is there but cannot be read as one. */
export class HeadError extends SaidError {
  constructor(message: Message) {
    super(message, 'HeadError');
  }
}

let validateHead: ValidateFunction | undefined;

/**
 * readHead reads a head file (schemas/audit/signed-head.schema.json); undefined when there is none. A
 * file that is not one is a HeadError naming the file, the line and column, and what is wrong there.
 */
export async function readHead(path: string): Promise<SignedHead | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HeadError(msg('diag.head.unreadable', { path, reason: (err as Error).message }));
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok)
    throw new HeadError(
      msg('diag.head.notJson', { path, line: parsed.line, column: parsed.column, reason: parsed.message }),
    );
  validateHead ??= compileSchema('audit/signed-head.schema.json');
  if (validateHead(parsed.value)) return parsed.value as SignedHead;
  const problems = explainMessages(validateHead.errors, parsed.value);
  const source = parseYamlSource(path, text).source;
  const [first] = problems;
  const { line, column } = source?.locate(pointerSegments(first.path), first.message.startsWith('unknown key')) ?? {
    line: 1,
    column: 1,
  };
  const where = (p: { path: string }) => (p.path ? `${pointerSegments(p.path).join('.')} ` : '');
  // The problems joined into one message, each with its place, the last innermost.
  const listed = problems
    .map((p): Message => msg('diag.head.problem', { where: where(p), problem: asMessage(p) }))
    .reduceRight((rest, first) => msg('diag.head.problemSeparator', { first, rest }));
  throw new HeadError(msg('diag.head.notSignedHead', { path, line, column, problems: listed }));
}

/** writeHead replaces the head file atomically: a reader sees the old head or the new one, never a mix. */
export async function writeHead(path: string, head: Checkpoint | SignedHead, sync = true): Promise<void> {
  const tmp = `${path}.tmp`;
  const h = await open(tmp, 'w', 0o600);
  try {
    await h.writeFile(`${canonicalJson(head)}\n`);
    if (sync) await h.sync();
  } finally {
    await h.close();
  }
  await rename(tmp, path);
  if (sync) await syncDir(dirname(path));
}

/** syncDir makes a new or renamed directory entry durable (where the platform can fsync a folder). */
export async function syncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    await d.sync().finally(() => d.close());
  } catch {
    // Some platforms cannot fsync a directory; the files themselves are synced.
  }
}
