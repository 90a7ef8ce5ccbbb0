// Service: the rules the service holds, as loaded: a summary of each ruleset, one ruleset in full
// (every file's content, parsed and validated), and the input schema derived from it.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
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

const listSchema = {
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
};

const rulesetSchema = {
  operationId: 'getRuleset',
  summary: 'One ruleset in full',
  description:
    'Metadata, scoring table, grading, institutions and interpretations, exactly as loaded and validated, with the hash of the files.',
  tags: ['rulesets'],
  params: idParams,
  response: { 200: { description: 'The ruleset.', ...ref(ids.ruleset) }, ...errorResponses(404, 500) },
};

const inputSchemaSchema = {
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
};

/** unknownRuleset is the 404 body for an id no ruleset has, listing those there are. */
function unknownRuleset(live: LiveRules, id: string) {
  return {
    error: 'unknown-ruleset' as const,
    message: `unknown ruleset "${id}"`,
    problems: [
      {
        path: '',
        message: `no ruleset has the id "${id}"`,
        allowed: live.current.rater.registry.rulesets.map((r) => r.id),
      },
    ],
  };
}

type ById = FastifyRequest<{ Params: { id: string } }>;

/** GET /v1/rulesets/:id */
function getRuleset(live: LiveRules, request: ById, reply: FastifyReply) {
  const rs = live.current.rater.registry.get(request.params.id);
  if (!rs) return sendError(reply, unknownRuleset(live, request.params.id));
  request.audit.ruleset = rs.id;
  return fullRuleset(rs);
}

/** GET /v1/rulesets/:id/input-schema */
function getInputSchema(live: LiveRules, request: ById, reply: FastifyReply) {
  const schema = live.current.rater.inputSchema(request.params.id);
  if (!schema) return sendError(reply, unknownRuleset(live, request.params.id));
  request.audit.ruleset = request.params.id;
  return reply.type('application/schema+json; charset=utf-8').send(schema);
}

export const rulesetRoutes: FastifyPluginAsync<{ live: LiveRules }> = async (app, { live }) => {
  app.get('/v1/rulesets', { schema: listSchema }, async () => live.current.rater.registry.rulesets.map(summary));
  app.get<{ Params: { id: string } }>('/v1/rulesets/:id', { schema: rulesetSchema }, async (request, reply) =>
    getRuleset(live, request, reply),
  );
  app.get<{ Params: { id: string } }>(
    '/v1/rulesets/:id/input-schema',
    { schema: inputSchemaSchema },
    async (request, reply) => getInputSchema(live, request, reply),
  );
};
