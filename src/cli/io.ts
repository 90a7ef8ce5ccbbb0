// CLI: reading inputs (a file or standard input) and the shared defaults of every command.
import { randomBytes } from 'node:crypto';
import { type FileHandle, lstat, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { rulesetsDir, wasmPath } from '../artifacts/artifacts.js';
import { parseJsonText } from '../validation/json-syntax.js';

export const defaults = { rules: rulesetsDir, wasm: wasmPath };

/** UsageError: a problem with how the command was called; exits 2 with its message. */
export class UsageError extends Error {}

/** OutputError: a file the command was told to write cannot be written; exits 1 with its message. */
export class OutputError extends Error {}

/** WriteBytes: how writeOutput puts bytes into the temporary file (replaceable in tests). */
export type WriteBytes = (handle: FileHandle, bytes: string | Uint8Array) => Promise<void>;

const writeAll: WriteBytes = async (handle, bytes) => {
  await handle.writeFile(bytes);
  await handle.sync();
};

/**
 * writeOutput writes `--out` whole or not at all: into a temporary file beside it, then renamed over
 * it, so a reader never sees half a file and a full device leaves the old file as it was. An existing
 * symbolic link, folder or device is refused rather than written through.
 */
export async function writeOutput(
  path: string,
  bytes: string | Uint8Array,
  write: WriteBytes = writeAll,
): Promise<void> {
  const existing = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new OutputError(`cannot write ${path}: ${reason(err)}`);
  });
  if (existing?.isSymbolicLink())
    throw new OutputError(`cannot write ${path}: it is a symbolic link; give the path of a regular file`);
  if (existing?.isDirectory()) throw new OutputError(`cannot write ${path}: it is a folder; give a file name`);
  if (existing && !existing.isFile()) throw new OutputError(`cannot write ${path}: it is not a regular file`);
  const dir = dirname(path);
  const folder = await stat(dir).catch(() => undefined);
  if (!folder?.isDirectory()) throw new OutputError(`cannot write ${path}: the folder ${dir} does not exist`);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx', existing ? existing.mode & 0o777 : 0o644);
    try {
      await write(handle, bytes);
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new OutputError(`cannot write ${path}: ${reason(err as NodeJS.ErrnoException)}`);
  }
}

function reason(err: NodeJS.ErrnoException): string {
  const known: Record<string, string> = {
    ENOSPC: 'no space left on the device (the file was not changed)',
    EDQUOT: 'the disk quota is exceeded (the file was not changed)',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a part of the path is not a folder',
    EISDIR: 'it is a folder',
  };
  return (err.code && known[err.code]) ?? err.message;
}

/** readInputText reads a path, or standard input for `-`. */
export async function readInputText(path: string): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
}

/** parseJson parses text, naming the line and column of a syntax error. */
export function parseJson(text: string, source: string): { ok: true; value: unknown } | { ok: false; message: string } {
  const parsed = parseJsonText(text);
  if (parsed.ok) return parsed;
  const at = parsed.kind === 'syntax' || parsed.path === '' ? '' : ` (at ${parsed.path})`;
  return { ok: false, message: `${source}:${parsed.line}:${parsed.column}: ${parsed.message}${at}` };
}
