import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../src/server/schemas.js';
import { useApp } from './helper.js';

const ctx = useApp();

describe('health', () => {
  it('GET /healthz says the process is alive', async () => {
    const res = await ctx.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz names the loaded rulesets and their hashes', async () => {
    const res = await ctx.app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', rulesets: [{ id: 'yinfa-2018-102', hash: ctx.rater.registry.rulesets[0].hash }] });
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
    expect(Object.keys(doc.paths).sort()).toEqual(['/healthz', '/readyz', '/v1/evaluate', '/v1/evaluate/batch', '/v1/rulesets', '/v1/rulesets/{id}', '/v1/rulesets/{id}/input-schema']);
    const evaluate = doc.paths['/v1/evaluate'].post;
    expect(evaluate.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/EvaluationInput' });
    expect(evaluate.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/RatingResult' });
    expect(Object.keys(evaluate.responses).sort()).toEqual(['200', '400', '404', '413', '415', '422', '500']);
    expect(doc.paths['/v1/evaluate/batch'].post.requestBody.content).toHaveProperty(['application/x-ndjson']);
    expect(doc.components.schemas.RatingResult.required).toContain('grade');
  });

  it('documents every error code, and the error schema allows exactly those', async () => {
    const doc = (await ctx.app.inject({ url: '/openapi.json' })).json();
    const codes = Object.keys(errorCodes);
    expect(doc.components.schemas.ErrorResponse.properties.error.enum).toEqual(codes);
    for (const [code, { status }] of Object.entries(errorCodes)) expect(doc.info.description).toContain(`| \`${code}\` | ${status} |`);
  });
});

describe('GET /docs', () => {
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
