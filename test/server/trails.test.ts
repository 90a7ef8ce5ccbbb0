// The two trails, kept apart: the operations log (who called what, from where, when, with what outcome;
// never an institution's name or a finding) and the decision log (every rating answered, under the
// caller's key name, written before the answer leaves).
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { createDecisionLog } from '../../src/audit/log.js';
import { verifyLog } from '../../src/audit/verify.js';
import { fileOperationsLog } from '../../src/server/runtime/operations-log.js';
import { anonymous, bearer, example, exampleLine, testApp, useRater } from './helper.js';

const ctx = useRater();

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

const secretsOfTheInput = [
  '某市农村商业银行',
  '中国工商银行',
  'organisationDeficiencies',
  'findings',
  'userCountDeviationPercent',
];

describe('the operations log', () => {
  it('says who, what, from where and when for every call, and nothing of what was rated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ops-'));
    const path = join(dir, 'ops', 'operations.jsonl');
    const app = testApp({ rater: ctx.rater, operationsLog: fileOperationsLog(path) });
    await app.inject({
      method: 'POST',
      url: '/v1/evaluate',
      payload: example('typical-bank'),
      headers: { ...bearer('rater'), 'x-request-id': 'ops-1' },
    });
    await app.inject({
      method: 'POST',
      url: '/v1/evaluate',
      payload: { ...example('typical-bank'), year: 'soon' },
      headers: bearer('rater'),
    });
    await app.inject({
      method: 'POST',
      url: '/v1/evaluate/batch',
      payload: [example('clean-bank'), { institution: { name: '中国工商银行' } }],
      headers: bearer('rater'),
    });
    await app.inject({ method: 'GET', url: '/v1/rulesets', headers: bearer('rater') });
    await anonymous(app)({ method: 'GET', url: `/v1/diff?from=${encodeURIComponent('某市农村商业银行')}&to=x` });
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.close();

    const text = await readFile(path, 'utf8');
    const entries = jsonLines(text);
    expect(entries).toHaveLength(6);
    expect(entries[0]).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      caller: 'rater',
      action: 'request',
      method: 'POST',
      route: '/v1/evaluate',
      status: 200,
      outcome: 'ok',
      ruleset: 'yinfa-2018-102',
      address: '127.0.0.1',
      requestId: 'ops-1',
      durationMs: expect.any(Number),
    });
    expect(entries[1]).toMatchObject({ caller: 'rater', status: 400, outcome: 'invalid-input' });
    expect(entries[2]).toMatchObject({
      route: '/v1/evaluate/batch',
      status: 200,
      outcome: 'ok',
      elements: 2,
      refused: 1,
    });
    expect(entries[3]).toMatchObject({ caller: 'rater', route: '/v1/rulesets', status: 403, outcome: 'forbidden' });
    // The route's template, never the URL as sent: the query named an institution.
    expect(entries[4]).toMatchObject({ caller: null, route: '/v1/diff', status: 401, outcome: 'unauthorized' });
    expect(entries[5]).toMatchObject({ caller: null, route: '/healthz', status: 200 });
    for (const secret of [...secretsOfTheInput, encodeURIComponent('某市农村商业银行')])
      expect(text).not.toContain(secret);
  });

  it('goes to the service log under `ops` when no file is given', async () => {
    const log: string[] = [];
    const app = testApp({ rater: ctx.rater, logger: { level: 'info', stream: { write: (l: string) => log.push(l) } } });
    await app.inject({ method: 'POST', url: '/v1/evaluate', payload: example('clean-bank') });
    await app.close();
    const ops = log.map((l) => JSON.parse(l)).filter((r) => r.ops);
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({
      msg: 'operation',
      ops: { caller: 'ops', route: '/v1/evaluate', status: 200, outcome: 'ok' },
    });
    for (const secret of secretsOfTheInput) expect(log.join('\n')).not.toContain(secret);
  });
});

