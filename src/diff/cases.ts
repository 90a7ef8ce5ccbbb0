// Diff stage: the cases of an impact run, read one at a time from a folder (or one file): every
// *.json file is one case, every *.ndjson / *.jsonl file one case per line. Nothing is held in memory
// beyond the case being rated, so a run over tens of thousands of cases streams.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { parseJsonText } from '../validation/json-syntax.js';

/** Case: one input, or why it could not be read; `name` is `file` or `file:line`. */
export type Case = { name: string; input: unknown } | { name: string; error: string };

const lineFormats = ['.ndjson', '.jsonl'];

/** caseFiles lists the case files of a folder (recursively, in name order), or the one file given. */
export async function caseFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && (e.name.endsWith('.json') || lineFormats.some((x) => e.name.endsWith(x))))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** countCases counts the cases without parsing them (for a progress bar). */
export async function countCases(files: string[]): Promise<number> {
  let n = 0;
  for (const file of files) {
    if (!isLines(file)) n++;
    else for await (const line of lines(file)) if (line.trim()) n++;
  }
  return n;
}

/** readCases yields every case of the files, in order. */
export async function* readCases(files: string[], root: string): AsyncGenerator<Case> {
  for (const file of files) {
    const name = relative(root, file) || file;
    if (!isLines(file)) {
      yield parsed(name, await readFile(file, 'utf8'));
      continue;
    }
    let n = 0;
    for await (const line of lines(file)) {
      n++;
      if (line.trim()) yield parsed(`${name}:${n}`, line);
    }
  }
}

function parsed(name: string, text: string): Case {
  const p = parseJsonText(text);
  return p.ok ? { name, input: p.value } : { name, error: `${p.line}:${p.column}: ${p.message}` };
}

function isLines(file: string): boolean {
  return lineFormats.some((x) => file.endsWith(x));
}

function lines(file: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
}
