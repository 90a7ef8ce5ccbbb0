import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyedStreamLines } from '../../src/server/routes/batch.js';
import { example, exampleLine, useApp, testApp } from './helper.js';

const ctx = useApp({ bodyLimit: 4096 });

const ndjsonLines = (body: string) =>
  body
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

describe('POST /v1/evaluate/batch with a JSON array', () => {
  it('rates each element on its own: one bad element does not fail the others', async () => {
    const bad = example('typical-bank');
    bad.findings['1.1'] = { organisationDefficiencies: 1 };
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/evaluate/batch',
      payload: [
        example('clean-bank'),
        bad,
        example('typical-bank'),
        { ...example('clean-bank'), year: 2010 },
        42,
        example('newly-connected'),
      ],
    });
    expect(res.statusCode).toBe(200);
    const entries = res.json();
    expect(entries).toHaveLength(6);
    expect(entries[0]).toMatchObject({ ok: true, result: { score: 99, grade: 'A' } });
    expect(entries[1]).toMatchObject({ ok: false, status: 400, error: 'invalid-input' });
    expect(entries[1].problems.map((p: { path: string }) => p.path)).toContain(
      '/findings/1.1/organisationDefficiencies',
    );
    expect(entries[1]).not.toHaveProperty('result');
    expect(entries[2]).toMatchObject({ ok: true, result: { score: 82, grade: 'B' } });
    expect(entries[3]).toMatchObject({ ok: false, status: 422, error: 'no-ruleset-in-force' });
    expect(entries[4]).toMatchObject({ ok: false, status: 400, error: 'invalid-input', problems: [{ path: '' }] });
    expect(entries[5]).toMatchObject({ ok: true, result: { rated: false, grade: null } });
  });

  it('answers an empty array with an empty array', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/evaluate/batch', payload: [] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([]);
  });

  it('refuses a body that is not an array with 400', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/evaluate/batch', payload: example('clean-bank') });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid-input', problems: [{ path: '', allowed: ['array'] }] });
  });

  it('answers a batch over its limit with 413, and a wrong content type with 415', async () => {
    const small = testApp({ rater: ctx.rater, batchBodyLimit: 1000 });
    try {
      const res = await small.inject({
        method: 'POST',
        url: '/v1/evaluate/batch',
        payload: [example('typical-bank'), example('typical-bank')],
      });
      expect(res.statusCode).toBe(413);
      expect(res.json().error).toBe('body-too-large');
    } finally {
      await small.close();
    }
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/evaluate/batch',
      payload: 'x',
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().message).toContain('application/x-ndjson');
  });

  it('answers malformed JSON with 400', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/evaluate/batch',
      payload: '[{"year": 2023},',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('malformed-json');
  });
});

