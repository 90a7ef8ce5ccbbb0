// Evidence stage: the raw rows of a CSV evidence file, in UTF-8 (with or without BOM) or GB18030,
// parsed by csv-parse and handed on in batches.
import { type Message, msg } from '../diagnostics/message.js';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { type CsvRecordError, csvRecords } from './csv-records.js';
import { type Collector, problem } from './errors.js';
import { acceptedList, columnIndexes, mapHeaders, type RawRow } from './read-headers.js';
import type { TableSpec } from './tables.js';

export type Encoding = 'utf8' | 'gb18030';

/** sniffEncoding decides from the first bytes: a UTF-8 BOM or valid UTF-8 is UTF-8, else GB18030. */
export async function sniffEncoding(file: string): Promise<{ encoding: Encoding } | { refused: Message }> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(65536);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8' };
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
      return { refused: msg('diag.evidence.read.utf16') };
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: bytesRead === buf.length });
      return { encoding: 'utf8' };
    } catch {
      return { encoding: 'gb18030' };
    }
  } finally {
    await fh.close();
  }
}

/** csvCells yields the rows after the header in batches; problems go to `errors`. */
export async function* csvCells(
  file: string,
  label: string,
  spec: TableSpec,
  errors: Collector,
): AsyncGenerator<RawRow[]> {
  const sniffed = await sniffEncoding(file);
  if ('refused' in sniffed) {
    errors.add(problem('EVID003', label, sniffed.refused, 1));
    return;
  }
  const hint = sniffed.encoding === 'gb18030' ? msg('diag.evidence.read.readAsGb18030') : '';
  const source: Readable =
    sniffed.encoding === 'utf8'
      ? createReadStream(file, { encoding: 'utf8' })
      : (createReadStream(file).pipe(iconv.decodeStream('gb18030')) as unknown as Readable);
  let cols: number[] | undefined;
  let row = 0;
  try {
    for await (const records of csvRecords(source)) {
      const out: RawRow[] = [];
      for (const record of records) {
        row++;
        if (!cols) {
          cols = columnIndexes(
            spec,
            mapHeaders(
              record.map((h) => h.replace(/^\uFEFF/, '')),
              spec,
              label,
              errors,
              hint,
            ),
          );
          if (errors.count) return;
          continue;
        }
        out.push([row, cols, record]);
      }
      if (out.length) yield out;
    }
  } catch (err) {
    const e = err as CsvRecordError;
    const where = e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' ? msg('diag.evidence.read.cellCount') : e.message;
    // csv-parse counts the records before the bad one (the header among them).
    errors.add(problem('EVID002', label, msg('diag.evidence.read.notCsv', { where }), (e.records ?? row) + 1));
  } finally {
    source.destroy();
  }
  if (!cols)
    errors.add(problem('EVID012', label, msg('diag.evidence.read.emptyFile', { accepted: acceptedList(spec) }), 1));
}
