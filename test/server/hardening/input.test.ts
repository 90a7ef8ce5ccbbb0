// Issue 14, probes 3, 4, 5 and 7: no input gives a 500 or is read two ways. Lone surrogates, duplicate
// keys, names with hidden characters, compressed or non-UTF-8 bodies, deep JSON and static-file paths.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { example, exampleLine, useApp } from '../helper.js';

const ctx = useApp();

/** withName is typical-bank as JSON text with its institution's name (and region) replaced verbatim. */
function withName(name: string, region?: string): string {
  const input = example('typical-bank');
  input.institution.name = '@@NAME@@';
  if (region !== undefined) input.institution.region = '@@REGION@@';
  return JSON.stringify(input)
    .replace('"@@NAME@@"', name)
    .replace('"@@REGION@@"', region ?? '');
}

const post = (payload: string, headers: Record<string, string> = {}, url = '/v1/evaluate') =>
  ctx.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } });

describe('lone surrogates (probe 3)', () => {
  it.each([
    ['an escaped high surrogate in the name', withName('"x\\ud800"'), '/institution/name', 'U+D800'],
    ['an escaped low surrogate in the region', withName('"x"', '"\\udc01y"'), '/institution/region', 'U+DC01'],
    [
      'a high surrogate followed by a non-surrogate escape',
      withName('"\\ud800\\u0041"'),
      '/institution/name',
      'U+D800',
    ],
  ])('%s: 400 with the JSON path, never a 500', async (_name, body, path, code) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    const json = res.json();
    expect(json.error).toBe('invalid-input');
    expect(json.problems).toEqual([{ path, message: expect.stringContaining(code) }]);
  });

  it('accepts a surrogate pair (a character outside the BMP)', async () => {
    const res = await post(withName('"银行\\ud83d\\ude00"'));
    expect(res.statusCode).toBe(200);
  });

  it('refuses a lone surrogate given as a JavaScript string to the Rater (no WASM 500)', () => {
    const input = example('typical-bank');
    input.institution.name = 'x\ud800';
    const outcome = ctx.rater.evaluate(input);
    expect(outcome).toMatchObject({ ok: false, status: 400, problems: [{ path: '/institution/name' }] });
  });

  it('refuses it in one NDJSON line only, with its path', async () => {
    const res = await post(
      `${exampleLine('clean-bank')}\n${withName('"x\\ud800"')}\n`,
      {
        'content-type': 'application/x-ndjson',
      },
      '/v1/evaluate/batch',
    );
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0].ok).toBe(true);
    expect(lines[1]).toMatchObject({
      ok: false,
      line: 2,
      error: 'invalid-input',
      problems: [{ path: '/institution/name' }],
    });
  });
});

describe('duplicate keys (probe 4)', () => {
  it('refuses {"name":"A","name":"中国工商银行"} with the path of the second key', async () => {
    const res = await post(withName('"A","name":"中国工商银行"'));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'invalid-input',
      message:
        'the request body was refused: the key "name" appears twice in one object; a key may be given once (at /institution/name)',
      problems: [
        { path: '/institution/name', message: 'the key "name" appears twice in one object; a key may be given once' },
      ],
    });
  });

  it('sees through escapes: "name" and "n\\u0061me" are the same key', async () => {
    const res = await post(withName('"A","n\\u0061me":"中国工商银行"'));
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0].path).toBe('/institution/name');
  });

  it('refuses a duplicate inside a JSON batch with the element index in the path', async () => {
    const res = await post(`[${exampleLine('clean-bank')},{"year":2024,"year":2025}]`, {}, '/v1/evaluate/batch');
    expect(res.statusCode).toBe(400);
    expect(res.json().problems).toEqual([{ path: '/1/year', message: expect.stringContaining('appears twice') }]);
  });

  it('keeps the same key in different objects', async () => {
    expect((await post(exampleLine('typical-bank'))).statusCode).toBe(200);
  });
});

describe('names with hidden characters or surrounding spaces (probe 5)', () => {
  const icbc = '中国工商银行';
  it('rates a look-alike with a local type before this check would have refused it (the probe)', async () => {
    const res = await post(withName(JSON.stringify(`${icbc}\u200b`)));
    expect(res.statusCode).toBe(400);
  });

  it.each([
    ['a zero-width space', `${icbc.slice(0, 2)}\u200b${icbc.slice(2)}`, 'U+200B', 3],
    ['a byte order mark', `\ufeff${icbc}`, 'U+FEFF', 1],
    ['a right-to-left override', `${icbc}\u202e`, 'U+202E', 7],
    ['a NUL', `${icbc}\u0000`, 'U+0000', 7],
  ])('refuses %s, naming the character and its position', async (_what, name, code, position) => {
    const res = await post(withName(JSON.stringify(name)));
    expect(res.statusCode).toBe(400);
    const [problem] = res.json().problems;
    expect(problem.path).toBe('/institution/name');
    expect(problem.message).toContain(`invisible character ${code}`);
    expect(problem.message).toContain(`at character ${position}`);
  });

  it.each([
    ['a trailing space', `${icbc} `, 'U+0020'],
    ['a leading ideographic space', `\u3000${icbc}`, 'U+3000'],
  ])('refuses %s rather than trimming it', async (_what, name, code) => {
    const res = await post(withName(JSON.stringify(name)));
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0]).toEqual({
      path: '/institution/name',
      message: `begins or ends with a space (${code}); send the name without surrounding spaces`,
    });
  });

  it('refuses a region with a hidden character before it chooses a ruleset', async () => {
    const res = await post(withName('"某银行"', '"北京\\u200b"'));
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0].path).toBe('/institution/region');
  });

  it('accepts inner spaces, and rates the clean name as the national bank', async () => {
    expect((await post(withName('"Bank of Somewhere Ltd"'))).statusCode).toBe(200);
    const res = await post(withName(JSON.stringify(icbc)));
    expect(res.statusCode).toBe(200);
    expect(res.json().institution.type).toBe('national');
  });
});

