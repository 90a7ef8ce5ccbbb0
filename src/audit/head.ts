// Audit stage: the signed head of a decision log: the newest checkpoint (sequence, hash, time, key),
// kept in a file of its own beside the log and replaced atomically (write a temporary file, fsync it,
// rename it over the old one, fsync the folder), so the end of the chain is anchored outside the log.
import { open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { canonicalJson } from './canonical.js';
import type { Checkpoint } from './entry.js';

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

function stemOf(logPath: string): string {
  return basename(logPath).replace(/\.jsonl$/, '');
}

/** HeadError: a head file that is there but cannot be read as one. */
export class HeadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeadError';
  }
}

/** readHead reads a head file; undefined when there is none. */
export async function readHead(path: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HeadError(`cannot read the signed head ${path}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as Checkpoint;
    const c = parsed.checkpoint;
    if (
      typeof parsed.signature === 'string' &&
      c &&
      Number.isInteger(c.seq) &&
      typeof c.head === 'string' &&
      typeof c.time === 'string' &&
      typeof c.keyId === 'string' &&
      typeof c.publicKey === 'string'
    )
      return parsed;
  } catch {
    // Reported below with the same message as a wrong shape.
  }
  throw new HeadError(`${path} is not a signed head ({"checkpoint":{seq,head,time,keyId,publicKey},"signature"})`);
}

/** writeHead replaces the head file atomically: a reader sees the old head or the new one, never a mix. */
export async function writeHead(path: string, head: Checkpoint, sync = true): Promise<void> {
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
