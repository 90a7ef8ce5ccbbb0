// Service: `POST /v1/evaluate`, one input in, one result out (JSON, or the printable report for
// `Accept: text/html`). The ruleset's own input schema is applied by the Rater, as in the CLI; the
// rating is written to the decision log before it is answered.
import type { FastifyPluginAsync } from 'fastify';
import { renderResultHtml } from '../../report/rating/html.js';
import type { Decisions } from '../runtime/decisions.js';
import { refusal, sendError } from '../http/errors.js';
import { Deadline } from '../http/limits.js';
import type { LiveRules } from '../runtime/live-rules.js';
import { auditOf } from '../runtime/logging.js';
import { preferred } from '../http/negotiate.js';
import { errorResponses, ids, ref } from '../http/schemas.js';

export interface EvaluateOptions {
  live: LiveRules;
  decisions: Decisions;
  /** Milliseconds one request's evaluation (and its decision-log write) may take. */
  evaluationTimeout: number;
}

export const evaluateRoutes: FastifyPluginAsync<EvaluateOptions> = async (
  app,
  { live, decisions, evaluationTimeout },
) => {
  app.post(
    '/v1/evaluate',
    {
      schema: {
        summary: 'Rate one access institution for one year',
        description:
          'Validates the input against the input schema of the ruleset it pins, or of the ruleset in force for its year (and region), and returns the rating with every deduction, its clause, the measures and the interpretations relied on. `Accept: text/html` returns a printable report in Chinese instead.',
        tags: ['evaluate'],
        body: ref(ids.input),
        response: {
          200: {
            description: 'The rating.',
            content: {
              'application/json': { schema: ref(ids.result) },
              'text/html': { schema: { type: 'string', description: 'A printable one-page report in Chinese.' } },
            },
          },
          ...errorResponses(400, 404, 413, 415, 422, 500),
        },
      },
    },
    async (request, reply) => {
      const deadline = new Deadline(evaluationTimeout);
      const { rater } = live.current;
      const outcome = rater.evaluate(request.body);
      request.audit = auditOf(request.body, outcome);
      reply.header('vary', 'Accept');
      if (!outcome.ok) return sendError(reply, refusal(outcome));
      deadline.check('the evaluation');
      await deadline.race(
        decisions.record(request.caller?.name ?? 'anonymous', request.body, outcome.result),
        'recording the rating in the decision log',
      );
      if (preferred(request.headers.accept) === 'text/html')
        return reply.type('text/html; charset=utf-8').send(renderResultHtml(outcome.result));
      // Written with JSON.stringify: the result is built by the host in the RatingResult shape it is
      // documented and tested against, and the schema serializer escapes every character of the
      // clause text in JavaScript on Node 20, several times slower.
      return reply.type('application/json; charset=utf-8').serializer(JSON.stringify).send(outcome.result);
    },
  );
};
