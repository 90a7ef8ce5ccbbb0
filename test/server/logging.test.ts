import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { example, exampleLine, useApp } from './helper.js';

const lines: string[] = [];
const ctx = useApp({ logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } } });

const digest = (name: string) => createHash('sha256').update(name).digest('hex').slice(0, 16);

describe('logs', () => {
  it('say route, status, duration, ruleset and a hashed institution, and nothing of the input', async () => {
    lines.length = 0;
    const bad = example('typical-bank');
    bad.findings['1.1'] = { organisationDefficiencies: 1 };
    await ctx.app.inject({
      method: 'POST',
      url: '/v1/evaluate',
      payload: example('typical-bank'),
      headers: { 'x-request-id': 'log-test-1' },
    });
    await ctx.app.inject({ method: 'POST', url: '/v1/evaluate', payload: bad });
    await ctx.app.inject({
      method: 'POST',
      url: '/v1/evaluate',
      payload: example('zero-score-bank'),
      headers: { accept: 'text/html' },
    });
    await ctx.app.inject({
      method: 'POST',
      url: '/v1/evaluate',
      payload: '{"institution": {"name": "某市农村商业银行"',
      headers: { 'content-type': 'application/json' },
    });
    await ctx.app.inject({ method: 'POST', url: '/v1/evaluate/batch', payload: [example('clean-bank'), bad] });
    await ctx.app.inject({
      method: 'POST',
      url: '/v1/evaluate/batch',
      payload: `${exampleLine('clean-bank')}\n{oops 某村镇银行\n`,
      headers: { 'content-type': 'application/x-ndjson' },
    });

    const records = lines.map((l) => JSON.parse(l));
    const completed = records.filter((r) => r.msg === 'request completed');
    expect(completed).toHaveLength(6);
    expect(completed[0]).toMatchObject({
      reqId: 'log-test-1',
      method: 'POST',
      route: '/v1/evaluate',
      status: 200,
      ruleset: 'yinfa-2018-102',
      institution: digest('某市农村商业银行'),
    });
    expect(typeof completed[0].durationMs).toBe('number');
    expect(completed[1]).toMatchObject({ status: 400, institution: digest('某市农村商业银行') });
    expect(completed[1]).not.toHaveProperty('ruleset');
    expect(completed[4]).toMatchObject({ route: '/v1/evaluate/batch', elements: 2, refused: 1 });
    expect(completed[5]).toMatchObject({ route: '/v1/evaluate/batch', elements: 2, refused: 1 });

    const all = lines.join('\n');
    for (const secret of [
      '某市农村商业银行',
      '中国工商银行',
      '某村镇银行',
      'organisationDeficiencies',
      'organisationDefficiencies',
      'userCountDeviationPercent',
      'findings',
      'problems',
    ])
      expect(all).not.toContain(secret);
  });
});
