import { describe, expect, it } from 'vitest';
import { readLines, type NdjsonLine } from '../../../src/server/http/ndjson.js';

async function collect(chunks: (string | Buffer)[], max = 100): Promise<NdjsonLine[]> {
  const out: NdjsonLine[] = [];
  for await (const l of readLines(
    (async function* () {
      yield* chunks;
    })(),
    max,
  ))
    out.push(l);
  return out;
}

describe('readLines', () => {
  it('splits on \\n and \\r\\n, keeps blank lines, and reads a last line without an end', async () => {
    expect(await collect(['a\r\nb', '\n\nc'])).toEqual([
      { number: 1, text: 'a' },
      { number: 2, text: 'b' },
      { number: 3, text: '' },
      { number: 4, text: 'c' },
    ]);
  });

  it('joins a multi-byte character split across chunks', async () => {
    const bytes = Buffer.from('银行\n征信\n');
    expect(await collect([bytes.subarray(0, 4), bytes.subarray(4, 8), bytes.subarray(8)])).toEqual([
      { number: 1, text: '银行' },
      { number: 2, text: '征信' },
    ]);
  });

  it('reports a line longer than the limit by its number, and keeps counting', async () => {
    expect(await collect(['short\n', 'x'.repeat(60), 'x'.repeat(60), '\nok\n'])).toEqual([
      { number: 1, text: 'short' },
      { number: 2, tooLong: true },
      { number: 3, text: 'ok' },
    ]);
    expect(await collect(['y'.repeat(150)])).toEqual([{ number: 1, tooLong: true }]);
  });

  it('yields nothing for an empty stream', async () => {
    expect(await collect([])).toEqual([]);
  });
});
