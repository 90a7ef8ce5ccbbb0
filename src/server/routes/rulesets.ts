// Service: the rules the service holds, as loaded: a summary of each ruleset, one ruleset in full
// (every file's content, parsed and validated), and the input schema derived from it.
import type { FastifyPluginAsync } from 'fastify';
import type { RuleSet } from '../../rules/ruleset.js';
import { sendError } from '../http/errors.js';
import type { LiveRules } from '../runtime/live-rules.js';
import { errorResponses, ids, ref } from '../http/schemas.js';

const idParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', description: 'A ruleset id, as listed by GET /v1/rulesets.' } },
};

/** summary is what GET /v1/rulesets lists for a ruleset. */
export function summary(rs: RuleSet) {
  return { id: rs.id, title: rs.meta.title, effective: rs.meta.effective, region: rs.meta.region, hash: rs.hash };
}

/** fullRuleset is a ruleset's content without its indexes (Maps) or where it was read from. */
export function fullRuleset(rs: RuleSet) {
  const { id, hash, files, meta, table, grading, institutions, interpretations } = rs;
  return { id, hash, files, meta, table, grading, institutions, interpretations };
}

export const rulesetRoutes: FastifyPluginAsync<{ live: LiveRules }> = async (app, { live }) => {
  const unknown = (id: string) => ({
    error: 'unknown-ruleset' as const,
    message: `unknown ruleset "${id}"`,
    problems: [
      {
        path: '',
        message: `no ruleset has the id "${id}"`,
        allowed: live.current.rater.registry.rulesets.map((r) => r.id),
      },
    ],
  });

  app.get(
    '/v1/rulesets',
    {
      schema: {
        operationId: 'listRulesets',
        summary: 'List the rulesets the service holds',
        tags: ['rulesets'],
        response: {
          200: {
            description: 'Every ruleset, with the rating years it decides.',
            type: 'array',
            items: ref(ids.rulesetSummary),
          },
          ...errorResponses(500),
        },
      },
    },
    async () => live.current.rater.registry.rulesets.map(summary),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/rulesets/:id',
    {
      schema: {
        operationId: 'getRuleset',
        summary: 'One ruleset in full',
        description:
          'Metadata, scoring table, grading, institutions and interpretations, exactly as loaded and validated, with the hash of the files.',
        tags: ['rulesets'],
        params: idParams,
        response: { 200: { description: 'The ruleset.', ...ref(ids.ruleset) }, ...errorResponses(404, 500) },
      },
    },
    async (request, reply) => {
      const rs = live.current.rater.registry.get(request.params.id);
      if (!rs) return sendError(reply, unknown(request.params.id));
      request.audit.ruleset = rs.id;
      return fullRuleset(rs);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/rulesets/:id/input-schema',
    {
      schema: {
        operationId: 'getInputSchema',
        summary: 'The JSON Schema of an evaluation input for one ruleset',
        description:
          'Derived from the ruleset itself: its items, their findings and the circumstances its triggers read. POST /v1/evaluate validates with exactly this schema.',
        tags: ['rulesets'],
        params: idParams,
        response: {
          200: {
            description: 'A JSON Schema (draft-07).',
            content: { 'application/schema+json': { schema: { type: 'object', additionalProperties: true } } },
          },
          ...errorResponses(404, 500),
        },
      },
    },
    async (request, reply) => {
      const schema = live.current.rater.inputSchema(request.params.id);
      if (!schema) return sendError(reply, unknown(request.params.id));
      request.audit.ruleset = request.params.id;
      return reply.type('application/schema+json; charset=utf-8').send(schema);
    },
  );
};
