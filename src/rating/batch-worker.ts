// Rating stage, in a worker thread: rates a chunk of NDJSON lines with its own Rater, loaded once
// per worker, and returns the chunk's NDJSON answer in the same order.
import { Piscina } from 'piscina';
import { EngineError } from '../engine/errors.js';
import { RulesError } from '../diagnostics/diagnostics.js';
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
  /** The chunk's NDJSON answer, UTF-8 encoded here so the main thread only writes bytes. */
  bytes: Uint8Array;
  rated: number;
  refused: number;
}

/** rateLines answers each line: `{line, ok: true, result}` or `{line, ok: false, problems}`. */
export function rateLines(
  r: Rater,
  firstLine: number,
  lines: string[],
): { text: string; rated: number; refused: number } {
  let out = '';
  let rated = 0;
  let refused = 0;
  lines.forEach((text, i) => {
    const line = firstLine + i;
    if (text.trim() === '') return;
    const parsed = parseJsonText(text);
    if (!parsed.ok) {
      out += `${JSON.stringify({
        line,
        ok: false,
        problems: [{ path: '', message: `line ${line}, column ${parsed.column}: ${parsed.message}` }],
      })}\n`;
      refused++;
      return;
    }
    const outcome = r.evaluate(parsed.value);
    out += `${JSON.stringify(
      outcome.ok ? { line, ok: true, result: outcome.result } : { line, ok: false, problems: outcome.problems },
    )}\n`;
    if (outcome.ok) rated++;
    else refused++;
  });
  return { text: out, rated, refused };
}

/**
 * SetupFailure: the rules or the compiled policy could not be loaded. It crosses back to the main
 * thread as data, since an error's class does not survive the thread boundary.
 */
export interface SetupFailure {
  setupFailed: string;
}

export default async function rateChunk(chunk: BatchChunk): Promise<BatchAnswer | SetupFailure> {
  rater ??= Rater.load(chunk.rulesetsDir, chunk.wasmPath);
  let loaded: Rater;
  try {
    loaded = await rater;
  } catch (err) {
    if (err instanceof RulesError || err instanceof EngineError) return { setupFailed: err.message };
    throw err;
  }
  const { text, rated, refused } = rateLines(loaded, chunk.firstLine, chunk.lines);
  const answer: BatchAnswer = { bytes: encoder.encode(text), rated, refused };
  // Moved, not copied: the main thread gets the bytes without cloning the chunk's text.
  return Piscina.move({
    [Piscina.transferableSymbol]: [answer.bytes.buffer],
    [Piscina.valueSymbol]: answer,
  } as never) as unknown as BatchAnswer;
}

const encoder = new TextEncoder();
