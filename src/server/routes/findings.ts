// Service: findings from an inspector's evidence, uploaded as multipart/form-data (one part per table).
// `POST /v1/findings/derive` answers the derived findings with every row behind them (the findings file
// of `credit-policy findings derive --json`); `POST /v1/evaluate/evidence` also takes the case (the
// findings evidence cannot give, and assessor overrides) and answers the rating, logged with the
// findings it rated so that a replay reproduces it. Uploads are bounded in bytes, derivations in time.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { EvidenceError } from '../../evidence/errors.js';
import type { DerivedFindings } from '../../evidence/derive.js';
import { attachEvidence, mergeFindings } from '../../evidence/merge.js';
import type { Deriver } from '../../evidence/service.js';
import { SelectionError } from '../../rules/registry.js';
import { createAjv } from '../../validation/ajv.js';
import { evidenceProblems, receiveEvidence, type Upload } from '../http/evidence-upload.js';
import { HttpError, refusal, sendError } from '../http/errors.js';
import { Deadline } from '../http/limits.js';
import { jsonParser, type ParsedBody } from '../http/parsers.js';
import { errorResponses, ids, institutionParam, jsonAnswer, ref } from '../http/schemas.js';
import type { Decisions } from '../runtime/decisions.js';
import { idempotencyKeyOf } from '../runtime/idempotency.js';
import { deriverFor, type LiveRules } from '../runtime/live-rules.js';
import { rulesetsDir } from '../../artifacts/artifacts.js';
import { auditOf } from '../runtime/logging.js';

export interface FindingsOptions {
  live: LiveRules;
  decisions: Decisions;
  /** The most bytes of one upload, all parts together. */
  bodyLimit: number;
  /** Milliseconds one derivation (and its rating and decision-log write) may take. */
  timeout: number;
}

const tableParts = {
  users: '征信系统用户 (user list of the credit system)',
  staff: '员工 (staff roster)',
  queries: '查询记录 (query log)',
  authorizations: '授权书 (authorizations)',
  training: '培训与测试 (training and tests)',
  disputes: '异议 (disputes)',
  filings: '报备 (filings with the PBOC)',
  incidents: '风险事件 (incidents, annex 2)',
};

const tableProperties = Object.fromEntries(
  Object.entries(tableParts).map(([table, what]) => [
    table,
    {
      type: 'string',
      format: 'binary',
      description: `The ${table} table, ${what}: a .csv (UTF-8 with or without BOM, or GB18030), .xlsx, .ndjson or .jsonl file, with headers as policies/evidence/headers.yaml accepts them (English or Chinese). Also accepted under its Chinese name.`,
    },
  ]),
);

const design =
  'The evidence is sent as `multipart/form-data`, one file part per table, each part named by its table (`users`, `staff`, `queries`, … or the Chinese names headers.yaml gives, such as `员工`) and read by its file name’s extension (`.csv`, `.xlsx`, `.ndjson`, `.jsonl`). A table left out makes its items "not derived (table X not supplied)". Multipart rather than one archive because it is what every HTTP client and `curl -F` send, each table keeps its own file name and format, and each part streams to disk as it arrives without an archive to unpack. The parts are written to a private temporary folder (deleted after the answer) and read from there as streams, because the derivation reads the staff and user tables before the query log streams through, whatever order a client sends them in. The whole upload is bounded (413 `body-too-large`), and must arrive within the request deadline. A refused table is answered 400 `invalid-evidence`, each problem naming the `part`, `table`, `row` (the header is row 1), `column` and what is allowed.';

const commonQuery = {
  asOf: {
    type: 'string',
    format: 'date',
    description: 'The day late and open duties are judged on (YYYY-MM-DD; the end of the year when left out).',
    examples: ['2024-12-31'],
  },
  usersNeeded: {
    type: 'integer',
    minimum: 1,
    maximum: 1000000,
    description: 'The number of users the business needs (5.1); without it 5.1 is not derived.',
    examples: [4],
  },
};

const deriveQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['institution', 'year'],
  properties: {
    institution: institutionParam('The access institution the evidence is of.', { examples: ['示例农村商业银行'] }),
    year: {
      type: 'integer',
      minimum: 1900,
      maximum: 2999,
      description: 'The year being rated.',
      examples: [2024],
    },
    region: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      description: 'Where the institution is supervised (selects a regional overlay).',
    },
    ruleset: { type: 'string', minLength: 1, maxLength: 100, description: 'Pin a ruleset by id.' },
    ...commonQuery,
  },
};

const evaluateQuery = { type: 'object', additionalProperties: false, properties: commonQuery };

/** multipartBody declares an upload of named parts (the tables, and for a rating the case). */
const multipartBody = (schema: object) => ({ content: { 'multipart/form-data': { schema } } });

const uploadErrors = errorResponses(400, 404, 413, 415, 422, 500, 503);

const deriveSchema = {
  operationId: 'deriveFindings',
  summary: 'Derive the countable findings from uploaded evidence tables',
  description: `Derives every finding the evidence can give (2.3, 3.2, 5.1–5.7, 6.2, 6.3, 8.1–8.3, 10.1, 10.2), each with every row behind it (table, row, key, why), the items not derived and why, the interpretations of ambiguous clauses each used, and the sha256 and row count of every table: the same JSON as \`credit-policy findings derive --json\`. Nothing is rated or logged; to rate, send the case with the tables to POST /v1/evaluate/evidence.\n\n${design}\n\nExample: \`curl -H "Authorization: Bearer $KEY" -F users=@users.csv -F 员工=@员工.csv -F queries=@queries.csv "$URL/v1/findings/derive?institution=示例农村商业银行&year=2024&usersNeeded=4"\``,
  tags: ['evaluate'],
  querystring: deriveQuery,
  body: multipartBody({
    type: 'object',
    additionalProperties: false,
    description: 'One file part per evidence table supplied.',
    properties: tableProperties,
  }),
  response: { 200: jsonAnswer('The derived findings, with the rows behind each.', ref(ids.findings)), ...uploadErrors },
};

const evaluateEvidenceSchema = {
  operationId: 'evaluateEvidence',
  summary: 'Rate one institution from its case and uploaded evidence tables',
  description: `The case (an EvaluationInput: institution, year, the findings evidence cannot give, and \`assessorOverrides\` — a derived count replaced with a stated reason) goes in the part \`case\`; the evidence tables in parts of their own. The findings are derived, joined with the case's (a typed value that disagrees with the evidence is refused unless overridden), and rated: the answer is the rating, each deduction with the first rows behind it, \`evidence\` saying which findings were derived, asserted or overridden, and \`interpretations\` including those of the derivation. The rating is written to the decision log with the derived findings (rows and file hashes), so \`credit-policy replay\` reproduces it.\n\n${design}\n\nExample: \`curl -H "Authorization: Bearer $KEY" -F case=@case.json -F users=@users.csv -F queries=@queries.csv "$URL/v1/evaluate/evidence?usersNeeded=4"\``,
  tags: ['evaluate'],
  querystring: evaluateQuery,
  body: multipartBody({
    type: 'object',
    additionalProperties: false,
    required: ['case'],
    description: 'The case, then one file part per evidence table supplied.',
    properties: {
      case: {
        type: 'string',
        format: 'binary',
        description:
          'The case as JSON (EvaluationInput, with optional assessorOverrides), as a file part or a text field.',
      },
      ...tableProperties,
    },
  }),
  response: {
    200: jsonAnswer('The rating, with the evidence behind each derived deduction.', ref(ids.result)),
    ...uploadErrors,
  },
};