describe('POST /v1/evaluate/batch with NDJSON', () => {
  const send = (payload: string) =>
    ctx.app.inject({
      method: 'POST',
      url: '/v1/evaluate/batch',
      payload,
      headers: { 'content-type': 'application/x-ndjson', accept: 'application/x-ndjson' },
    });

  it('answers line by line; a malformed line gets its own entry with its line number', async () => {
    const payload = `${[
      exampleLine('clean-bank'),
      '{"institution": {"name": "x"}, "year": ',
      '',
      exampleLine('zero-score-bank'),
      exampleLine('typical-bank'),
    ].join('\n')}\n`;
    const res = await send(payload);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const entries = ndjsonLines(res.body);
    expect(entries.map((e) => e.line)).toEqual([1, 2, 4, 5]);
    expect(entries[0]).toMatchObject({ ok: true, result: { score: 99, grade: 'A' } });
    expect(entries[1]).toEqual({
      ok: false,
      line: 2,
      status: 400,
      error: 'malformed-json',
      problems: [
        { path: '', message: 'line 2 is not valid JSON at column 40: expected a value, found the end of the input' },
      ],
    });
    expect(entries[2]).toMatchObject({ ok: true, result: { score: 0, grade: 'D', measures: { result: 'zero' } } });
    expect(entries[3]).toMatchObject({ ok: true, result: { score: 82, grade: 'B' } });
  });

  it('reads CRLF line ends and a last line without a line end', async () => {
    const res = await send(`${exampleLine('clean-bank')}\r\n${exampleLine('newly-connected')}`);
    const entries = ndjsonLines(res.body);
    expect(entries.map((e) => [e.line, e.ok, e.result.grade])).toEqual([
      [1, true, 'A'],
      [2, true, null],
    ]);
  });

  it('refuses invalid and unknown-ruleset lines on their own', async () => {
    const res = await send(
      [JSON.stringify({ ...example('clean-bank'), ruleset: 'nope' }), '[1, 2]', exampleLine('clean-bank')].join('\n'),
    );
    const entries = ndjsonLines(res.body);
    expect(entries.map((e) => [e.line, e.ok, e.status])).toEqual([
      [1, false, 404],
      [2, false, 400],
      [3, true, undefined],
    ]);
    expect(entries[0].error).toBe('unknown-ruleset');
  });

  it('skips a line longer than the limit without buffering it, and goes on', async () => {
    const long = JSON.stringify({ ...example('clean-bank'), institution: { name: 'x'.repeat(5000) } });
    const res = await send([long, exampleLine('clean-bank')].join('\n'));
    const entries = ndjsonLines(res.body);
    expect(entries[0]).toMatchObject({ ok: false, line: 1, status: 413, error: 'body-too-large' });
    expect(entries[1]).toMatchObject({ ok: true, line: 2 });
  });

  it('answers an empty stream with an empty body', async () => {
    const res = await send('');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
  });

  it('is not limited by the body limit as a whole', async () => {
    const lines = Array.from({ length: 50 }, () => exampleLine('typical-bank'));
    expect(lines.join('\n').length).toBeGreaterThan(4096 * 4);
    const entries = ndjsonLines((await send(lines.join('\n'))).body);
    expect(entries).toHaveLength(50);
    expect(entries.every((e) => e.ok && e.result.score === 82)).toBe(true);
  });
});

describe('an NDJSON stream sent with an Idempotency-Key', () => {
  // Each keyed line's answer is kept for retries, so a keyed stream is bounded by what the key store
  // holds (keyedStreamLines), even where the batch bound is higher.
  let app: ReturnType<typeof testApp>;
  beforeAll(() => {
    app = testApp({ rater: ctx.rater, batchMaxElements: 5000 });
  });
  afterAll(() => app.close());
  const send = (lines: number, key?: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/evaluate/batch',
      payload: `${Array.from({ length: lines }, () => '{oops').join('\n')}\n`,
      headers: { 'content-type': 'application/x-ndjson', ...(key ? { 'idempotency-key': key } : {}) },
    });

  it(`answers ${keyedStreamLines} lines, and refuses line ${keyedStreamLines + 1} as past the bound for a keyed stream`, async () => {
    const entries = ndjsonLines((await send(keyedStreamLines + 5, 'long-stream')).body);
    expect(entries).toHaveLength(keyedStreamLines + 1);
    expect(entries[keyedStreamLines - 1]).toMatchObject({ line: keyedStreamLines, error: 'malformed-json' });
    expect(entries[keyedStreamLines]).toMatchObject({
      ok: false,
      line: keyedStreamLines + 1,
      error: 'batch-too-large',
    });
    expect(entries[keyedStreamLines].problems[0].message).toContain(
      `past the bound of ${keyedStreamLines} inputs in one request sent with an Idempotency-Key`,
    );
  });

  it('leaves a stream without a key to the batch bound', async () => {
    const entries = ndjsonLines((await send(keyedStreamLines + 5)).body);
    expect(entries).toHaveLength(keyedStreamLines + 5);
    expect(entries.every((e) => e.error === 'malformed-json')).toBe(true);
  });
});
