// csvRecords splits unquoted lines itself and hands quoted stretches to csv-parse: on any text, cut
// into any chunks, it gives csv-parse's records, or fails where csv-parse fails with its record count.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { type CsvRecordError, csvRecords } from '../../src/evidence/csv-records.js';

type Outcome = { records: string[][] } | { code: string | undefined; records: number | undefined };

function byCsvParse(text: string): Outcome {
  try {
    return { records: parse(text, { relax_quotes: false, skip_empty_lines: true, bom: true }) as string[][] };
  } catch (err) {
    const e = err as CsvRecordError;
    return { code: e.code, records: e.records };
  }
}

async function bySplitting(chunks: string[]): Promise<Outcome> {
  const out: string[][] = [];
  try {
    for await (const batch of csvRecords(Readable.from(chunks, { objectMode: true }), 3)) out.push(...batch);
    return { records: out };
  } catch (err) {
    const e = err as CsvRecordError;
    return { code: e.code, records: e.records };
  }
}

const token = fc.constantFrom('a', 'bc', '征信', ',', ',', '\n', '\n', '\r\n', '\r', '"', '""', ' ', '\uFEFF');
const text = fc.array(token, { maxLength: 40 }).map((ts) => ts.join(''));
const cuts = (t: string) => fc.uniqueArray(fc.nat({ max: Math.max(0, t.length) }), { maxLength: 5 });

describe('csvRecords', () => {
  it('agrees with csv-parse on any text in any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        text.chain((t) => fc.tuple(fc.constant(t), cuts(t))),
        async ([t, at]) => {
          const points = [0, ...at.sort((x, y) => x - y), t.length];
          const chunks = points.slice(1).map((p, i) => t.slice(points[i], p));
          expect(await bySplitting(chunks)).toEqual(byCsvParse(t));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('agrees on tables: a header, rows, a quoted stretch, another line ending', async () => {
    for (const t of [
      'id,name\nQ1,x\nQ2,"y, z"\nQ3,w\n',
      'id,name\r\nQ1,x\r\nQ2,y\r\n\r\nQ3,"a\r\nb"\r\n',
      '\uFEFFid,name\nQ1,x\nQ2,x,y\n',
      'id,name\nQ1,x\nQ2,"x"y\n',
      'id\n',
      '',
    ])
      for (const size of [1, 4, 1000]) {
        const chunks = t.match(new RegExp(`[^]{1,${size}}`, 'g')) ?? [];
        expect(await bySplitting(chunks)).toEqual(byCsvParse(t));
      }
  });
});
