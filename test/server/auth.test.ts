// Access control: no anonymous access but to /healthz, /readyz and the API description; 401 without a
// key or with a wrong one (with WWW-Authenticate), 403 without the scope; keys stored as digests, and
// a keys file that shares a key or a name refused at the line that does.
import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, KeyRing } from '../../src/security/api-keys.js';
import { parseKeys } from '../../src/security/keys-file.js';
import { buildApp } from '../../src/server/app.js';
import { anonymous, bearer, example, secrets, testApp, useApp } from './helper.js';

const ctx = useApp();

const protectedRoutes = [
  { method: 'POST', url: '/v1/evaluate', scope: 'evaluate', payload: example('clean-bank') },
  { method: 'POST', url: '/v1/evaluate/batch', scope: 'evaluate', payload: [example('clean-bank')] },
  { method: 'GET', url: '/v1/rulesets', scope: 'read' },
  { method: 'GET', url: '/v1/rulesets/yinfa-2018-102', scope: 'read' },
  { method: 'GET', url: '/v1/rulesets/yinfa-2018-102/input-schema', scope: 'read' },
  { method: 'GET', url: '/v1/diff?from=yinfa-2018-102&to=yinfa-2018-102', scope: 'read' },
  {
    method: 'GET',
    url: `/v1/obligations/calendar?institution=${encodeURIComponent('某市农村商业银行')}&year=2024`,
    scope: 'read',
  },
  {
    method: 'POST',
    url: '/v1/obligations/due',
    scope: 'read',
    payload: { obligation: 'monthly-security-report', start: '2024-01', reporter: 'national' },
  },
  { method: 'GET', url: '/v1/status', scope: 'read' },
  { method: 'POST', url: '/v1/admin/reload', scope: 'admin' },
] as const;

const holderOf = { evaluate: 'rater', read: 'reader', admin: 'admin' } as const;

