import { describe, expect, it } from 'vitest';
import { createAjv } from '../../src/validation/ajv.js';
import { example, useApp } from './helper.js';

const ctx = useApp();

describe('GET /v1/rulesets', () => {
  it('lists each ruleset with its title, effective years, region and hash', async () => {
    const res = await ctx.app.inject({ url: '/v1/rulesets' });
    expect(res.statusCode).toBe(200);
    const [rs] = ctx.rater.registry.rulesets;
    expect(res.json()).toEqual([
      {
        id: 'yinfa-2018-102',
        title: rs.meta.title,
        effective: expect.objectContaining({ fromYear: 2018, untilYear: null }),
        region: null,
        hash: rs.hash,
      },
    ]);
    expect(rs.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('GET /v1/rulesets/:id', () => {
  it('returns the whole ruleset as loaded, without its indexes or folder', async () => {
    const res = await ctx.app.inject({ url: '/v1/rulesets/yinfa-2018-102' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const rs = ctx.rater.registry.get('yinfa-2018-102')!;
    expect(Object.keys(body).sort()).toEqual([
      'files',
      'grading',
      'hash',
      'id',
      'institutions',
      'interpretations',
      'meta',
      'table',
    ]);
    // Serialized through the rule schemas, and nothing lost on the way.
    expect(body.table).toEqual(JSON.parse(JSON.stringify(rs.table)));
    expect(body.grading).toEqual(JSON.parse(JSON.stringify(rs.grading)));
    expect(body.interpretations).toEqual(JSON.parse(JSON.stringify(rs.interpretations)));
    expect(body.meta.document.number).toBe('银发〔2018〕102号');
    expect(body.table.dimensions).toHaveLength(5);
    expect(body.hash).toBe(rs.hash);
    expect(body).not.toHaveProperty('dir');
  });

  it('answers an unknown id with 404 and the known ids', async () => {
    const res = await ctx.app.inject({ url: '/v1/rulesets/yinfa-1999-1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'unknown-ruleset', problems: [{ allowed: ['yinfa-2018-102'] }] });
  });
});

describe('GET /v1/rulesets/:id/input-schema', () => {
  it('returns the schema the Rater validates with, which accepts the examples', async () => {
    const res = await ctx.app.inject({ url: '/v1/rulesets/yinfa-2018-102/input-schema' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/schema+json; charset=utf-8');
    const schema = res.json();
    expect(schema).toEqual(ctx.rater.inputSchema('yinfa-2018-102'));
    const validate = createAjv().compile(schema);
    expect(validate(example('typical-bank'))).toBe(true);
    const bad = example('typical-bank');
    bad.findings['1.1'] = { organisationDefficiencies: 1 };
    expect(validate(bad)).toBe(false);
  });

  it('answers an unknown id with 404', async () => {
    const res = await ctx.app.inject({ url: '/v1/rulesets/nope/input-schema' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('unknown-ruleset');
  });
});
