// The API description as client generators read it: it lints clean with Redocly's recommended rules;
// openapi-typescript's types let a program call every route without a cast (type-checked, then run
// against the service); openapi-python-client (pinned, from PyPI) generates a client without a warning,
// and that client rates a case against the running service.
import { execFile as execFileCb, execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { example, secrets, testApp, useApp } from '../server/helper.js';

const ctx = useApp({ pdf: false });
// Asynchronous: the service answering the clients runs in this process, so its event loop must stay free.
const execFile = promisify(execFileCb);
let app: FastifyInstance;
let baseUrl: string;
let work: string;
let specFile: string;

beforeAll(async () => {
  // A service listening for real, for the generated clients to call.
  app = testApp({ rater: ctx.rater, obligations: ctx.obligations, pdf: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // Inside the repo, so that the generated program resolves the repo's node_modules.
  mkdirSync(`${repoRoot}node_modules/.cache`, { recursive: true });
  work = mkdtempSync(`${repoRoot}node_modules/.cache/clients-`);
  specFile = join(work, 'openapi.json');
  writeFileSync(specFile, (await app.inject({ url: '/openapi.json' })).body);
});
afterAll(async () => {
  await app?.close();
});

describe('the description', () => {
  it('lints clean with @redocly/cli recommended rules: no error, no warning', () => {
    const r = spawnSync(`${repoRoot}node_modules/.bin/redocly`, ['lint', specFile, '--format=json'], {
      encoding: 'utf8',
      cwd: work,
    });
    const report = JSON.parse(r.stdout) as { totals: object; problems: { ruleId: string; message: string }[] };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
    expect(r.status).toBe(0);
  });

  it('names every operation, and each component by its title', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((ops) =>
      Object.values(ops).map((op) => op.operationId),
    );
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [key, schema] of Object.entries(doc.components.schemas as Record<string, { title?: string }>))
      expect([key, schema.title]).toEqual([key, key]);
    // No $ref into another schema's properties; no draft-07 `dependencies`.
    expect(JSON.stringify(doc)).not.toMatch(/"\$ref":"[^"]*\/properties\//);
    expect(JSON.stringify(doc)).not.toContain('"dependencies"');
    expect(doc.components.schemas.RulesetMeta.dependentRequired).toEqual({
      extends: ['overrides'],
      overrides: ['extends'],
    });
    expect(doc.components.schemas.RatingResultGrade.enum).toEqual(['A', 'B', 'C', 'D']);
    expect(doc.components.schemas.RulesetMetaOverride.properties.remove).toMatchObject({ type: 'boolean' });
    expect(doc.servers).toEqual([{ url: '/', description: 'The service that serves this description' }]);
  });

  it('declares the headers and the 406 the service really sends', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    const evaluate = doc.paths['/v1/evaluate'].post.responses;
    expect(Object.keys(evaluate['200'].headers).sort()).toEqual([
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
      'x-request-id',
    ]);
    expect(Object.keys(evaluate['429'].headers)).toContain('retry-after');
    expect(Object.keys(evaluate['200'].content)).toEqual(['application/json', 'text/html', 'application/pdf']);
    const xml = await app.inject({
      method: 'POST',
      url: '/v1/evaluate',
      headers: { accept: 'application/xml', authorization: `Bearer ${secrets.ops}` },
      payload: example('clean-bank'),
    });
    expect(xml.statusCode).toBe(406);
    expect(xml.json()).toEqual({
      error: 'not-acceptable',
      message:
        'Accept "application/xml" allows none of what this route answers with: application/json, text/html, application/pdf',
    });
    expect(xml.headers['x-request-id']).toBeTruthy();
    const health = await app.inject({ url: '/healthz', headers: { accept: 'text/csv' } });
    expect(health.statusCode).toBe(406);
    expect(doc.paths['/healthz'].get.responses['406']).toBeDefined();
  });
});

