import { describe, expect, it } from 'vitest';
import { example, useApp, testApp } from './helper.js';

const ctx = useApp();

const post = (payload: unknown, headers: Record<string, string> = {}) =>
  ctx.app.inject({ method: 'POST', url: '/v1/evaluate', payload: payload as string, headers });

describe('POST /v1/evaluate', () => {
  it.each([
    { name: 'clean-bank', score: 99, grade: 'A', rated: true },
    { name: 'typical-bank', score: 82, grade: 'B', rated: true },
    { name: 'zero-score-bank', score: 0, grade: 'D', rated: true },
    { name: 'newly-connected', score: null, grade: null, rated: false },
  ] as const)('rates $name: score $score, grade $grade', async ({ name, score, grade, rated }) => {
    const res = await post(example(name));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = res.json();
    expect(body).toMatchObject({ rated, score, grade, ruleset: { id: 'yinfa-2018-102' } });
    // The HTTP result is the Rater's result, unchanged in shape: nothing dropped or added by serialization.
    const direct = ctx.rater.evaluate(example(name));
    expect(direct.ok).toBe(true);
    expect(body).toEqual(JSON.parse(JSON.stringify((direct as { result: unknown }).result)));
  });

  it('reports the zero-score trigger and measures of a zero-score bank', async () => {
    const body = (await post(example('zero-score-bank'))).json();
    expect(body.zeroScore.triggers.map((t: { id: string }) => t.id)).toContain('art16-3');
    expect(body.measures.result).toBe('zero');
    expect(body.subtotal).toBeGreaterThan(0);
  });

  it('does not rate a newly connected institution', async () => {
    const body = (await post(example('newly-connected'))).json();
    expect(body).toMatchObject({ rated: false, grade: null, measures: null, items: [] });
    expect(body.notRated.clause).toMatch(/第九条|新接入/);
  });

  it('refuses a misspelled finding key with 400 instead of deducting less', async () => {
    const input = example('typical-bank');
    input.findings['1.1'] = { organisationDefficiencies: 1 };
    const res = await post(input);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('invalid-input');
    expect(body).not.toHaveProperty('score');
    const problem = body.problems.find((p: { path: string }) => p.path === '/findings/1.1/organisationDefficiencies');
    expect(problem).toBeDefined();
    expect(problem.allowed).toContain('organisationDeficiencies');
  });

  it('refuses a count given as text, without coercing it', async () => {
    const input = example('typical-bank');
    input.findings['1.1'] = { organisationDeficiencies: '1' };
    const res = await post(input);
    expect(res.statusCode).toBe(400);
    expect(res.json().problems).toContainEqual(
      expect.objectContaining({ path: '/findings/1.1/organisationDeficiencies', allowed: ['integer'] }),
    );
  });

  it('refuses an input of the wrong shape with problems naming the place', async () => {
    const res = await post({ institution: {}, year: 'last year' });
    expect(res.statusCode).toBe(400);
    const paths = res.json().problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['/institution', '/year']));
  });

  it('answers malformed JSON with 400 and the line and column', async () => {
    const res = await post('{\n  "year": 2023,\n  "institution": { "name": "x" ]\n}', {
      'content-type': 'application/json',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'malformed-json',
      message: 'the request body is not valid JSON at line 3, column 32: expected "," or "}", found "]"',
    });
  });

  it('answers an empty body with 400', async () => {
    const res = await post('', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('empty-body');
    const none = await ctx.app.inject({ method: 'POST', url: '/v1/evaluate' });
    expect(none.statusCode).toBe(400);
    expect(none.json().error).toBe('empty-body');
  });

  it('refuses prototype poisoning as malformed', async () => {
    const res = await post('{"__proto__": {"polluted": true}, "year": 2023}', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('malformed-json');
  });

  it('answers a wrong content type with 415', async () => {
    const res = await post('institution=x&year=2023', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toBe('unsupported-media-type');
    const text = await post(JSON.stringify(example('clean-bank')), { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    const ndjson = await post(JSON.stringify(example('clean-bank')), { 'content-type': 'application/x-ndjson' });
    expect(ndjson.statusCode).toBe(415);
  });

  it('answers a body over the limit with 413', async () => {
    const small = testApp({ rater: ctx.rater, bodyLimit: 512 });
    try {
      const input = example('typical-bank');
      const res = await small.inject({ method: 'POST', url: '/v1/evaluate', payload: input });
      expect(JSON.stringify(input).length).toBeGreaterThan(512);
      expect(res.statusCode).toBe(413);
      expect(res.json()).toEqual({
        error: 'body-too-large',
        message: `the request body is ${Buffer.byteLength(JSON.stringify(input))} bytes (Content-Length); this route accepts at most 512`,
      });
    } finally {
      await small.close();
    }
  });

  it('answers an unknown pinned ruleset with 404', async () => {
    const res = await post({ ...example('clean-bank'), ruleset: 'yinfa-1999-1' });
    expect(res.statusCode).toBe(404);
    const body = res.json();
    expect(body.error).toBe('unknown-ruleset');
    expect(body.problems[0]).toMatchObject({ path: '/ruleset', allowed: ['yinfa-2018-102'] });
  });

  it('answers a year no ruleset decides with 422', async () => {
    const res = await post({ ...example('clean-bank'), year: 2010 });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.error).toBe('no-ruleset-in-force');
    expect(body.problems[0].path).toBe('/year');
    expect(body.message).toContain('2010');
  });

  it('turns an unexpected failure into a generic 500 without detail', async () => {
    const failing = testApp({
      rater: Object.assign(Object.create(ctx.rater), {
        evaluate: () => {
          throw new Error('secret detail of 某市农村商业银行');
        },
      }),
    });
    try {
      const res = await failing.inject({ method: 'POST', url: '/v1/evaluate', payload: example('typical-bank') });
      expect(res.statusCode).toBe(500);
      expect(res.json().error).toBe('internal-error');
      expect(res.body).not.toContain('secret');
    } finally {
      await failing.close();
    }
  });

  describe('Accept: text/html', () => {
    it('returns a printable report in Chinese', async () => {
      const res = await post(example('typical-bank'), { accept: 'text/html' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers.vary).toMatch(/Accept/);
      const html = res.body;
      expect(html).toMatch(/^<!DOCTYPE html>/);
      expect(html).toContain('某市农村商业银行');
      expect(html).toContain('<span class="value">82</span>');
      expect(html).toContain('<span class="value">B</span>');
      expect(html).toContain('<svg');
      expect((html.match(/class="got"/g) ?? []).length).toBe(5);
      expect(html).toContain('yinfa-2018-102');
      expect(html).toContain('sha256:');
      expect(html).toContain('监管措施');
      expect(html).toContain('full-marks-is-max');
      // Self-contained: no external stylesheet, script or image.
      expect(html).not.toMatch(/<link|<script|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    });

    it('shows each interpretation in Chinese by default, and the page in English for Accept-Language: en', async () => {
      const zh = await post(example('typical-bank'), { accept: 'text/html' });
      expect(zh.headers['content-language']).toBe('zh-CN');
      expect(zh.headers.vary).toMatch(/Accept-Language/);
      expect(zh.body).toContain('<html lang="zh-CN">');
      expect(zh.body).toContain('第16项、第17项最多得其分值（3分、4分），而非其计分标准所写的得5分');
      const en = await post(example('typical-bank'), {
        accept: 'text/html',
        'accept-language': 'en-GB,en;q=0.9,zh;q=0.5',
      });
      expect(en.headers['content-language']).toBe('en');
      expect(en.body).toContain('<html lang="en">');
      expect(en.body).toContain('Annual rating of credit-information compliance and security');
      expect(en.body).toContain('Items 16 and 17 score at most their 分值 (3 and 4)');
      expect(en.body).toContain('<span class="value">82</span>');
      // The JSON is the same whatever the language, and carries both readings.
      const json = await post(example('typical-bank'), { 'accept-language': 'en' });
      const used = json.json().interpretations.find((i: { id: string }) => i.id === 'full-marks-is-max');
      expect(used.readingZh).toMatch(/^第16项、第17项/);
      expect(used.reading).toMatch(/^Items 16 and 17/);
    });

    it('escapes every string taken from the input', async () => {
      const input = example('clean-bank');
      input.institution.name = '<script>alert("x")</script>&银行';
      const html = (await post(input, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' })).body;
      expect(html).not.toContain('<script>');
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;银行');
    });

    it('says a newly connected institution is not rated', async () => {
      const html = (await post(example('newly-connected'), { accept: 'text/html' })).body;
      expect(html).toContain('不进行考核评级');
      expect(html).not.toContain('<svg');
    });

    it('keeps JSON when JSON is preferred, and JSON errors', async () => {
      const json = await post(example('clean-bank'), { accept: 'application/json, text/html;q=0.5' });
      expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
      const bad = await post({ ...example('clean-bank'), year: 2010 }, { accept: 'text/html' });
      expect(bad.statusCode).toBe(422);
      expect(bad.json().error).toBe('no-ruleset-in-force');
    });
  });

  describe('request ids', () => {
    it('generates a UUID when none is given', async () => {
      const res = await post(example('clean-bank'));
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });

    it('honours a well-formed incoming id, on errors too', async () => {
      expect((await post(example('clean-bank'), { 'x-request-id': 'batch-7.case-3' })).headers['x-request-id']).toBe(
        'batch-7.case-3',
      );
      expect(
        (await post('{', { 'content-type': 'application/json', 'x-request-id': 'abc-1' })).headers['x-request-id'],
      ).toBe('abc-1');
      expect((await post('x', { 'content-type': 'text/plain', 'x-request-id': 'abc-2' })).headers['x-request-id']).toBe(
        'abc-2',
      );
    });

    it('replaces a malformed incoming id', async () => {
      const res = await post(example('clean-bank'), { 'x-request-id': 'has spaces and <angle brackets>' });
      expect(res.headers['x-request-id']).not.toContain(' ');
      expect(res.headers['x-request-id']).toHaveLength(36);
    });
  });
});