const queryAjv = createAjv({ coerceTypes: true });
// The multipart body is read as a stream by the route (evidence-upload.ts); only the query is validated here.
const validatorCompiler = ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
  httpPart === 'body' ? () => true : queryAjv.compile(schema);

type DeriveQuery = {
  institution: string;
  year: number;
  region?: string;
  ruleset?: string;
  asOf?: string;
  usersNeeded?: number;
};

/** What the routes share: the options, the service's JSON parser and the deriver of the live rules. */
interface Context extends FindingsOptions {
  parse: (text: string) => ParsedBody;
  deriverOf: () => Promise<Deriver>;
}

/**
 * deriverSource answers the deriver of the live version: a version loaded from a rules folder brings
 * its own; a Rater handed over without one gets one over its own rulesets and policy, with the repo's
 * calendars and header mapping, made on first use.
 */
function deriverSource(live: LiveRules): () => Promise<Deriver> {
  const made = new WeakMap<object, Promise<Deriver>>();
  return () => {
    const v = live.current;
    if (v.deriver) return Promise.resolve(v.deriver);
    let d = made.get(v.rater);
    if (!d) {
      d = deriverFor({ rulesetsDir }, v.rater);
      made.set(v.rater, d);
    }
    return d;
  };
}

/** derive runs the derivation on an upload within the time bound; its problems are positioned at the parts. */
async function derive(
  request: FastifyRequest,
  deriver: Deriver,
  upload: Upload,
  q: DeriveQuery,
  deadline: Deadline,
): Promise<DerivedFindings> {
  // Async, so a ruleset that cannot be selected rejects here too (and the folder still goes).
  const work = (async () =>
    deriver.derive({
      dir: upload.dir,
      displayRoot: upload.dir,
      institution: q.institution,
      year: q.year,
      ...(q.region ? { region: q.region } : {}),
      ...(q.ruleset ? { ruleset: q.ruleset } : {}),
      ...(q.asOf ? { asOf: q.asOf } : {}),
      ...(q.usersNeeded !== undefined ? { usersNeeded: q.usersNeeded } : {}),
    }))();
  // The folder goes once the derivation is over, even when the answer went before it (timeout).
  work.then(upload.remove, upload.remove);
  try {
    const found = await deadline.race(work, 'deriving the findings');
    // The files as the client named them, not as they were saved.
    return {
      ...found,
      tables: found.tables.map((t) => ({
        ...t,
        file: upload.tables.find((u) => u.saved === t.file)?.filename ?? t.file,
      })),
    };
  } catch (err) {
    throw derivationRefusal(request, err, upload);
  }
}

/** derivationRefusal answers a refused upload or ruleset selection as the HTTP error it is; anything else as itself. */
function derivationRefusal(request: FastifyRequest, err: unknown, upload: Upload): unknown {
  if (err instanceof EvidenceError) {
    const problems = evidenceProblems(err.diagnostics, upload.tables);
    request.log.info({ problems: problems.length }, 'evidence refused');
    return new HttpError('invalid-evidence', `the evidence was refused: ${problems[0]?.message}`, problems);
  }
  if (err instanceof SelectionError) {
    const unknown = err.reason === 'unknown-ruleset';
    return new HttpError(unknown ? 'unknown-ruleset' : 'no-ruleset-in-force', err.message, [
      { path: unknown ? '/ruleset' : '/year', message: err.message, ...(err.allowed ? { allowed: err.allowed } : {}) },
    ]);
  }
  return err;
}

/** sendJson answers a large result with plain JSON.stringify (no response schema to serialize by). */
function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.type('application/json; charset=utf-8').serializer(JSON.stringify).send(body);
}

/** POST /v1/findings/derive */
async function deriveFindings(ctx: Context, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const deadline = new Deadline(ctx.timeout);
  const deriver = await ctx.deriverOf();
  const upload = await receiveEvidence(request, deriver.specs, { limit: ctx.bodyLimit });
  const found = await derive(request, deriver, upload, request.query as DeriveQuery, deadline);
  return sendJson(reply, found);
}

