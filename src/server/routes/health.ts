// Service: liveness and readiness. The app is only built once the rules and the WASM policy are
// loaded, so being ready means naming what is live: the rulesets and their hashes, the compiled
// policy's sha256, when it was loaded, and whether the last reload was refused. While closing, fastify
// answers 503. Both routes are public; neither says more than which rules are served.
import type { FastifyPluginAsync } from 'fastify';
import type { LiveRules } from '../runtime/live-rules.js';
import { errorResponses, ids, ref } from '../http/schemas.js';

export const healthRoutes: FastifyPluginAsync<{ live: LiveRules }> = async (app, { live }) => {
  app.get(
    '/healthz',
    {
      // Liveness is answered even while load is shed.
      config: { alwaysAnswer: true },
      schema: {
        operationId: 'getHealth',
        // Public: no API key.
        security: [],
        summary: 'The process is alive',
        tags: ['health'],
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['status'],
            properties: { status: { type: 'string', const: 'ok' } },
          },
        },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      // Never counted among the requests in flight, so callers holding every slot cannot hide readiness.
      config: { uncounted: true },
      schema: {
        operationId: 'getReadiness',
        // Public: no API key.
        security: [],
        summary: 'The rules and the compiled policy are loaded; which version is live',
        tags: ['health'],
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['status', 'rulesets', 'wasmSha256', 'loadedAt', 'lastReloadFailed'],
            properties: {
              status: { type: 'string', const: 'ready' },
              rulesets: ref(ids.liveVersion, '/properties/rulesets'),
              wasmSha256: ref(ids.liveVersion, '/properties/wasmSha256'),
              loadedAt: ref(ids.liveVersion, '/properties/loadedAt'),
              lastReloadFailed: {
                type: 'boolean',
                description:
                  'True when the last reload was refused and an older version keeps serving; GET /v1/status says why.',
              },
            },
          },
          ...errorResponses(503),
        },
      },
    },
    async () => {
      const v = live.current;
      return {
        status: 'ready',
        rulesets: v.rulesets,
        wasmSha256: v.wasmSha256,
        loadedAt: v.loadedAt,
        lastReloadFailed: live.lastReload?.ok === false,
      };
    },
  );
};