describe('the decision log', () => {
  it('holds every rating answered, single and batch, under the caller’s key name, before the answer leaves', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'decisions-'));
    const path = join(dir, 'decisions.jsonl');
    const decisionLog = await createDecisionLog({
      path,
      privateKeyPath: join(dir, 'log-key.pem'),
      createKey: true,
      mask: ['/institution/name'],
      resultMask: ['/institution/name'],
    });
    const opsPath = join(dir, 'operations.jsonl');
    const app = testApp({ rater: ctx.rater, decisionLog, operationsLog: fileOperationsLog(opsPath) });

    const one = await app.inject({
      method: 'POST',
      url: '/v1/evaluate',
      payload: example('typical-bank'),
      headers: bearer('rater'),
    });
    expect(one.statusCode).toBe(200);
    // Written before the answer: the entry is on disk when the response arrives.
    expect(jsonLines(await readFile(path, 'utf8'))).toHaveLength(1);
    await app.inject({
      method: 'POST',
      url: '/v1/evaluate/batch',
      payload: [example('clean-bank'), 42, example('zero-score-bank')],
    });
    await app.inject({
      method: 'POST',
      url: '/v1/evaluate/batch',
      payload: `${exampleLine('newly-connected')}\n{oops\n`,
      headers: { 'content-type': 'application/x-ndjson', ...bearer('rater') },
    });
    // Refusals are not decisions.
    await app.inject({ method: 'POST', url: '/v1/evaluate', payload: { year: 2023 } });
    await app.close();

    const entries = jsonLines(await readFile(path, 'utf8')).filter((l) => !l.checkpoint);
    expect(entries.map((e) => [e.seq, e.caller, e.result.grade])).toEqual([
      [1, 'rater', 'B'],
      [2, 'ops', 'A'],
      [3, 'ops', 'D'],
      [4, 'rater', null],
    ]);
    expect(entries[0]).toMatchObject({
      rulesetId: 'yinfa-2018-102',
      input: { institution: { name: '[masked]' } },
      redacted: { masked: ['/institution/name'], resultMasked: ['/institution/name'] },
    });
    // Only the log is masked: the client was answered the whole result, the logged one but for the name.
    const answered = one.json();
    expect(answered.institution.name).toBe(example('typical-bank').institution.name);
    expect(entries[0].result).toEqual({ ...answered, institution: { ...answered.institution, name: '[masked]' } });
    const report = await verifyLog(path);
    expect(report).toMatchObject({ ok: true, entries: 4, chainOnly: 0 });
    // Kept apart: the operations log holds none of it.
    const ops = await readFile(opsPath, 'utf8');
    expect(ops).not.toContain('inputHash');
    for (const secret of secretsOfTheInput) expect(ops).not.toContain(secret);
  });

  it('answers with the very bytes it logged as the result (canonical JSON), a retry with the same key too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'decisions-'));
    const path = join(dir, 'decisions.jsonl');
    const decisionLog = await createDecisionLog({ path, privateKeyPath: join(dir, 'k.pem'), createKey: true });
    const app = testApp({ rater: ctx.rater, decisionLog });
    const ask = () =>
      app.inject({
        method: 'POST',
        url: '/v1/evaluate',
        payload: example('typical-bank'),
        headers: { ...bearer('rater'), 'idempotency-key': 'same-bytes' },
      });
    const first = await ask();
    const again = await ask();
    await app.close();
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    const line = (await readFile(path, 'utf8')).split('\n')[0];
    const [entry] = jsonLines(line);
    expect(line).toContain(`,"result":${first.body},"rulesetHash":`);
    expect(first.body).toBe(canonicalJson(entry.result));
    expect(first.json()).toEqual(ctx.rater.evaluate(example('typical-bank')).result);
    expect(again.body).toBe(first.body);
    expect(await verifyLog(path)).toMatchObject({ ok: true, entries: 1 });
  });
});

