// Service: `POST /v1/evaluate`, one input in, one result out (JSON, or the printable report for
// `Accept: text/html`, or that report as PDF for `Accept: application/pdf`). The ruleset's own input schema is applied by the Rater, as in the CLI; the
// rating is written to the decision log before it is answered.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { BrowserUnavailable, installHint, PrinterBusy, type PdfPrinter } from '../../render/pdf/browser.js';
import { renderResultPdf } from '../../render/pdf/rating.js';
import { renderResultHtml } from '../../render/rating/html.js';
import type { Lang } from '../../diagnostics/i18n.js';
import { htmlLang, htmlReply } from '../http/language.js';
import type { Decisions } from '../runtime/decisions.js';
import { HttpError, refusal, sendError } from '../http/errors.js';
import { Deadline } from '../http/limits.js';
import type { LiveRules } from '../runtime/live-rules.js';
import { idempotencyKeyOf } from '../runtime/idempotency.js';
import { auditOf } from '../runtime/logging.js';
import { canonicalJson } from '../../audit/canonical.js';
import { preferred, representations } from '../http/negotiate.js';
import { errorResponses, ids, ref } from '../http/schemas.js';

export interface EvaluateOptions {
  live: LiveRules;
  decisions: Decisions;
  /** Milliseconds one request's evaluation (and its decision-log write) may take. */
  evaluationTimeout: number;
  /** Prints the report for `Accept: application/pdf` (its browser is launched on the first PDF). */
  pdf?: PdfPrinter;
}

const evaluateSchema = {
  operationId: 'evaluate',
  summary: 'Rate one access institution for one year',
  description:
    'Validates the input against the input schema of the ruleset it pins, or of the ruleset in force for its year (and region), and returns the rating with every deduction, its clause, the measures and the interpretations relied on. `Accept: text/html` returns a printable report in Chinese instead, and `Accept: application/pdf` that report as an A4 PDF with the ruleset id and hash on every page (when the service has a headless Chromium; otherwise 503 `pdf-unavailable`).',
  tags: ['evaluate'],
  body: ref(ids.input),
  response: {
    200: {
      description: 'The rating.',
      content: {
        'application/json': { schema: ref(ids.result) },
        'text/html': { schema: { type: 'string', description: 'A printable one-page report in Chinese.' } },
        'application/pdf': {
          schema: {
            type: 'string',
            contentMediaType: 'application/pdf',
            description: 'The printable report as an A4 PDF, the ruleset hash on every page.',
          },
        },
      },
    },
    ...errorResponses(400, 404, 413, 415, 422, 500, 503),
  },
};

/** POST /v1/evaluate */
async function evaluate(o: EvaluateOptions, request: FastifyRequest, reply: FastifyReply) {
  const { live, decisions, evaluationTimeout, pdf } = o;
  const deadline = new Deadline(evaluationTimeout);
  const { rater } = live.current;
  const outcome = rater.evaluate(request.body);
  request.audit = auditOf(request.body, outcome);
  reply.header('vary', 'Accept');
  const media = preferred(request.headers.accept, request.routeOptions.config.offered ?? representations);
  if (media === 'application/pdf' && !pdf?.available) throw new HttpError('pdf-unavailable', pdfUnavailable(pdf));
  if (!outcome.ok) return sendError(reply, refusal(outcome));
  const key = idempotencyKeyOf(request.headers);
  if (key instanceof Error) return sendError(reply, { error: 'bad-request', message: key.message });
  deadline.check('the evaluation');
  const caller = request.caller?.name ?? 'anonymous';
  // With the log on, the JSON answer is the result's text as logged (canonical JSON), serialized once
  // for both: a client can find the very bytes it was answered in the log.
  const asLogged = (r: object) => (decisions.logging ? Buffer.from(canonicalJson(r), 'utf8') : undefined);
  const text = asLogged(outcome.result);
  // Once logged, answered: the bound withdraws the rating only while it still waits for its write.
  const result = await decisions.once(caller, key, request.body, '/v1/evaluate', async () => {
    await decisions.record(caller, request.body, outcome.result, {
      until: deadline.until('recording the rating in the decision log'),
      idempotencyKey: key,
      resultJson: text,
    });
    return outcome.result;
  });
  // A retry with the same Idempotency-Key gets the first answer, in the same form.
  const json = result === outcome.result ? text : asLogged(result);
  return answer(reply, request, media, result, pdf, json);
}

/** answer sends the rating in the media type the client prefers. */
async function answer(
  reply: FastifyReply,
  request: FastifyRequest,
  media: string | undefined,
  result: Parameters<typeof renderResultPdf>[1],
  pdf: PdfPrinter | undefined,
  json?: Buffer,
) {
  if (media === 'text/html') return htmlReply(reply, request).send(renderResultHtml(result, htmlLang(request)));
  if (media === 'application/pdf')
    return htmlReply(reply, request)
      .type('application/pdf')
      .send(await printed(pdf!, result, htmlLang(request)));
  // Written with JSON.stringify: the result is built by the host in the RatingResult shape it is
  // documented and tested against, and the schema serializer escapes every character of the
  // clause text in JavaScript on Node 20, several times slower.
  if (json !== undefined) return reply.type('application/json; charset=utf-8').send(json);
  return reply.type('application/json; charset=utf-8').serializer(JSON.stringify).send(result);
}

export const evaluateRoutes: FastifyPluginAsync<EvaluateOptions> = async (app, options) => {
  app.post('/v1/evaluate', { schema: evaluateSchema }, (request, reply) => evaluate(options, request, reply));
};

function pdfUnavailable(pdf: PdfPrinter | undefined): string {
  return pdf
    ? `this service cannot print PDFs: no headless Chromium was found (${installHint}); ask for application/json or text/html`
    : 'this service was started without PDF output; ask for application/json or text/html';
}

/** printed is the PDF, its failures turned into the service's refusals. */
async function printed(pdf: PdfPrinter, result: Parameters<typeof renderResultPdf>[1], lang: Lang): Promise<Buffer> {
  try {
    return Buffer.from(await renderResultPdf(pdf, result, lang));
  } catch (err) {
    if (err instanceof BrowserUnavailable) throw new HttpError('pdf-unavailable', err.message);
    if (err instanceof PrinterBusy) throw new HttpError('overloaded', err.message);
    throw err;
  }
}