describe('without a valid key', () => {
  it.each(protectedRoutes)('$method $url answers 401 with a Bearer challenge', async (route) => {
    const none = await anonymous(ctx.app)({
      method: route.method,
      url: route.url,
      ...('payload' in route ? { payload: route.payload } : {}),
    });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="credit-policy"');
    expect(none.json()).toMatchObject({
      error: 'unauthorized',
      message: expect.stringContaining('Authorization: Bearer <key>'),
    });

    const wrong = await ctx.app.inject({
      method: route.method,
      url: route.url,
      headers: { authorization: `Bearer ${generateSecret()}` },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="credit-policy", error="invalid_token"');
    expect(wrong.json().error).toBe('unauthorized');
  });

  it('refuses a malformed Authorization header, and two different keys', async () => {
    for (const headers of [
      { authorization: secrets.ops },
      { authorization: `Basic ${secrets.ops}` },
      { authorization: 'Bearer' },
      { ...bearer('ops'), 'x-api-key': secrets.reader },
    ]) {
      const res = await ctx.app.inject({ url: '/v1/rulesets', headers });
      expect([headers, res.statusCode]).toEqual([headers, 401]);
      expect(res.headers['www-authenticate']).toContain('error="invalid_request"');
    }
  });

  it('answers an unknown route with 401 rather than saying whether it exists', async () => {
    expect((await anonymous(ctx.app)({ url: '/v1/secret-admin-thing' })).statusCode).toBe(401);
    expect((await ctx.app.inject({ url: '/v1/secret-admin-thing' })).statusCode).toBe(404);
  });

  it('answers the public routes: health, readiness and the API description', async () => {
    for (const url of ['/healthz', '/readyz', '/openapi.json', '/docs', '/docs/json'])
      expect([url, (await anonymous(ctx.app)({ url })).statusCode]).toEqual([url, 200]);
  });
});

describe('with a key', () => {
  it.each(protectedRoutes)('$method $url needs the scope $scope: 403 without it', async (route) => {
    const payload = 'payload' in route ? { payload: route.payload } : {};
    for (const holder of ['rater', 'reader', 'admin'] as const) {
      const res = await ctx.app.inject({ method: route.method, url: route.url, headers: bearer(holder), ...payload });
      if (holder === holderOf[route.scope]) expect([holder, res.statusCode]).not.toEqual([holder, 403]);
      else {
        expect([holder, res.statusCode]).toEqual([holder, 403]);
        expect(res.json()).toMatchObject({
          error: 'forbidden',
          message: expect.stringContaining(`lacks the scope "${route.scope}"`),
        });
        expect(res.headers['www-authenticate']).toBeUndefined();
      }
    }
  });

  it('is read from x-api-key as well, and the Bearer scheme in any case', async () => {
    expect((await ctx.app.inject({ url: '/v1/rulesets', headers: { 'x-api-key': secrets.reader } })).statusCode).toBe(
      200,
    );
    expect(
      (await ctx.app.inject({ url: '/v1/rulesets', headers: { authorization: `bearer ${secrets.reader}` } }))
        .statusCode,
    ).toBe(200);
    expect(
      (await ctx.app.inject({ url: '/v1/rulesets', headers: { ...bearer('reader'), 'x-api-key': secrets.reader } }))
        .statusCode,
    ).toBe(200);
  });

  it('keeps /docs behind the read scope when DOCS is private, and drops it when off', async () => {
    const priv = testApp({ rater: ctx.rater, docs: 'private' });
    const off = testApp({ rater: ctx.rater, docs: 'off' });
    try {
      expect((await anonymous(priv)({ url: '/docs' })).statusCode).toBe(401);
      expect((await anonymous(priv)({ url: '/openapi.json' })).statusCode).toBe(401);
      expect((await priv.inject({ url: '/openapi.json', headers: bearer('rater') })).statusCode).toBe(403);
      expect((await priv.inject({ url: '/openapi.json', headers: bearer('reader') })).statusCode).toBe(200);
      expect((await off.inject({ url: '/docs' })).statusCode).toBe(404);
      expect((await off.inject({ url: '/openapi.json' })).statusCode).toBe(404);
    } finally {
      await priv.close();
      await off.close();
    }
  });

  it('cannot be left out: an app is never built without keys', () => {
    expect(() => buildApp({ rater: ctx.rater } as never)).toThrow(/needs `keys`/);
  });
});

describe('key storage', () => {
  it('keeps only digests, and finds a key by its secret', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^cpk_[A-Za-z0-9_-]{43}$/);
    const ring = new KeyRing([
      { name: 'a', hash: hashSecret('other'), scopes: ['read'] },
      { name: 'b', hash: hashSecret(secret), scopes: ['evaluate'] },
    ]);
    expect(ring.find(secret)?.name).toBe('b');
    expect(ring.find(`${secret}x`)).toBeUndefined();
    expect(ring.find('')).toBeUndefined();
    expect(hashSecret(secret)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('refuses a keys file sharing a secret or a name, at the line that does', () => {
    const h = hashSecret('s1');
    const text = `keys:\n  - name: alice\n    hash: ${h}\n    scopes: [evaluate]\n  - name: batch\n    hash: ${h}\n    scopes: [read]\n  - name: alice\n    hash: ${hashSecret('s2')}\n    scopes: [read]\n`;
    const { keys, diagnostics } = parseKeys(text, 'keys.yaml');
    expect(keys).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['KEY004', 6, 11],
      ['KEY003', 8, 11],
    ]);
    expect(diagnostics[0].message).toBe(
      'is the same secret as key 0 ("alice"): keys are not shared; make one for each user or service',
    );
  });

  it('refuses unknown scopes, bad digests, unknown fields and duplicate keys in YAML', () => {
    const cases: [string, string][] = [
      [`{"keys":[{"name":"a","hash":"${hashSecret('x')}","scopes":["write"]}]}`, 'KEY002'],
      ['{"keys":[{"name":"a","hash":"md5:abc","scopes":["read"]}]}', 'KEY002'],
      [`{"keys":[{"name":"a","hash":"${hashSecret('x')}","scopes":["read"],"secret":"x"}]}`, 'KEY002'],
      [`{"keys":[{"name":"a","name":"b","hash":"${hashSecret('x')}","scopes":["read"]}]}`, 'KEY001'],
      ['[', 'KEY001'],
    ];
    for (const [text, code] of cases) {
      const { keys, diagnostics } = parseKeys(text, 'keys.json');
      expect(keys).toBeUndefined();
      expect([text, diagnostics[0].code, typeof diagnostics[0].line]).toEqual([text, code, 'number']);
    }
  });
});
