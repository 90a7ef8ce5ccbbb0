// Service: liveness and readiness. The app is only built once the rules and the WASM policy are
// loaded, so being ready means naming what was loaded; while closing, fastify answers 503.
import type { FastifyPluginAsync } from 'fastify';
import type { Rater } from '../../rating/rater.js';

export const healthRoutes: FastifyPluginAsync<{ rater: Rater }> = async (app, { rater }) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'The process is alive',
        tags: ['health'],
        response: { 200: { type: 'object', additionalProperties: false, required: ['status'], properties: { status: { type: 'string', const: 'ok' } } } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'The rules and the compiled policy are loaded',
        tags: ['health'],
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['status', 'rulesets'],
            properties: {
              status: { type: 'string', const: 'ready' },
              rulesets: {
                type: 'array',
                items: { type: 'object', additionalProperties: false, required: ['id', 'hash'], properties: { id: { type: 'string' }, hash: { type: 'string' } } },
              },
            },
          },
        },
      },
    },
    async () => ({ status: 'ready', rulesets: rater.registry.rulesets.map((r) => ({ id: r.id, hash: r.hash })) }),
  );
};
