// Safe rule reloads: POST /v1/admin/reload (and SIGHUP, in main.test.ts) load the rules and WASM beside
// the live version, check them and swap; each broken file of the mutation corpus is refused with its
// position while the last good version keeps serving, also in the middle of a stream of requests.
import { appendFile, copyFile, mkdtemp } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmPath } from '../../src/artifacts/artifacts.js';
import { LiveRules } from '../../src/server/runtime/live-rules.js';
import { serve, type Serving } from '../../src/server/serve.js';
import { copyRulesets } from '../helper.js';
import { anonymous, bearer, example, exampleLine, testApp, testKeys } from './helper.js';
import { apply, mutations, type Workspace } from './mutations.js';

async function workspace(): Promise<Workspace> {
  const rulesetsDir = await copyRulesets();
  const wasm = join(await mkdtemp(join(tmpdir(), 'credit-policy-wasm-')), 'policy.wasm');
  await copyFile(wasmPath, wasm);
  return { rulesetsDir: `${rulesetsDir}/`, wasmPath: wasm };
}

const reload = (app: FastifyInstance, holder: 'admin' | 'ops' = 'admin') =>
  app.inject({ method: 'POST', url: '/v1/admin/reload', headers: bearer(holder) });

describe('POST /v1/admin/reload', () => {
  let ws: Workspace;
  let live: LiveRules;
  let app: FastifyInstance;
  beforeAll(async () => {
    ws = await workspace();
    live = await LiveRules.load(ws);
    app = testApp({ rater: live });
    await app.ready();
  });
  afterAll(() => app?.close());

  it('loads a changed version, swaps it in, and says so in /readyz and /v1/status', async () => {
    const before = (await anonymous(app)({ url: '/readyz' })).json();
    expect(before.wasmSha256).toMatch(/^sha256:[0-9a-f]{64}$/);
    await appendFile(join(ws.rulesetsDir, 'yinfa-2018-102/grading.yaml'), '\n# reviewed again\n');
    const res = await reload(app);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      ok: true,
      rules: { ok: true, trigger: 'POST /v1/admin/reload' },
      keys: { ok: true, source: 'given' },
    });
    expect(body.live.rulesets[0].hash).not.toBe(before.rulesets[0].hash);
    expect(body.live.wasmSha256).toBe(before.wasmSha256);
    const after = (await anonymous(app)({ url: '/readyz' })).json();
    expect(after).toMatchObject({ status: 'ready', rulesets: body.live.rulesets, lastReloadFailed: false });
    expect(Date.parse(after.loadedAt)).toBeGreaterThan(Date.parse(before.loadedAt));
    const rated = (await app.inject({ method: 'POST', url: '/v1/evaluate', payload: example('typical-bank') })).json();
    expect(rated.ruleset.hash).toBe(body.live.rulesets[0].hash);
  });

  it.each(mutations)('refuses $name with its position, and keeps serving the last good version', async (m) => {
    const good = (await app.inject({ url: '/v1/status' })).json().live;
    const mend = await apply(ws, m);
    try {
      const res = await reload(app);
      expect(res.statusCode).toBe(422);
      const body = res.json();
      expect(body.error).toBe('reload-refused');
      expect(body.message).toContain(`still serving yinfa-2018-102 (${good.rulesets[0].hash})`);
      expect(body.problems.map((p: { message: string }) => p.message).join('\n')).toMatch(m.where);

      const status = (await app.inject({ url: '/v1/status', headers: bearer('reader') })).json();
      expect(status.live).toEqual(good);
      expect(status.lastReload).toMatchObject({ ok: false, trigger: 'POST /v1/admin/reload', error: { kind: m.kind } });
      expect([status.lastReload.error.message, ...status.lastReload.error.diagnostics].join('\n')).toMatch(m.where);
      expect((await anonymous(app)({ url: '/readyz' })).json()).toMatchObject({
        status: 'ready',
        rulesets: good.rulesets,
        lastReloadFailed: true,
      });

      const rated = await app.inject({ method: 'POST', url: '/v1/evaluate', payload: example('typical-bank') });
      expect(rated.statusCode).toBe(200);
      expect(rated.json()).toMatchObject({ score: 82, grade: 'B', ruleset: { hash: good.rulesets[0].hash } });
    } finally {
      await mend();
    }
    expect((await reload(app)).statusCode).toBe(200);
  });

  it('answers 409 when the service holds rules it cannot reload', async () => {
    const fixed = testApp({ rater: live.current.rater });
    try {
      const res = await reload(fixed);
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toBe('reload-unavailable');
    } finally {
      await fixed.close();
    }
  });
});

