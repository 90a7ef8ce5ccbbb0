// Evidence stage: the records of a CSV text stream, in batches. Lines without a quote are split on
// commas here, as csv-parse would split them (its record delimiter found the way it finds it, empty
// lines skipped, every record as wide as the header); from the first stretch of lines with a quote,
// csv-parse itself takes the rest of the file. A query log is rarely quoted, and splitting it here
// costs a fraction of parsing it byte by byte.
import { CsvError, type Options, parse } from 'csv-parse';

/** CsvRecordError: csv-parse's failure shape; `records` counts the records before the bad one. */
export interface CsvRecordError extends Error {
  code?: string;
  records?: number;
}

// The byte order mark is dropped before any hand-over; a later one is text, as csv-parse reads it.
const options: Options = { relax_quotes: false, skip_empty_lines: true, bom: false };

function inconsistent(records: number): CsvRecordError {
  return Object.assign(new Error('Invalid Record Length: a record has a different number of fields than the header'), {
    code: 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH',
    records,
  });
}

/** csvRecords yields the records of a text stream (the header first) in batches; it throws a CsvRecordError. */
export async function* csvRecords(text: AsyncIterable<string>, batchSize = 1000): AsyncGenerator<string[][]> {
  const it = text[Symbol.asyncIterator]();
  let carry = '';
  let eol: string | undefined;
  let width = -1;
  let records = 0;
  let start = true;
  for (;;) {
    const next = await it.next();
    const done = next.done === true;
    let all = carry + (done ? '' : (next.value as string));
    // csv-parse (bom: true) drops a byte order mark at the start of the file.
    if (start && all.length) {
      start = false;
      if (all.charCodeAt(0) === 0xfeff) all = all.slice(1);
    }
    eol ??= discover(all, done);
    if (eol === '"') {
      yield* handOver(all, it, undefined, records, width, batchSize);
      return;
    }
    const at = eol === undefined || done ? -1 : all.lastIndexOf(eol);
    if (!done && at < 0) {
      carry = all;
      continue;
    }
    const cut = done ? all.length : at + (eol as string).length;
    const stretch = all.slice(0, cut);
    carry = all.slice(cut);
    if (stretch.includes('"')) {
      // csv-parse takes over at the start of this stretch (a record's start) for the rest of the file.
      yield* handOver(stretch + carry, it, eol, records, width, batchSize);
      return;
    }
    let batch: string[][] = [];
    for (const line of eol ? stretch.split(eol) : [stretch]) {
      if (line === '') continue;
      const fields = line.split(',');
      if (width < 0) width = fields.length;
      else if (fields.length !== width) {
        if (batch.length) yield batch;
        throw inconsistent(records);
      }
      records++;
      batch.push(fields);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
    if (done) return;
  }
}

/**
 * discover finds the record delimiter as csv-parse does, the first line end seen (\r\n, \n or \r); '"'
 * when a quote comes first (csv-parse then reads the whole file); undefined while it cannot tell yet.
 */
function discover(text: string, done: boolean): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return '"';
    if (c === 0x0a) return '\n';
    if (c === 0x0d) {
      if (i + 1 < text.length) return text.charCodeAt(i + 1) === 0x0a ? '\r\n' : '\r';
      return done ? '\r' : undefined;
    }
  }
  return undefined;
}

async function* handOver(
  head: string,
  it: AsyncIterator<string>,
  eol: string | undefined,
  before: number,
  width: number,
  batchSize: number,
): AsyncGenerator<string[][]> {
  const parser = parse({ ...options, ...(eol ? { record_delimiter: eol } : {}) });
  // Records are taken as csv-parse emits them and the text is written piece by piece, so every record
  // before a failure is seen before it (an async iterator drops those still buffered).
  let got: string[][] = [];
  let failure: Error | undefined;
  let ended = false;
  parser.on('data', (r: string[]) => got.push(r));
  parser.on('error', (err: Error) => {
    failure = failure ?? err;
  });
  parser.on('end', () => {
    ended = true;
  });
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  let records = before;
  let want = width;
  try {
    for (let piece: string | undefined = head; ; ) {
      if (piece === undefined) {
        parser.end();
        while (!ended && !failure) await settle();
      } else {
        await new Promise<void>((resolve) => parser.write(piece, () => resolve()));
        await settle();
      }
      const batch = got;
      got = [];
      for (let i = 0; i < batch.length; i++) {
        if (want < 0) want = batch[i].length;
        else if (batch[i].length !== want) {
          if (i > 0) yield batch.slice(0, i);
          throw inconsistent(records);
        }
        records++;
      }
      for (let i = 0; i < batch.length; i += batchSize) yield batch.slice(i, i + batchSize);
      if (failure) {
        // csv-parse counts from where it took over.
        const e = failure as CsvRecordError;
        if (failure instanceof CsvError) e.records = before + (e.records ?? 0);
        throw failure;
      }
      if (piece === undefined) return;
      const r = await it.next();
      piece = r.done ? undefined : r.value;
    }
  } finally {
    parser.destroy();
  }
}
