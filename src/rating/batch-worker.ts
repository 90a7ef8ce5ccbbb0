// Rating stage, in a worker thread: rates a chunk of NDJSON lines with its own Rater, loaded once
// per worker, and returns the chunk's NDJSON answer in the same order.
import { Rater } from './rater.js';
import { parseJsonText } from '../validation/json-syntax.js';

export interface BatchChunk {
  rulesetsDir: string;
  wasmPath: string;
  firstLine: number;
  lines: string[];
}

let rater: Promise<Rater> | undefined;

export interface BatchAnswer {
  text: string;
  rated: number;
  refused: number;
}

/** rateLines answers each line: `{line, ok: true, result}` or `{line, ok: false, problems}`. */
export function rateLines(r: Rater, firstLine: number, lines: string[]): BatchAnswer {
  let out = '';
  let rated = 0;
  let refused = 0;
  lines.forEach((text, i) => {
    const line = firstLine + i;
    if (text.trim() === '') return;
    const parsed = parseJsonText(text);
    if (!parsed.ok) {
      out += JSON.stringify({ line, ok: false, problems: [{ path: '', message: `line ${line}, column ${parsed.column}: ${parsed.message}` }] }) + '\n';
      refused++;
      return;
    }
    const outcome = r.evaluate(parsed.value);
    out += JSON.stringify(outcome.ok ? { line, ok: true, result: outcome.result } : { line, ok: false, problems: outcome.problems }) + '\n';
    if (outcome.ok) rated++;
    else refused++;
  });
  return { text: out, rated, refused };
}

export default async function rateChunk(chunk: BatchChunk): Promise<BatchAnswer> {
  rater ??= Rater.load(chunk.rulesetsDir, chunk.wasmPath);
  return rateLines(await rater, chunk.firstLine, chunk.lines);
}
