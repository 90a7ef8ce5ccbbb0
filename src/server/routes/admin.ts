// Service: operating the service. `POST /v1/admin/reload` (scope admin) loads the rules, the compiled
// policy and the keys file again, swapping each only if it passes; `GET /v1/status` (scope read) says
// which version is live, when it was loaded and how the last reload went, with its error.
import type { FastifyPluginAsync } from 'fastify';
import type { KeyStore } from '../../security/key-store.js';
import type { ClusterLink } from '../cluster.js';
import { sendError } from '../http/errors.js';
import { describeVersion, type LiveRules } from '../runtime/live-rules.js';
import type { OperationsLog } from '../runtime/operations-log.js';
import { reloadService } from '../runtime/reload.js';
import { errorResponses, ids, ref } from '../http/schemas.js';

export interface AdminOptions {
  cluster: ClusterLink;
  live: LiveRules;
  keys: KeyStore;
  operations: OperationsLog;
  version: string;
}

const keysSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['ok', 'source'],
  properties: {
    ok: { type: 'boolean' },
    source: { type: 'string' },
    count: { type: 'integer' },
    changed: { type: 'boolean' },
    message: { type: 'string' },
  },
};

export const adminRoutes: FastifyPluginAsync<AdminOptions> = async (
  app,
  { live, keys, operations, version, cluster },
) => {
  const started = new Date().toISOString();

  app.post(
    '/v1/admin/reload',
    {
      schema: {
        operationId: 'reloadRules',
        summary: 'Load the rules, the compiled policy and the keys again',
        description:
          'Loads the rulesets and the compiled policy beside the live version, checks them (rule files, WASM, every ruleset’s rule tests) and swaps them in at once; requests already running finish on the version they started with. The keys file is read again too. Anything refused is answered with 422 `reload-refused` and its positions, and the version that was live keeps serving. Same as sending SIGHUP.',
        tags: ['admin'],
        response: {
          200: {
            description: 'Both the rules and the keys were reloaded (or were unchanged).',
            type: 'object',
            additionalProperties: false,
            required: ['ok', 'rules', 'keys', 'live'],
            properties: {
              ok: { type: 'boolean', const: true },
              rules: ref(ids.reloadRecord),
              keys: keysSchema,
              live: ref(ids.liveVersion),
            },
          },
          ...errorResponses(409, 422, 500),
        },
      },
    },
    async (request, reply) => {
      if (!live.reloadable)
        return sendError(reply, {
          error: 'reload-unavailable',
          message: 'this service was started with rules already loaded, not from a folder; restart it to change them',
        });
      const outcome = await reloadService(
        { live, keys, log: request.log, operations },
        'POST /v1/admin/reload',
        request.caller?.name ?? null,
      );
      // Every worker loads the same files; each reloads on its own and keeps its last good version.
      cluster.reloaded('POST /v1/admin/reload');
      if (!outcome.ok) {
        const serving = live.current.rulesets.map((r) => `${r.id} (${r.hash})`).join(', ');
        const problems = outcome.rules.ok
          ? [{ path: '', message: outcome.keys.ok ? '' : outcome.keys.message }]
          : [
              { path: '', message: outcome.rules.error!.message },
              ...outcome.rules.error!.diagnostics.map((d) => ({ path: '', message: d })),
            ];
        const what = outcome.rules.ok
          ? 'the rules were reloaded, but the keys file was refused; the keys held before stay valid'
          : `the new rules were refused (${outcome.rules.error!.kind}); still serving ${serving}`;
        return sendError(reply, { error: 'reload-refused', message: what, problems });
      }
      return { ok: true, rules: outcome.rules, keys: outcome.keys, live: describeVersion(live.current) };
    },
  );

  app.get(
    '/v1/status',
    {
      schema: {
        operationId: 'getStatus',
        summary: 'Which version of the rules is live, and how the last reload went',
        tags: ['admin'],
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['service', 'startedAt', 'live', 'reloadable', 'keys', 'workers'],
            properties: {
              service: { type: 'string', description: 'The service version.' },
              startedAt: { type: 'string' },
              live: ref(ids.liveVersion),
              reloadable: {
                type: 'boolean',
                description: 'False when the service was started with rules already loaded.',
              },
              lastReload: {
                ...ref(ids.reloadRecord),
                description: 'The most recent reload, with its error when it was refused.',
              },
              workers: {
                type: 'array',
                items: ref(ids.workerStatus),
                description:
                  'Every worker process serving (one per core by default): its rules, its last reload and its decision log chain.',
              },
              keys: {
                type: 'object',
                additionalProperties: false,
                required: ['source', 'count'],
                properties: {
                  source: { type: 'string', enum: ['file', 'env', 'generated', 'given'] },
                  count: { type: 'integer' },
                },
              },
            },
          },
          ...errorResponses(500),
        },
      },
    },
    async () => ({
      service: version,
      startedAt: started,
      live: describeVersion(live.current),
      reloadable: live.reloadable,
      ...(live.lastReload ? { lastReload: live.lastReload } : {}),
      keys: { source: keys.source.kind, count: keys.ring.size },
      workers: await cluster.describeWorkers(),
    }),
  );
};
