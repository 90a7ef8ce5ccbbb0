// Deadlines and inspections follow the ruleset in force for the year asked about, chosen through the
// registry as the rating is: in the fixture registry (not issued rules) the invented amendment takes
// over from 2025 and files a change of the internal-control rules within 5 days instead of 10.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot, wasmPath } from '../../src/artifacts/artifacts.js';
import { LiveRules } from '../../src/server/runtime/live-rules.js';
import { fixtureRulesets } from '../fixtures/helpers.js';
import { testApp } from './helper.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = testApp({ rater: await LiveRules.load({ rulesetsDir: fixtureRulesets, wasmPath }) });
  await app.ready();
});
afterAll(() => app?.close());

const due = (start: string) =>
  app.inject({
    method: 'POST',
    url: '/v1/obligations/due',
    payload: { obligation: 'internal-control-change-filing', start, reporter: 'national' },
  });

describe('the obligations of the ruleset in force for the year', () => {
  it('a change in 2025 is due under the amendment: 5 days, 6 July a Sunday, so Monday 7 July', async () => {
    const res = await due('2025-07-01');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      ruleset: { id: 'yinfa-2018-102-amended-2025' },
      obligation: { clause: '征信内控制度及问责制度变更的，应当自变更之日起 5 日内向人民银行报备。' },
      nominalDue: '2025-07-06',
      due: '2025-07-07',
      moved: { from: '2025-07-06' },
    });
  });

  it('a change in 2024 is due under the 2018 rules: 10 days, off the National Day week', async () => {
    const res = await due('2024-09-26');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      ruleset: { id: 'yinfa-2018-102' },
      obligation: { clause: '征信内控制度及问责制度变更的，应当自变更之日起 10 日内向人民银行报备。' },
      due: '2024-10-08',
      moved: { from: '2024-10-06' },
    });
  });

  it("an institution's calendar for a year comes from the ruleset of that year", async () => {
    const calendar = async (year: number) =>
      (await app.inject({ url: `/v1/obligations/calendar?institution=某市农村商业银行&year=${year}` })).json();
    expect((await calendar(2024)).ruleset.id).toBe('yinfa-2018-102');
    expect((await calendar(2025)).ruleset.id).toBe('yinfa-2018-102-amended-2025');
  });

  it('refuses a year no ruleset decides, naming the field and the rulesets', async () => {
    const res = await due('2017-03-01');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'invalid-input',
      problems: [{ path: '/start', message: 'no ruleset is in force for the rating year 2017' }],
    });
  });
});

describe('the inspections of the ruleset in force for the day judged', () => {
  const plans = ['2024-mou-sheng.yaml', '2025-mou-sheng.yaml'].map((f) =>
    parse(readFileSync(`${repoRoot}examples/inspections/${f}`, 'utf8')),
  );
  it.each([
    ['2024-12-31', 'yinfa-2018-102'],
    ['2025-11-20', 'yinfa-2018-102-amended-2025'],
  ])('as of %s: %s', async (asOf, id) => {
    const res = await app.inject({ method: 'POST', url: '/v1/inspections/status', payload: { plans, asOf } });
    expect(res.statusCode).toBe(200);
    expect(res.json().ruleset.id).toBe(id);
  });
});