/**
 * readCase reads the part `case` of an upload: the case as parsed, and what the derivation needs of it
 * (institution, year, region, ruleset). A refused case removes the upload's folder.
 */
function readCase(ctx: Context, upload: Upload): { value: unknown; about: DeriveQuery } {
  const text = upload.fields.get('case');
  const parsed = text === undefined ? undefined : ctx.parse(text);
  const refuseCase = (message: string, problems = [{ path: '', message }]) => {
    void upload.remove();
    return new HttpError('invalid-input', `the case part was refused: ${message}`, problems);
  };
  if (!parsed) throw refuseCase('the upload has no part named case; send the case (JSON) as -F case=@case.json');
  if (!parsed.ok) throw refuseCase(parsed.message);
  const c = parsed.value as { institution?: { name?: unknown; region?: unknown }; year?: unknown; ruleset?: unknown };
  if (typeof c?.institution?.name !== 'string' || !Number.isInteger(c.year))
    throw refuseCase('the case names institution.name and year (the evidence is of them)', [
      { path: '/institution/name', message: 'with evidence the case still names institution.name and year' },
    ]);
  return {
    value: parsed.value,
    about: {
      institution: c.institution.name,
      year: c.year as number,
      ...(typeof c.institution.region === 'string' ? { region: c.institution.region } : {}),
      ...(typeof c.ruleset === 'string' ? { ruleset: c.ruleset } : {}),
    },
  };
}

/** POST /v1/evaluate/evidence */
async function evaluateEvidence(ctx: Context, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const deadline = new Deadline(ctx.timeout);
  const { rater } = ctx.live.current;
  const deriver = await ctx.deriverOf();
  const key = idempotencyKeyOf(request.headers);
  if (key instanceof Error) return sendError(reply, { error: 'bad-request', message: key.message });
  const upload = await receiveEvidence(request, deriver.specs, { limit: ctx.bodyLimit, fields: ['case'] });
  const theCase = readCase(ctx, upload);
  const q = request.query as Pick<DeriveQuery, 'asOf' | 'usersNeeded'>;
  const found = await derive(request, deriver, upload, { ...theCase.about, ...q }, deadline);
  const merged = mergeFindings(theCase.value, found);
  if (!merged.ok) throw new HttpError('invalid-input', 'the case was refused; see problems', merged.problems);
  const outcome = rater.evaluate(merged.input);
  request.audit = auditOf(theCase.value, outcome);
  if (!outcome.ok) return sendError(reply, refusal(outcome));
  const result = attachEvidence(outcome.result, outcome.ruleset, found, merged.evidence);
  deadline.check('the evaluation');
  const caller = request.caller?.name ?? 'anonymous';
  const answer = await ctx.decisions.once(
    caller,
    key,
    { case: theCase.value, tables: found.tables.map((t) => t.sha256) },
    '/v1/evaluate/evidence',
    async () => {
      await ctx.decisions.record(caller, theCase.value, result, {
        until: deadline.until('recording the rating in the decision log'),
        idempotencyKey: key,
        inputEvidence: { derived: found },
      });
      return result;
    },
  );
  return sendJson(reply, answer);
}

export const findingsRoutes: FastifyPluginAsync<FindingsOptions> = async (app, options) => {
  // Within this plugin only: the other routes still refuse multipart bodies (415).
  await app.register(multipart, { throwFileSizeLimit: true });
  const ctx: Context = { ...options, parse: jsonParser(app), deriverOf: deriverSource(options.live) };
  app.post('/v1/findings/derive', { validatorCompiler, schema: deriveSchema }, (request, reply) =>
    deriveFindings(ctx, request, reply),
  );
  app.post('/v1/evaluate/evidence', { validatorCompiler, schema: evaluateEvidenceSchema }, (request, reply) =>
    evaluateEvidence(ctx, request, reply),
  );
};
