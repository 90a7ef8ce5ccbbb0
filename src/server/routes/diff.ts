// Service: `GET /v1/diff?from=&to=`, the semantic diff of two rulesets the service holds, as JSON,
// Markdown (`Accept: text/markdown`) or one HTML page (`Accept: text/html`). A self-contained plugin:
// register it with the Rater (or Registry) the app already holds.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { diffRulesets } from '../../diff/diff.js';
import type { RulesetDiff } from '../../diff/model.js';
import type { Rater } from '../../rating/rater.js';
import type { Registry } from '../../rules/registry.js';
import { renderDiffHtml } from '../../render/diff/html.js';
import { htmlLang, htmlReply } from '../http/language.js';
import { renderDiffMarkdown } from '../../render/diff/markdown.js';
import { sendError } from '../http/errors.js';
import { preferred } from '../http/negotiate.js';
import { errorResponses } from '../http/schemas.js';

/** DiffRoutesOptions: where the rulesets come from: a Rater, its Registry, or the live one, read per request. */
export type DiffRoutesOptions = { rater: Rater } | { registry: Registry } | { current: () => Registry };

const side = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'hash', 'source', 'title', 'effective', 'region'],
  properties: {
    id: { type: 'string' },
    hash: { type: 'string' },
    source: { type: 'string' },
    title: { type: 'string' },
    effective: {
      type: 'object',
      additionalProperties: false,
      required: ['fromYear', 'untilYear'],
      properties: { fromYear: { type: 'integer' }, untilYear: { type: ['integer', 'null'] } },
    },
    region: { type: ['string', 'null'] },
  },
};

/** diffResponse is the JSON shape of a RulesetDiff (src/diff/model.ts). */
export const diffResponse = {
  title: 'RulesetDiff',
  description: 'Every change from one ruleset to the other, keyed by ids, with the clause text of both sides.',
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to', 'same', 'changes', 'itemNames', 'counts'],
  properties: {
    from: side,
    to: side,
    same: { type: 'boolean', description: 'True when both are the same rules, whatever their bytes.' },
    changes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['section', 'kind', 'action', 'path', 'clause'],
        properties: {
          section: {
            type: 'string',
            enum: ['metadata', 'table', 'item', 'grading', 'institutions', 'interpretations'],
          },
          kind: {
            type: 'string',
            description: 'deduction, cap, tier, band, threshold, measure, rule, item, interpretation, …',
          },
          action: { type: 'string', enum: ['added', 'removed', 'changed'] },
          item: { type: 'string' },
          path: { type: 'string', description: 'Where, by ids: rules[5.2:user-not-registered].cap.points' },
          from: { description: 'The value before (absent when added).' },
          to: { description: 'The value after (absent when removed).' },
          clause: {
            type: 'object',
            additionalProperties: false,
            properties: { from: { type: 'string' }, to: { type: 'string' } },
          },
        },
      },
    },
    itemNames: { type: 'object', additionalProperties: { type: 'string' } },
    counts: { type: 'object', additionalProperties: { type: 'integer' } },
  },
};

const diffSchema = {
  operationId: 'diffRulesets',
  summary: 'The semantic diff of two rulesets',
  description:
    'Compares two rulesets the service holds item by item (not line by line): items, max points, deductions, caps, tiers, bands, triggers and thresholds, measures, interpretations and metadata, each with the clause text of both sides. `Accept: text/markdown` or `text/html` renders it.',
  tags: ['rulesets'],
  querystring: {
    type: 'object',
    additionalProperties: false,
    required: ['from', 'to'],
    properties: {
      from: { type: 'string', description: 'The id of the older ruleset, as listed by GET /v1/rulesets.' },
      to: { type: 'string', description: 'The id of the newer ruleset.' },
    },
  },
  response: {
    200: {
      description: 'The diff.',
      content: {
        'application/json': { schema: diffResponse },
        'text/html': { schema: { type: 'string' } },
        'text/markdown': { schema: { type: 'string' } },
      },
    },
    ...errorResponses(400, 404, 500),
  },
};

type DiffRequest = FastifyRequest<{ Querystring: { from: string; to: string } }>;

/** GET /v1/diff */
function diff(registry: Registry, request: DiffRequest, reply: FastifyReply) {
  const { from, to } = request.query;
  const allowed = registry.rulesets.map((r) => r.id);
  const a = registry.get(from),
    b = registry.get(to);
  if (!a || !b) {
    const missing = !a ? ['from', from] : ['to', to];
    return sendError(reply, {
      error: 'unknown-ruleset',
      message: `unknown ruleset "${missing[1]}"`,
      problems: [{ path: `/${missing[0]}`, message: `no ruleset has the id "${missing[1]}"`, allowed }],
    });
  }
  request.audit.ruleset = `${a.id}..${b.id}`;
  return sendDiff(request, reply, diffRulesets(a, b));
}

/** sendDiff answers the diff in the media type the client prefers. */
function sendDiff(request: DiffRequest, reply: FastifyReply, diff: RulesetDiff) {
  reply.header('vary', 'Accept');
  // The order of the declared types breaks ties: JSON, then HTML (a browser's text/*), then Markdown.
  const media = preferred(request.headers.accept, request.routeOptions.config.offered ?? ['application/json']);
  if (media === 'text/markdown')
    return reply
      .type('text/markdown; charset=utf-8')
      .header('content-language', htmlLang(request) === 'zh' ? 'zh-CN' : 'en')
      .header('vary', 'Accept, Accept-Language')
      .send(renderDiffMarkdown(diff, htmlLang(request)));
  if (media === 'text/html') return htmlReply(reply, request).send(renderDiffHtml(diff, htmlLang(request)));
  return reply.type('application/json; charset=utf-8').send(diff);
}

export const diffRoutes: FastifyPluginAsync<DiffRoutesOptions> = async (app, options) => {
  const registryOf = (): Registry =>
    'current' in options ? options.current() : 'rater' in options ? options.rater.registry : options.registry;
  app.get<{ Querystring: { from: string; to: string } }>('/v1/diff', { schema: diffSchema }, async (request, reply) =>
    diff(registryOf(), request, reply),
  );
};
