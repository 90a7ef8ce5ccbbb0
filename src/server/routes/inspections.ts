// Service: the inspections of annex 4 over HTTP. `POST /v1/inspections/status` takes inspection plans
// (each as schemas/inspections/inspection-plan.schema.json) and a day, and answers what is due,
// overdue, late, missing or complete, each with its clause, by the inspections.yaml of the ruleset in
// force for that day's year. A self-contained plugin with its own schemas, refusing with the service's
// error body.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { checkPlans } from '../../inspections/plans.js';
import type { InspectionService } from '../../inspections/service.js';
import { rulesetsDir } from '../../artifacts/artifacts.js';
import { civil, today } from '../../obligations/dates.js';
import { Registry } from '../../rules/registry.js';
import { createAjv, readSchema } from '../../validation/ajv.js';
import { asProblem, explainErrors, type Problem } from '../../diagnostics/explain.js';
import { sendError } from '../http/errors.js';
import { errorResponses, jsonAnswer } from '../http/schemas.js';
import { type Duties, DutiesByYear, yearOfDate } from '../runtime/duties.js';

export interface InspectionRoutesOptions {
  /** One loaded service for every day; when left out, the ruleset in force for the day's year decides. */
  service?: InspectionService;
  /** The live duties of the app's reloadable rules, read once per request. */
  current?: () => Duties | undefined;
}

const api = readSchema('inspections/status.schema.json');
const plan = readSchema('inspections/inspection-plan.schema.json');
const apiId = api.$id as string;
const def = (name: string) => ({ $ref: `${apiId}#/definitions/${name}` });

function refuse(reply: FastifyReply, problems: Problem[]): FastifyReply {
  return sendError(reply, {
    error: 'invalid-input',
    message: problems.length === 1 ? problems[0].message : 'the question was refused; see problems',
    problems,
  });
}

export const inspectionRoutes: FastifyPluginAsync<InspectionRoutesOptions> = async (app, options) => {
  // The service given; else that of the ruleset in force for the year, from the live rules or, where
  // they hold no inspections.yaml (a bare Rater), from the repo's own rulesets.
  let own: Promise<Duties | undefined> | undefined;
  const serviceOf = async (year: number) => {
    if (options.service) return { ok: true as const, result: options.service };
    const live = options.current?.()?.inspectionsFor(year, '/asOf');
    if (live && (!live.ok || live.result)) return live;
    own ??= Registry.load(rulesetsDir).then((registry) => DutiesByYear.load(registry));
    const found = (await own)?.inspectionsFor(year, '/asOf');
    if (found && (!found.ok || found.result)) return found;
    return {
      ok: false as const,
      problems: [{ path: '/asOf', message: `no ruleset in force for ${year} has inspections.yaml` }],
    };
  };
  const ajv = createAjv();
  ajv.addSchema(plan);
  ajv.addSchema(api);
  app.addSchema(api);
  app.setValidatorCompiler(({ schema }) => ajv.compile(schema));

  app.post<{ Body: { plans: unknown[]; asOf: string } }>(
    '/v1/inspections/status',
    {
      attachValidation: true,
      schema: {
        operationId: 'inspectionStatus',
        summary: 'What is due, overdue, late, missing or complete in inspection plans (附件4)',
        description:
          'Judges inspection plans (one per organizing unit and year, with the records of its inspections) as of a day: each inspection report 10 working days after the fieldwork (五（五）), each rectification 15 working days after the feedback (六（二）), the team of at least 2 (五（一）), every institution of the region within two years (三) and a plan for every year, each with its clause, on the working-day calendar of the State Council notices.',
        tags: ['inspections'],
        body: def('request'),
        response: {
          200: jsonAnswer('The status of every plan year, inspection and institution.', def('result')),
          ...errorResponses(400, 413, 415, 500),
        },
      },
    },
    async (request, reply) => {
      if (request.validationError)
        return refuse(reply, explainErrors(request.validationError.validation as never, request.body));
      const { plans, problems } = checkPlans(request.body.plans);
      if (problems.length) return refuse(reply, problems);
      const found = await serviceOf(yearOfDate(request.body.asOf) ?? civil(today()).year);
      if (!found.ok) return refuse(reply, found.problems);
      const outcome = found.result!.status(plans, request.body.asOf);
      // The API's problems keep the fields of its schema: the English text without the key and values.
      if (!outcome.ok) return refuse(reply, outcome.problems.map(asProblem));
      return reply.type('application/json; charset=utf-8').send(outcome.result);
    },
  );
};
