// GET /v1/diff: the diff route as the server would register it, through app.inject.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { fixtureRulesets } from '../fixtures/helpers.js';
import { loadRater } from '../helper.js';
import { testApp } from '../server/helper.js';

let app: FastifyInstance;
beforeAll(async () => {
  const rater = await loadRater(fixtureRulesets);
  app = testApp({ rater });
  await app.ready();
});
afterAll(() => app.close());

describe('GET /v1/diff', () => {
  it('answers the diff of two loaded rulesets as JSON', async () => {
    const res = await app.inject({ url: '/v1/diff?from=yinfa-2018-102&to=yinfa-2018-102-amended-2025' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.counts).toMatchObject({
      deduction: 1,
      cap: 2,
      tier: 4,
      band: 5,
      threshold: 1,
      measure: 2,
      interpretation: 1,
    });
    expect(body.changes.find((c: { path: string }) => c.path === 'bands[B].from')).toEqual({
      section: 'grading',
      kind: 'band',
      action: 'changed',
      path: 'bands[B].from',
      from: 75,
      to: 80,
      clause: { from: '75 分-89 分为 B 级', to: '80 分-89 分为 B 级' },
    });
  });

  it('renders Markdown or HTML when asked', async () => {
    const md = await app.inject({
      url: '/v1/diff?from=yinfa-2018-102&to=zhejiang-2024-overlay',
      headers: { accept: 'text/markdown' },
    });
    expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(md.body).toContain('### 覆盖');
    expect(md.headers['content-language']).toBe('zh-CN');
    const mdEn = await app.inject({
      url: '/v1/diff?from=yinfa-2018-102&to=zhejiang-2024-overlay',
      headers: { accept: 'text/markdown', 'accept-language': 'en-GB,en;q=0.9' },
    });
    expect(mdEn.body).toContain('### Overrides');
    expect(mdEn.headers['content-language']).toBe('en');
    const html = await app.inject({
      url: '/v1/diff?from=yinfa-2018-102&to=zhejiang-2024-overlay',
      headers: { accept: 'text/html' },
    });
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.body).toMatch(/^<!DOCTYPE html>\n<html lang="zh-CN">/);
    expect(html.body).toContain('<th>修改前</th>');
  });

  it('refuses an unknown id with 404 and the ids it has', async () => {
    const res = await app.inject({ url: '/v1/diff?from=yinfa-2018-102&to=nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: 'unknown-ruleset',
      message: 'unknown ruleset "nope"',
      problems: [
        {
          path: '/to',
          message: 'no ruleset has the id "nope"',
          allowed: ['yinfa-2018-102', 'yinfa-2018-102-amended-2025', 'zhejiang-2024-overlay'],
        },
      ],
    });
  });

  it('refuses a request without both ids with 400', async () => {
    const res = await app.inject({ url: '/v1/diff?from=yinfa-2018-102' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid-input');
  });
});
