// CLI: reading inputs (a file or standard input) and the shared defaults of every command.
import { readFile } from 'node:fs/promises';
import { rulesetsDir, wasmPath } from '../artifacts/artifacts.js';
import { parseJsonText } from '../validation/json-syntax.js';

export const defaults = { rules: rulesetsDir, wasm: wasmPath };

/** UsageError: a problem with how the command was called; exits 2 with its message. */
export class UsageError extends Error {}

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
  return parsed.ok ? parsed : { ok: false, message: `${source}:${parsed.line}:${parsed.column}: ${parsed.message}` };
}
