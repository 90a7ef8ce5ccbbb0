// Service: the deadlines of 银发〔2018〕102号 over HTTP. `POST /v1/obligations/due` answers when an
// obligation falls due for a reporter (and whether it was met); `GET /v1/obligations/calendar` lists
// an institution's due dates for a year. A self-contained plugin: it answers with the obligations of the
// ruleset in force for the year asked about (that of `start`, or `year`), validates with its own
// schemas (schemas/obligations/api.schema.json) and refuses with the service's error body.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { civil, today } from '../../obligations/dates.js';
import { addSchemaFile, createAjv, readSchema } from '../../validation/ajv.js';
import { asProblem, type Explained, explainErrors } from '../../diagnostics/explain.js';
import { sendError } from '../http/errors.js';
import { absoluteRefs, errorResponses, ids, institutionParam, jsonAnswer } from '../http/schemas.js';
import { type Duties, yearOfDate } from '../runtime/duties.js';

export interface ObligationRoutesOptions {
  /** The live obligations by year, read once per request (the app's reloadable rules). */
  current: () => Duties;
}

const api = readSchema('obligations/api.schema.json');
const apiId = api.$id as string;
const rulesetRef = readSchema('rules/ruleset-ref.schema.json');
// The values of a message (ruleParams, moved.params, a flag's params) are written as that schema has them.
const messageSchema = readSchema('diagnostics/message.schema.json');
const def = (name: string) => ({ $ref: `${apiId}#/definitions/${name}` });

const calendarQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['institution', 'year'],
  properties: {
    institution: institutionParam('The institution; a name of annex 1 is national, any other local.'),
    year: { type: 'integer', minimum: 2000, maximum: 2200, description: 'The year whose due dates to list.' },
    branchOf: institutionParam('For a branch, the institution it belongs to.'),
    reporter: {
      ...(api.definitions as Record<string, object>).reporterKind,
      description: 'Say the kind of reporter instead of deriving it from the name.',
    },
  },
};

function refuse(reply: FastifyReply, problems: Explained[]): FastifyReply {
  return sendError(reply, {
    error: 'invalid-input',
    message: problems.length === 1 ? problems[0].message : 'the question was refused; see problems',
    // The API's problems are those of schemas/http/problem.schema.json: the English text, without the
    // catalogue key and values the CLI renders them from.
    problems: problems.map(asProblem),
  });
}

const dueSchema = {
  operationId: 'obligationDue',
  summary: 'When an obligation falls due for a reporter, and whether it was met',
  description:
    'Counts the deadline of one obligation of obligations.yaml from the date that starts its clock, on the working-day calendar of the State Council notices (policies/calendars): the due date, whether it moved off a rest day and why, the clause and the readings relied on. With `submitted` (or `asOf`) it also says on time, late (in days and working days), missing or pending. A date in a year without a calendar is refused, never guessed.',
  tags: ['obligations'],
  body: def('request'),
  response: {
    200: jsonAnswer('The due date, traced to its clause and calendar.', def('result')),
    ...errorResponses(400, 413, 415, 500),
  },
};

const calendarSchema = {
  operationId: 'obligationCalendar',
  summary: "An institution's due dates for a year",
  description:
    'Every due date of the year (monthly and quarterly reports, the rating timeline), each with the period it covers, its recipient and clause; then the deadlines that run from an event and those the text gives no day.',
  tags: ['obligations'],
  querystring: calendarQuery,
  response: {
    200: jsonAnswer('The calendar.', def('calendar')),
    ...errorResponses(400, 500),
  },
};

type CalendarRequest = FastifyRequest<{
  Querystring: { institution: string; year: number; branchOf?: string; reporter?: string };
}>;

/** POST /v1/obligations/due */
function due(duties: Duties, request: FastifyRequest, reply: FastifyReply) {
  // A start that is no date is refused by the service of this year, with the other problems.
  const year = yearOfDate((request.body as { start?: unknown } | null)?.start) ?? civil(today()).year;
  const found = duties.obligationsFor(year, '/start');
  if (!found.ok) return refuse(reply, found.problems);
  const outcome = found.result.due(request.body);
  if (!outcome.ok) return refuse(reply, outcome.problems);
  return reply.type('application/json; charset=utf-8').send(outcome.result);
}

/** GET /v1/obligations/calendar */
function calendar(duties: Duties, request: CalendarRequest, reply: FastifyReply) {
  if (request.validationError)
    return refuse(reply, explainErrors(request.validationError.validation as never, request.query));
  const q = request.query;
  const found = duties.obligationsFor(q.year);
  if (!found.ok) return refuse(reply, found.problems);
  const outcome = found.result.calendarFor({
    institution: q.institution,
    year: q.year,
    ...(q.branchOf ? { branchOf: q.branchOf } : {}),
    ...(q.reporter ? { reporter: q.reporter as never } : {}),
  });
  if (!outcome.ok) return refuse(reply, outcome.problems);
  return reply.type('application/json; charset=utf-8').send(outcome.result);
}

export const obligationRoutes: FastifyPluginAsync<ObligationRoutesOptions> = async (app, options) => {
  // The obligations schemas are not among the app's shared ones: this scope validates with its own.
  const ajv = createAjv();
  addSchemaFile(ajv, 'obligations/api.schema.json');
  app.addSchema(absoluteRefs(api, apiId));
  // The ruleset reference is shared with the rating result; a scope of the app already holds it.
  if (!app.getSchema(ids.rulesetRef)) app.addSchema(rulesetRef);
  if (!app.getSchema(messageSchema.$id as string)) app.addSchema(messageSchema);
  // Query strings are text: `year=2024` is read as the integer it names, as in every other route.
  const queryAjv = createAjv({ coerceTypes: true });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'querystring' ? queryAjv.compile(schema) : ajv.compile(schema),
  );
  app.post('/v1/obligations/due', { schema: dueSchema }, async (request, reply) =>
    due(options.current(), request, reply),
  );
  app.get<{ Querystring: CalendarRequest['query'] }>(
    '/v1/obligations/calendar',
    { attachValidation: true, schema: calendarSchema },
    async (request, reply) => calendar(options.current(), request, reply),
  );
};
