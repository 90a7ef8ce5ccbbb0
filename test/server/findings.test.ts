// POST /v1/findings/derive and POST /v1/evaluate/evidence: the synthetic example uploaded part by part
// derives its hand-worked findings and rates to 83.7 (B); bad tables are refused with their part, row
// and column; the service's keys and limits apply; a rating from evidence is logged so replay reproduces it.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDecisionLog } from '../../src/audit/log.js';
import { replayLog } from '../../src/audit/replay.js';
import { verifyLog } from '../../src/audit/verify.js';
import { rulesetsDir } from '../../src/artifacts/artifacts.js';
import type { Deriver } from '../../src/evidence/service.js';
import { deriverFor } from '../../src/server/runtime/live-rules.js';
import {
  exampleDir,
  exampleFindings,
  exampleRequest,
  u05FiledLate,
  usersNotRegisteredEvidence,
} from '../evidence/helper.js';
import { anonymous, bearer, testApp, useRater } from './helper.js';

const ctx = useRater();
let deriver: Deriver;
let app: FastifyInstance;
beforeAll(async () => {
  deriver = await deriverFor({ rulesetsDir }, ctx.rater);
  app = testApp({ rater: ctx.rater, deriver, pdf: false });
});

type Part = { name: string; filename?: string; type?: string; content: string | Buffer };