describe('reloads under load', () => {
  let ws: Workspace;
  let serving: Serving;
  beforeAll(async () => {
    ws = await workspace();
    serving = await serve({
      rater: await LiveRules.load(ws),
      keys: testKeys,
      rateLimit: false,
      port: 0,
      host: '127.0.0.1',
    });
  });
  afterAll(() => serving?.shutdown());

  it('drops no request while every broken version is refused and good ones are swapped in', {
    timeout: 240_000,
  }, async () => {
    const counts = { ok: 0, failed: 0, statuses: {} as Record<string, number> };
    let running = true;
    const body = JSON.stringify(example('typical-bank'));
    const client = async () => {
      while (running) {
        try {
          const res = await fetch(`${serving.url}/v1/evaluate`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...bearer('rater') },
            body,
          });
          const json = (await res.json()) as { score?: number };
          if (res.status === 200 && json.score === 82) counts.ok++;
          else counts.failed++;
          counts.statuses[res.status] = (counts.statuses[res.status] ?? 0) + 1;
        } catch (err) {
          counts.failed++;
          counts.statuses[(err as Error).message] = (counts.statuses[(err as Error).message] ?? 0) + 1;
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    const outcomes: string[] = [];
    const post = () => fetch(`${serving.url}/v1/admin/reload`, { method: 'POST', headers: bearer('admin') });
    for (const m of mutations) {
      const mend = await apply(ws, m);
      const refused = await post();
      outcomes.push(`${m.name}: ${refused.status}`);
      expect([m.name, refused.status]).toEqual([m.name, 422]);
      await mend();
      const good = await post();
      expect([m.name, good.status]).toEqual([m.name, 200]);
    }
    running = false;
    await Promise.all(clients);
    process.stdout.write(
      `reloads under load: ${mutations.length} refused + ${mutations.length} accepted; requests ${counts.ok + counts.failed}, failed ${counts.failed} (${JSON.stringify(counts.statuses)})\n`,
    );
    expect(counts.failed).toBe(0);
    expect(counts.ok).toBeGreaterThan(mutations.length * 10);
  });

  it('lets a stream that started on the old version finish on it', async () => {
    const hashes = (body: string) =>
      body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).result.ruleset.hash);
    const before = (
      (await (await fetch(`${serving.url}/v1/status`, { headers: bearer() })).json()) as {
        live: { rulesets: { hash: string }[] };
      }
    ).live.rulesets[0].hash;
    const req = request(`${serving.url}/v1/evaluate/batch`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/x-ndjson', ...bearer() },
    });
    const chunks: string[] = [];
    const first = new Promise<void>((resolve) =>
      req.on('response', (res) => {
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          chunks.push(c);
          resolve();
        });
      }),
    );
    const done = new Promise<string>((resolve, reject) => {
      req.on('response', (res) => res.on('end', () => resolve(chunks.join(''))));
      req.on('error', reject);
    });
    req.write(`${exampleLine('clean-bank')}\n`);
    await first;
    await appendFile(join(ws.rulesetsDir, 'yinfa-2018-102/grading.yaml'), '\n# reviewed once more\n');
    const swapped = await fetch(`${serving.url}/v1/admin/reload`, { method: 'POST', headers: bearer('admin') });
    expect(swapped.status).toBe(200);
    const after = ((await swapped.json()) as { live: { rulesets: { hash: string }[] } }).live.rulesets[0].hash;
    expect(after).not.toBe(before);
    req.end(`${exampleLine('typical-bank')}\n`);
    expect(hashes(await done)).toEqual([before, before]);
    const fresh = await fetch(`${serving.url}/v1/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer() },
      body: JSON.stringify(example('clean-bank')),
    });
    expect(((await fresh.json()) as { ruleset: { hash: string } }).ruleset.hash).toBe(after);
  });
});