describe('a TypeScript client (openapi-typescript + openapi-fetch)', () => {
  it('type-checks a program calling every route without a cast, which then runs against the service', async () => {
    const ast = await openapiTS(new URL(`file://${specFile}`));
    writeFileSync(join(work, 'api.d.ts'), astToString(ast));
    copyFileSync(`${repoRoot}test/clients/program.ts.txt`, join(work, 'program.ts'));
    writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [`${repoRoot}node_modules/@types`],
          outDir: 'out',
        },
        files: ['program.ts', 'api.d.ts'],
      }),
    );
    const program = `${work}/program.ts`;
    // No cast and no escape hatch in the code (comments aside).
    const code = readFileSync(program, 'utf8').replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(/\sas\s|@ts-|\bany\b|!\./);
    const tsc = spawnSync(process.execPath, [`${repoRoot}node_modules/typescript/bin/tsc`, '-p', work], {
      encoding: 'utf8',
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    const out = await execFile(process.execPath, [join(work, 'out/program.js'), baseUrl, secrets.ops], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out.stdout)).toEqual({
      health: 'ok',
      ready: ['yinfa-2018-102'],
      rulesets: ['yinfa-2018-102 2018'],
      items: 5,
      schema: 200,
      same: true,
      evaluate: [expect.any(Number), expect.stringMatching(/^[ABCD]$/)],
      refused: [422, 'no-ruleset-in-force'],
      batch: [expect.stringMatching(/^[ABCD]$/), expect.stringMatching(/^[ABCD]$/)],
      // U1 last queried on 2024-06-01 and was never locked: one idle query user (5.4).
      derived: { userDeactivationFailures: 1 },
      // 5.2 (two findings), 5.3, 5.4, 5.6 and 5.7 are derived from the users and staff tables.
      fromEvidence: [expect.stringMatching(/^[ABCD]$/), 6],
      due: expect.stringMatching(/^2024-02-\d\d$/),
      calendar: 'local',
      inspections: expect.any(Number),
      status: 200,
      reload: 409,
    });
  });
});

describe('a Python client (openapi-python-client)', () => {
  const venv = `${repoRoot}.venv-clients`;
  beforeAll(() => {
    // Installs the pinned generator from PyPI once (idempotent); .ci/run runs it too.
    execFileSync('bash', [`${repoRoot}scripts/install-python-client.sh`], { stdio: 'ignore' });
  }, 300_000);

  it('is generated without a warning, and rates a case against the service', async () => {
    writeFileSync(
      join(work, 'python-client.yaml'),
      // NDJSON is a body of bytes to this generator; its ruff post-hooks are not installed here.
      'content_type_overrides:\n  application/x-ndjson: application/octet-stream\npost_hooks: []\n',
    );
    const gen = spawnSync(
      `${venv}/bin/openapi-python-client`,
      [
        'generate',
        '--path',
        specFile,
        '--meta',
        'none',
        '--output-path',
        'cp_client',
        '--config',
        'python-client.yaml',
      ],
      { cwd: work, encoding: 'utf8' },
    );
    expect(gen.stdout + gen.stderr).not.toMatch(/warning|error|unable|cannot/i);
    expect(gen.status).toBe(0);
    writeFileSync(
      join(work, 'call.py'),
      `import json, sys
from cp_client import AuthenticatedClient
from cp_client.api.evaluate import evaluate
from cp_client.api.rulesets import get_ruleset, list_rulesets
from cp_client.models import EvaluationInput, RatingResult, ErrorResponse

client = AuthenticatedClient(base_url=sys.argv[1], token=sys.argv[2])
case = EvaluationInput.from_dict(json.load(open(sys.argv[3])))
ok = evaluate.sync_detailed(client=client, body=case)
assert isinstance(ok.parsed, RatingResult), ok.content[:200]
bad = EvaluationInput.from_dict({**json.load(open(sys.argv[3])), "year": 2010})
refused = evaluate.sync_detailed(client=client, body=bad)
assert isinstance(refused.parsed, ErrorResponse), refused.content[:200]
rulesets = list_rulesets.sync(client=client)
ruleset = get_ruleset.sync(client=client, id="yinfa-2018-102")
print(json.dumps({
  "status": ok.status_code,
  "score": ok.parsed.score,
  "grade": ok.parsed.grade.value,
  "hash": ok.parsed.ruleset.hash_,
  "refused": [refused.status_code, refused.parsed.error.value],
  "rulesets": [r.id for r in rulesets],
  "ruleset": ruleset.id,
}))
`,
    );
    const run = await execFile(
      `${venv}/bin/python`,
      ['call.py', baseUrl, secrets.ops, `${repoRoot}examples/typical-bank.json`],
      { cwd: work, encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      status: 200,
      score: 82,
      grade: 'B',
      hash: ctx.rater.registry.rulesets[0].hash,
      refused: [422, 'no-ruleset-in-force'],
      rulesets: ['yinfa-2018-102'],
      ruleset: 'yinfa-2018-102',
    });
  });
});