describe('what is logged is answered', () => {
  const open = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'answered-'));
    const path = join(dir, 'decisions.jsonl');
    const decisionLog = await createDecisionLog({ path, privateKeyPath: join(dir, 'k.pem'), createKey: true });
    return { path, app: testApp({ rater: ctx.rater, decisionLog }) };
  };
  const entries = async (path: string) => jsonLines(await readFile(path, 'utf8')).filter((l) => !l.checkpoint);

  it('a JSON batch is logged in one write, all of it, and all of it is answered', async () => {
    const { path, app } = await open();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/evaluate/batch',
      payload: [example('clean-bank'), 42, example('typical-bank')],
      headers: bearer('rater'),
    });
    await app.close();
    expect(res.json().map((e: { ok: boolean }) => e.ok)).toEqual([true, false, true]);
    expect((await entries(path)).map((e) => [e.seq, e.result.grade])).toEqual([
      [1, 'A'],
      [2, 'B'],
    ]);
  });

  it('an Idempotency-Key makes a retry return the logged decision instead of a second one', async () => {
    const { path, app } = await open();
    const send = (key: string, body: unknown, url = '/v1/evaluate') =>
      app.inject({
        method: 'POST',
        url,
        payload: body as object,
        headers: { ...bearer('rater'), 'idempotency-key': key },
      });
    const first = await send('retry-1', example('typical-bank'));
    const again = await send('retry-1', example('typical-bank'));
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    // Two at once with the same key: one decision.
    const both = await Promise.all([send('retry-2', example('clean-bank')), send('retry-2', example('clean-bank'))]);
    expect(both.map((r) => r.statusCode)).toEqual([200, 200]);
    const batch = [example('clean-bank'), example('zero-score-bank')];
    const b1 = await send('batch-1', batch, '/v1/evaluate/batch');
    const b2 = await send('batch-1', batch, '/v1/evaluate/batch');
    expect(b2.json()).toEqual(b1.json());
    const other = await send('retry-1', example('clean-bank'));
    expect(other.statusCode).toBe(422);
    expect(other.json().error).toBe('idempotency-key-reused');
    expect((await send('bad key with spaces', example('clean-bank'))).statusCode).toBe(400);
    await app.close();
    const logged = await entries(path);
    expect(logged.map((e) => [e.idempotencyKey, e.result.grade])).toEqual([
      ['retry-1', 'B'],
      ['retry-2', 'A'],
      ['batch-1', 'A'],
      ['batch-1', 'D'],
    ]);
    expect(await verifyLog(path)).toMatchObject({ ok: true, entries: 4 });
  });

  it('a retried NDJSON stream with the same Idempotency-Key gets its logged lines back, logging only new ones', async () => {
    const { path, app } = await open();
    const stream = (key: string, lines: string[]) =>
      app.inject({
        method: 'POST',
        url: '/v1/evaluate/batch',
        payload: `${lines.join('\n')}\n`,
        headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': key, ...bearer('rater') },
      });
    const lines = [exampleLine('typical-bank'), '{oops', exampleLine('clean-bank')];
    const first = await stream('stream-1', lines);
    expect(first.statusCode).toBe(200);
    const answered = jsonLines(first.body);
    expect(answered.map((e) => [e.line, e.ok, e.ok ? e.result.grade : e.error])).toEqual([
      [1, true, 'B'],
      [2, false, 'malformed-json'],
      [3, true, 'A'],
    ]);
    // The same stream again: the same answers, nothing logged twice.
    expect(jsonLines((await stream('stream-1', lines)).body)).toEqual(answered);
    expect((await entries(path)).map((e) => [e.seq, e.idempotencyKey, e.result.grade])).toEqual([
      [1, 'stream-1', 'B'],
      [2, 'stream-1', 'A'],
    ]);
    // A retry of a stream the first attempt did not finish: the lines logged come back, the rest are rated.
    const longer = await stream('stream-1', [...lines, exampleLine('zero-score-bank')]);
    expect(jsonLines(longer.body)).toEqual([...answered, expect.objectContaining({ line: 4, ok: true })]);
    // Another input on a line the key already answered is refused there, and not logged.
    const other = jsonLines((await stream('stream-1', [exampleLine('clean-bank')])).body);
    expect(other).toEqual([
      expect.objectContaining({ line: 1, ok: false, status: 422, error: 'idempotency-key-reused' }),
    ]);
    await app.close();
    expect((await entries(path)).map((e) => [e.seq, e.result.grade])).toEqual([
      [1, 'B'],
      [2, 'A'],
      [3, 'D'],
    ]);
    expect(await verifyLog(path)).toMatchObject({ ok: true, entries: 3 });
  });
});