describe('smaller items (probe 7)', () => {
  it('refuses a gzip body with 415 instead of reading it as UTF-8', async () => {
    const res = await post(exampleLine('typical-bank'), { 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({
      error: 'unsupported-media-type',
      message: 'Content-Encoding "gzip" is not accepted: send the body uncompressed',
    });
  });

  it.each(['latin1', 'ISO-8859-1', 'utf-16'])('refuses charset=%s with 415', async (charset) => {
    const res = await post(exampleLine('typical-bank'), { 'content-type': `application/json; charset=${charset}` });
    expect(res.statusCode).toBe(415);
    expect(res.json().message).toContain(`charset "${charset}" is not accepted`);
  });

  it('accepts charset=utf-8 in any case', async () => {
    const res = await post(exampleLine('typical-bank'), { 'content-type': 'application/json; charset=UTF-8' });
    expect(res.statusCode).toBe(200);
  });

  it('refuses bytes that are not UTF-8 with 400', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/evaluate',
      headers: { 'content-type': 'application/json' },
      payload: Buffer.concat([Buffer.from('{"year":'), Buffer.from([0xff, 0xfe]), Buffer.from('}')]),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/not valid UTF-8/);
  });

  it('gives deep JSON one limit, valid or malformed', async () => {
    const valid = `${'['.repeat(600)}${']'.repeat(600)}`;
    const malformed = '['.repeat(600);
    const a = await post(valid);
    const b = await post(malformed);
    expect(a.statusCode).toBe(400);
    expect(b.statusCode).toBe(400);
    expect(a.json().problems[0].message).toBe('the document nests deeper than 512 levels, the most accepted');
    expect(b.json()).toEqual(a.json());
    // At the limit, the depth is not what refuses it.
    const ok = await post(`${'['.repeat(512)}${']'.repeat(512)}`);
    expect(ok.json().message).not.toMatch(/nests deeper/);
  });

  it.each(['/docs/static/../..', '/docs/static/../../package.json', '/docs/static/%2e%2e/%2e%2e/etc/passwd'])(
    'answers %s with 404 not-found',
    async (url) => {
      const res = await ctx.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toBe('not-found');
    },
  );
});

describe('prototype keys anywhere in a body (what fast-check draws on purpose)', () => {
  // A body whose text carries "__proto__" or "constructor"/"prototype" at any depth is refused before any
  // code walks it, so no path from a request can reach Object.prototype.
  const planted = '{"d<K!S-w": 1}';
  const withKey = (where: 'top' | 'institution' | 'finding', key: string): string => {
    const input = example('typical-bank');
    const marker = { '@@KEY@@': 0 };
    if (where === 'top') Object.assign(input, marker);
    else if (where === 'institution') Object.assign(input.institution, marker);
    else input.findings['1.1'] = marker;
    const value = key === 'constructor' ? `{"prototype": ${planted}}` : planted;
    return JSON.stringify(input).replace('"@@KEY@@":0', `"${key}": ${value}`);
  };
  const cases = (['top', 'institution', 'finding'] as const).flatMap((where) =>
    ['__proto__', 'constructor'].map((key) => [where, key] as const),
  );

  it.each(
    cases.flatMap(([where, key]) =>
      ['/v1/evaluate', '/v1/obligations/due', '/v1/inspections/status'].map((url) => [url, where, key] as const),
    ),
  )('POST %s with %s.%s: 400 malformed-json, Object.prototype untouched', async (url, where, key) => {
    const res = await post(withKey(where, key), {}, url);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('malformed-json');
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it.each(cases)('a JSON batch and an NDJSON line with %s.%s are refused, the valid line rated', async (where, key) => {
    const array = await post(`[${withKey(where, key)}]`, {}, '/v1/evaluate/batch');
    expect(array.statusCode).toBe(400);
    expect(array.json().error).toBe('malformed-json');
    const ndjson = await post(
      `${exampleLine('clean-bank')}\n${withKey(where, key)}\n`,
      { 'content-type': 'application/x-ndjson' },
      '/v1/evaluate/batch',
    );
    const [first, second] = ndjson.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, line: 2, error: 'malformed-json' });
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});

describe('the second wall: no __proto__ accessor in the service process', () => {
  it('makes a walk through a "__proto__" key land on an own property, never on Object.prototype', () => {
    // Run in a child: the accessor is removed for the whole process (src/server/main.ts does it at startup).
    const script = `
      import { removeProtoAccessor } from './dist/server/runtime/harden.js';
      removeProtoAccessor();
      const walked = {};
      let cur = walked;
      for (const k of ['__proto__']) { cur[k] ??= {}; cur = cur[k]; }
      cur.planted = 1;
      console.log(JSON.stringify({ planted: Object.keys(Object.prototype), own: Object.keys(walked), proto: ({}).planted }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ planted: [], own: ['__proto__'] });
  });
});