/** form builds a multipart/form-data body by hand, so each test says exactly what is sent. */
function form(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----credit-policy-test-boundary';
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.filename !== undefined ? `Content-Type: ${p.type ?? 'application/octet-stream'}\r\n` : ''}\r\n`;
    chunks.push(
      Buffer.from(head),
      Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** exampleParts: every table of the example, each part named by its file's base name (员工 for staff). */
function exampleParts(): Part[] {
  return readdirSync(exampleDir)
    .filter((f) => !/README|case/.test(f))
    .map((f) => ({ name: f.replace(/\.[a-z]+$/, ''), filename: f, content: readFileSync(join(exampleDir, f)) }));
}

type Send = (o: InjectOptions) => Promise<LightMyRequestResponse>;

/** post sends parts as one multipart body through inject (the shared app's unless given), with extra headers. */
const post = (
  url: string,
  parts: Part[],
  headers: Record<string, string> = {},
  inject: Send = (o) => app.inject(o),
) => {
  const f = form(parts);
  return inject({ method: 'POST', url, payload: f.payload, headers: { ...f.headers, ...headers } });
};

const derive = (parts: Part[], query = 'institution=示例&year=2024&usersNeeded=4', headers = bearer('rater')) =>
  post(`/v1/findings/derive?${encodeURI(query)}`, parts, headers);

/** withTable is the example with one table's part replaced (`replaces`: the example part it takes the place of). */
const withTable = (name: string, content: string | Buffer, filename = `${name}.csv`, replaces = name) =>
  exampleParts()
    .filter((p) => p.name !== replaces)
    .concat({ name, filename, content });

describe('POST /v1/findings/derive', () => {
  it('derives the example’s hand-worked findings from its uploaded tables, with the files as they were sent', async () => {
    const res = await derive(exampleParts());
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.notDerived).toEqual([]);
    expect(body.findings).toEqual(exampleFindings);
    const d = body.derived.find(
      (x: { item: string; finding: string }) => x.item === '5.2' && x.finding === 'usersNotRegistered',
    );
    expect(d.rows).toEqual([u05FiledLate]);
    // The same findings as the CLI derives from the folder, file names and hashes included.
    const cli = await deriver.derive({ ...exampleRequest, displayRoot: exampleDir });
    const byTable = (t: { table: string }[]) => [...t].sort((a, b) => a.table.localeCompare(b.table));
    expect({ ...body, tables: byTable(body.tables) }).toEqual(
      JSON.parse(JSON.stringify({ ...cli, tables: byTable(cli.tables) })),
    );
    expect(body.tables.find((t: { table: string }) => t.table === 'staff')).toMatchObject({
      file: '员工.csv',
      rows: 6,
    });
  });

  it('leaves the items of a table not sent "not derived", and reads asOf', async () => {
    const parts = exampleParts().filter((p) => p.name !== '异议');
    const res = await derive(parts, 'institution=示例&year=2024&usersNeeded=4&asOf=2025-01-02');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.notDerived).toEqual([
      { item: '10.1', reason: 'not derived (table disputes not supplied)' },
      { item: '10.2', reason: 'not derived (table disputes not supplied)' },
    ]);
    expect(body.findings['5.2']).toEqual({ realNameNotEnforced: 1, usersNotRegistered: 2 });
  });

  it('refuses an unknown header with its part, table and row 1, listing the accepted headers', async () => {
    const users = readFileSync(join(exampleDir, 'users.csv'), 'utf8').replace('角色', '岗位');
    const res = await derive(withTable('users', users));
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('invalid-evidence');
    expect(body.problems[0]).toMatchObject({
      code: 'EVID010',
      part: 'users',
      table: 'users',
      row: 1,
      path: '/users/1',
    });
    expect(body.problems[0].message).toMatch(
      /^part users \(users\.csv\), row 1: unknown header "岗位" for the users table; accepted headers: .*roles \(角色/,
    );
  });

  it('refuses a bad date with its part, row and column', async () => {
    const users = readFileSync(join(exampleDir, 'users.csv'), 'utf8').replace('2024-09-27', '2024-09-31');
    const res = await derive(withTable('征信系统用户', users, 'export.csv', 'users'));
    expect(res.statusCode).toBe(400);
    const [p] = res.json().problems;
    expect(p).toMatchObject({
      code: 'EVID020',
      part: '征信系统用户',
      table: 'users',
      row: 6,
      column: 'created',
      path: '/users/6/created',
    });
    expect(p.message).toMatch(/^part 征信系统用户 \(export\.csv\), row 6, column created: /);
    expect(p.message).toContain('2024-09-31');
  });

  it('refuses a query by a user not in the users table, naming the query row and the users part', async () => {
    const queries = `${readFileSync(join(exampleDir, 'queries.csv'), 'utf8')}Q009,U99,2024-06-01,person,loanApproval,A01,yes,\n`;
    const res = await derive(withTable('queries', queries));
    expect(res.statusCode).toBe(400);
    const [p] = res.json().problems;
    expect(p).toMatchObject({ code: 'EVID031', part: 'queries', table: 'queries', row: 10, column: 'user' });
    expect(p.message).toBe(
      'part queries (queries.csv), row 10, column user: "U99" is not in the users table (part users, users.csv); every query must name a user of the system',
    );
  });

  it('refuses a file in an encoding it does not read (UTF-16), naming the part', async () => {
    const text = readFileSync(join(exampleDir, 'training.csv'), 'utf8');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const res = await derive(withTable('training', utf16));
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0]).toMatchObject({ code: 'EVID003', part: 'training', table: 'training', row: 1 });
    expect(res.json().problems[0].message).toContain('UTF-16');
  });

  it('refuses a part that names no table, a second part for one table, and a file of no known type', async () => {
    const base = exampleParts().filter((p) => p.name !== 'training');
    const res = await derive([
      ...base,
      { name: 'payroll', filename: 'payroll.csv', content: 'a,b\n' },
      { name: 'staff', filename: 'staff.csv', content: 'id\n' },
      { name: 'training', filename: 'training.pdf', type: 'application/pdf', content: '%PDF' },
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.json().problems.map((p: { code: string; part: string }) => [p.code, p.part])).toEqual([
      ['EVID040', 'payroll'],
      ['EVID005', 'staff'],
      ['EVID004', 'training'],
    ]);
  });

  it('refuses bad parameters before reading the upload, and a year no ruleset decides', async () => {
    const noYear = await derive(exampleParts(), 'institution=示例');
    expect(noYear.statusCode).toBe(400);
    expect(noYear.json().error).toBe('invalid-input');
    const badDay = await derive(exampleParts(), 'institution=示例&year=2024&asOf=2024-13-01');
    expect(badDay.statusCode).toBe(400);
    const early = await derive(exampleParts(), 'institution=示例&year=2024&asOf=2023-12-31');
    expect(early.statusCode).toBe(400);
    expect(early.json().problems[0]).toMatchObject({ code: 'EVID007', path: '/asOf' });
    const old = await derive(exampleParts(), 'institution=示例&year=2010');
    expect(old.statusCode).toBe(422);
    expect(old.json().error).toBe('no-ruleset-in-force');
  });

  it('refuses a body that is not multipart (415), a malformed one (400), and one without tables (400)', async () => {
    const json = await app.inject({ method: 'POST', url: '/v1/findings/derive?institution=a&year=2024', payload: {} });
    expect(json.statusCode).toBe(415);
    const torn = form(exampleParts());
    const cut = await app.inject({
      method: 'POST',
      url: '/v1/findings/derive?institution=a&year=2024',
      payload: torn.payload.subarray(0, 300),
      headers: torn.headers,
    });
    expect(cut.statusCode).toBe(400);
    const none = await derive([]);
    expect(none.statusCode).toBe(400);
    expect(none.json().error).toBe('invalid-evidence');
  });

  it('refuses an upload over EVIDENCE_BODY_LIMIT with 413', async () => {
    const small = testApp({ rater: ctx.rater, deriver, pdf: false, evidenceBodyLimit: 4096 });
    const big = `${readFileSync(join(exampleDir, 'queries.csv'), 'utf8')}${'Q1,U01,2024-01-02,person,loanApproval,A01,yes,\n'.repeat(200)}`;
    const declared = await post('/v1/findings/derive?institution=a&year=2024', withTable('queries', big), {}, (o) =>
      small.inject(o),
    );
    expect(declared.statusCode).toBe(413);
    expect(declared.json().error).toBe('body-too-large');
    // Without a Content-Length (chunked): refused once the parts written pass the bound.
    const { Readable } = await import('node:stream');
    const f = form(withTable('queries', big));
    const streamed = await small.inject({
      method: 'POST',
      url: '/v1/findings/derive?institution=a&year=2024',
      payload: Readable.from([f.payload]),
      headers: { ...f.headers, 'transfer-encoding': 'chunked' },
    });
    expect(streamed.statusCode).toBe(413);
    await small.close();
  });

  it('answers 503 timeout past DERIVATION_TIMEOUT_MS, and leaves no upload folder behind', async () => {
    const uploads = async () => (await readdir(tmpdir())).filter((n) => n.startsWith('credit-policy-upload-'));
    const before = await uploads();
    const hurried = testApp({ rater: ctx.rater, deriver, pdf: false, derivationTimeout: 1 });
    const res = await post('/v1/findings/derive?institution=a&year=2024', exampleParts(), {}, (o) => hurried.inject(o));
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toBe('timeout');
    expect(res.headers['retry-after']).toBeDefined();
    await hurried.close();
    // The folder goes once the derivation it was cut short of ends.
    await expect.poll(uploads, { timeout: 10_000 }).toEqual(before);
  });

  it('needs an API key with the evaluate scope', async () => {
    const none = await post('/v1/findings/derive?institution=a&year=2024', exampleParts(), {}, anonymous(app));
    expect(none.statusCode).toBe(401);
    const reader = await derive(exampleParts(), 'institution=a&year=2024', bearer('reader'));
    expect(reader.statusCode).toBe(403);
  });

  it('is described in the API description with its parameters, parts and responses', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    const op = doc.paths['/v1/findings/derive'].post;
    expect(op.operationId).toBe('deriveFindings');
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'asOf',
      'institution',
      'region',
      'ruleset',
      'usersNeeded',
      'year',
    ]);
    expect(Object.keys(op.requestBody.content)).toEqual(['multipart/form-data']);
    expect(Object.keys(op.requestBody.content['multipart/form-data'].schema.properties)).toContain('queries');
    expect(op.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/DerivedFindings');
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '413', '415', '429']));
    expect(doc.paths['/v1/evaluate/evidence'].post.operationId).toBe('evaluateEvidence');
  });
});

describe('POST /v1/evaluate/evidence', () => {
  it('rates the example from its case and tables to 83.7 (B), logs it with its findings, and replay reproduces it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'evidence-decisions-'));
    const path = join(dir, 'decisions.jsonl');
    const decisionLog = await createDecisionLog({ path, privateKeyPath: join(dir, 'key.pem'), createKey: true });
    const logged = testApp({ rater: ctx.rater, deriver, pdf: false, decisionLog });
    const res = await post(
      '/v1/evaluate/evidence?usersNeeded=4',
      [
        { name: 'case', filename: 'case.json', content: readFileSync(join(exampleDir, 'case.json')) },
        ...exampleParts(),
      ],
      bearer('rater'),
      (o) => logged.inject(o),
    );
    expect(res.statusCode).toBe(200);
    const result = res.json();
    expect([result.score, result.grade]).toEqual([83.7, 'B']);
    const item = (id: string) => result.items.find((i: { id: string }) => i.id === id);
    expect(item('5.2').deductions[1].evidence).toEqual(usersNotRegisteredEvidence);
    expect(item('8.1').deductions[0].evidence).toMatchObject({ source: 'overridden', derivedValue: 6, total: 6 });
    // The readings of derivation.yaml the derived findings used, beside the scoring table's; 8.1's value
    // is the assessor's override, so its reading did not decide it.
    const readings = result.interpretations.map((i: { id: string }) => i.id);
    expect(readings).toEqual(expect.arrayContaining(['deviation-absolute', 'derivation-period', 'derivation-5.4']));
    expect(readings).not.toContain('derivation-8.1');
    expect(result.interpretations.find((i: { id: string }) => i.id === 'derivation-5.4')).toMatchObject({
      about: '5.4',
      reading: expect.stringContaining('Idleness is counted in query operations only, never in logins.'),
    });
    await logged.close();
    const [entry] = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entry.caller).toBe('rater');
    expect(entry.inputEvidence.derived.findings['8.1']).toEqual({ queriesWithoutAuthorization: 6 });
    expect(entry.inputEvidence.derived.tables.map((t: { file: string }) => t.file)).toContain('员工.csv');
    const outcomes = [];
    for await (const o of replayLog(path, { rules: rulesetsDir, module: ctx.rater.module })) outcomes.push(o);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ status: 'reproduced', fromEvidence: { derived: 18 } });
    expect(outcomes[0].fromEvidence?.tables).toHaveLength(8);
  });

  it('masks in the logged evidence and result what the log masks in the input: the name, the files, the row keys, a finding', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'evidence-masked-'));
    const path = join(dir, 'decisions.jsonl');
    // DECISION_LOG_MASK alone: no result mask is needed for the result to keep them out too.
    const decisionLog = await createDecisionLog({
      path,
      privateKeyPath: join(dir, 'key.pem'),
      createKey: true,
      mask: ['/institution/name', '/findings/8.1', '/assessorOverrides'],
    });
    const logged = testApp({ rater: ctx.rater, deriver, pdf: false, decisionLog });
    const f = form([
      { name: 'case', filename: 'case.json', content: readFileSync(join(exampleDir, 'case.json')) },
      ...exampleParts(),
    ]);
    const res = await logged.inject({
      method: 'POST',
      url: '/v1/evaluate/evidence?usersNeeded=4',
      payload: f.payload,
      headers: { ...f.headers, ...bearer('rater') },
    });
    await logged.close();
    expect(res.statusCode).toBe(200);
    // The answer is whole; only the log is masked.
    const answer = res.json();
    expect(answer.institution.name).toBe('示例农村商业银行（合成数据）');
    const item = (r: { items: { id: string }[] }, id: string) => r.items.find((i) => i.id === id) as never as Item;
    type Item = { deductions: { evidence: { rows: { key: string; stretch?: { before: { key: string } } }[] } }[] };
    expect(item(answer, '5.2').deductions[1].evidence).toEqual(usersNotRegisteredEvidence);
    // Every row key the answer shows (the deductions' first rows, the stretches' query rows), the name, a file.
    const keys = new Set<string>();
    for (const i of answer.items as Item[])
      for (const d of i.deductions)
        for (const r of d.evidence?.rows ?? []) {
          keys.add(r.key);
          if (typeof r.stretch?.before === 'object') keys.add(r.stretch.before.key);
        }
    expect(keys.size).toBeGreaterThan(15);
    expect([...keys]).toEqual(expect.arrayContaining(['U05', 'Q004', 'S03', 'A02', 'D03', 'F05']));
    const secrets = [...keys, '示例农村商业银行', '员工.csv', 'A99'];
    const text = res.body;
    for (const s of secrets) expect(text.includes(s), s).toBe(true);
    const line = (await readFile(path, 'utf8')).split('\n')[0];
    for (const s of secrets) expect(line.includes(s), s).toBe(false);
    const entry = JSON.parse(line);
    const derived = entry.inputEvidence.derived;
    expect(entry.input.institution.name).toBe('[masked]');
    expect(derived.institution).toBe('[masked]');
    expect(new Set(derived.tables.map((t: { file: string }) => t.file))).toEqual(new Set(['[masked]']));
    expect(derived.tables.every((t: { sha256: string }) => /^[0-9a-f]{64}$/.test(t.sha256))).toBe(true);
    const rows = derived.derived.flatMap((d: { rows: { key: string; table: string }[] }) => d.rows);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r: { key: string }) => r.key))).toEqual(new Set(['[masked]']));
    // The finding the case does not type (8.1 is derived) is masked in the evidence, and listed.
    expect(derived.findings['8.1']).toEqual({ queriesWithoutAuthorization: '[masked]' });
    const d81 = derived.derived.find((d: { item: string }) => d.item === '8.1');
    expect([d81.value, d81.total]).toEqual(['[masked]', '[masked]']);
    expect(derived.findings['5.2']).toEqual(expect.objectContaining({ usersNotRegistered: 1 }));
    // In the result: the rows keep their table and number, the rating its score; 8.1's counts are masked.
    expect(item(entry.result, '5.2').deductions[1].evidence).toEqual({
      ...usersNotRegisteredEvidence,
      rows: [{ ...u05FiledLate, key: '[masked]' }],
    });
    const i81 = entry.result.items.findIndex((i: { id: string }) => i.id === '8.1');
    expect(entry.result.items[i81].deductions[0]).toMatchObject({
      count: 5,
      evidence: { source: 'overridden', total: '[masked]', derivedValue: '[masked]', reason: '[masked]' },
    });
    expect([entry.result.score, entry.result.grade]).toEqual([83.7, 'B']);
    expect(entry.redacted).toEqual({
      dropped: [],
      // 8.1 is not in the case (derived only): listed after what the input held.
      masked: ['/institution/name', '/assessorOverrides', '/findings/8.1'],
      resultMasked: [
        '/institution/name',
        '/evidence/tables/*/file',
        '/items/*/deductions/*/evidence/rows/*/key',
        '/items/*/deductions/*/evidence/rows/*/stretch/*/key',
        '/evidence/overridden/0/derivedValue',
        `/items/${i81}/deductions/0/evidence/total`,
        `/items/${i81}/deductions/0/evidence/derivedValue`,
        '/evidence/overridden/0/value',
        '/evidence/overridden/0/reason',
        `/items/${i81}/deductions/0/evidence/reason`,
      ],
    });
    expect(await verifyLog(path)).toMatchObject({ ok: true, entries: 1 });
    // Replay skips it, as it does every decision whose input the log does not hold whole.
    const outcomes = [];
    for await (const o of replayLog(path, { rules: rulesetsDir, module: ctx.rater.module })) outcomes.push(o);
    expect(outcomes).toEqual([
      expect.objectContaining({
        status: 'skipped',
        reason:
          'the log does not hold the whole input (left out: /institution/name, /assessorOverrides, /findings/8.1)',
      }),
    ]);
  });

  it('refuses an upload without its case, and a typed finding the evidence contradicts', async () => {
    const res = await post('/v1/evaluate/evidence', exampleParts());
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('no part named case');
    const c = JSON.parse(readFileSync(join(exampleDir, 'case.json'), 'utf8'));
    c.assessorOverrides = [];
    c.findings['8.1'] = { queriesWithoutAuthorization: 3 };
    const bad = await post('/v1/evaluate/evidence?usersNeeded=4', [
      { name: 'case', content: JSON.stringify(c) },
      ...exampleParts(),
    ]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems[0]).toMatchObject({ path: '/findings/8.1/queriesWithoutAuthorization' });
  });
});
