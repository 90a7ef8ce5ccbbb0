import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../src/server/http/schemas.js';
import { anonymous, useApp } from './helper.js';

const ctx = useApp();

describe('health', () => {
  it('GET /healthz says the process is alive', async () => {
    const res = await ctx.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz names the loaded rulesets and their hashes, without a key', async () => {
    const res = await anonymous(ctx.app)({ url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ready',
      rulesets: [{ id: 'yinfa-2018-102', hash: ctx.rater.registry.rulesets[0].hash }],
      // Handed a loaded Rater, the app cannot say which bytes it was compiled from.
      wasmSha256: null,
      loadedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastReloadFailed: false,
    });
  });

  it('answers an unknown route with a 404 body of the same shape', async () => {
    const res = await ctx.app.inject({ url: '/v2/evaluate' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not-found', message: 'no route GET /v2/evaluate' });
    expect(res.headers['x-request-id']).toBeTruthy();
  });
});

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    const res = await ctx.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('describes every route with the schemas the routes use', async () => {
    const doc = (await ctx.app.inject({ url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/healthz',
      '/readyz',
      '/v1/admin/reload',
      '/v1/diff',
      '/v1/evaluate',
      '/v1/evaluate/batch',
      '/v1/evaluate/evidence',
      '/v1/findings/derive',
      '/v1/inspections/status',
      '/v1/obligations/calendar',
      '/v1/obligations/due',
      '/v1/rulesets',
      '/v1/rulesets/{id}',
      '/v1/rulesets/{id}/input-schema',
      '/v1/status',
    ]);
    const evaluate = doc.paths['/v1/evaluate'].post;
    expect(evaluate.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/EvaluationInput',
    });
    expect(evaluate.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/RatingResult',
    });
    expect(Object.keys(evaluate.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '406',
      '408',
      '413',
      '415',
      '422',
      '429',
      '500',
      '503',
    ]);
    expect(doc.paths['/v1/evaluate/batch'].post.requestBody.content).toHaveProperty(['application/x-ndjson']);
    expect(doc.components.schemas.RatingResult.required).toContain('grade');
  });

  it('documents every error code, and the error schema allows exactly those', async () => {
    const doc = (await ctx.app.inject({ url: '/openapi.json' })).json();
    const codes = Object.keys(errorCodes);
    expect(doc.components.schemas.ErrorResponse.properties.error.enum).toEqual(codes);
    for (const [code, { status }] of Object.entries(errorCodes))
      expect(doc.info.description).toContain(`| \`${code}\` | ${status} |`);
  });
});

describe('access in the API description', () => {
  it('names the two ways of sending a key, on every route but the public ones', async () => {
    const doc = (await ctx.app.inject({ url: '/openapi.json' })).json();
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, { security?: unknown; responses: object }>>,
    ))
      for (const [method, op] of Object.entries(ops)) {
        const open = path === '/healthz' || path === '/readyz';
        // The public routes say so with an empty list; the others name the two schemes.
        expect([path, method, op.security]).toEqual([path, method, open ? [] : [{ bearer: [] }, { apiKey: [] }]]);
        if (!open) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403', '429', '503']));
      }
  });
});

describe('GET /docs', () => {
  it('is public, and served with a strict content security policy and security headers', async () => {
    for (const url of ['/docs', '/docs/static/swagger-initializer.js', '/docs/json']) {
      const res = await anonymous(ctx.app)({ url });
      expect([url, res.statusCode]).toEqual([url, 200]);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    const page = await ctx.app.inject({ url: '/docs' });
    // Every script the page loads is its own: nothing inline for the policy to allow.
    expect(page.body).not.toMatch(/<script>(?!\s*<\/script>)|<script [^>]*>[^<\s]/);
  });

  it('serves the documentation page and its assets', async () => {
    const page = await ctx.app.inject({ url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const css = await ctx.app.inject({ url: '/docs/static/swagger-ui.css' });
    expect(css.statusCode).toBe(200);
    const spec = await ctx.app.inject({ url: '/docs/json' });
    expect(spec.json().openapi).toBe('3.1.0');
  });
});

describe('methods a path does not take', () => {
  it('answers 405 with Allow, and 404 for a path the service does not have', async () => {
    const trace = await ctx.app.inject({ method: 'TRACE', url: '/healthz' });
    expect(trace.statusCode).toBe(405);
    expect(trace.headers.allow).toBe('GET, HEAD');
    expect(trace.json()).toEqual({
      error: 'method-not-allowed',
      message: 'TRACE is not a method of /healthz; it takes GET, HEAD',
    });
    const del = await ctx.app.inject({ method: 'DELETE', url: '/v1/rulesets/yinfa-2018-102' });
    expect([del.statusCode, del.headers.allow]).toEqual([405, 'GET, HEAD']);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/evaluate' })).headers.allow).toBe('POST');
    expect((await ctx.app.inject({ url: '/docs/static/no-such-file.js' })).statusCode).toBe(404);
  });

  it('maps each discriminator of the rule schemas to its branches', async () => {
    const doc = (await ctx.app.inject({ url: '/openapi.json' })).json();
    expect(doc.components.schemas.ScoringTableRule.discriminator.mapping).toMatchObject({
      bonus: '#/components/schemas/ScoringTableBonusRule',
      tiers: '#/components/schemas/ScoringTableTiersRule',
    });
  });
});
