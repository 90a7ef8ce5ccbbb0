// Service: the API described from the same schemas the routes validate and serialize with:
// `GET /openapi.json` (OpenAPI 3.1) and a browsable page at `GET /docs`, which is served with a strict
// Content-Security-Policy and the usual security headers (its scripts and styles are all its own).
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { securitySchemes } from '../http/auth.js';
import { forGenerators } from '../http/openapi.js';
import { errorCodes } from '../http/schemas.js';

const errorTable = Object.entries(errorCodes)
  .map(([code, c]) => `| \`${code}\` | ${c.status} | ${c.meaning} |`)
  .join('\n');

/** docsPolicy: the page loads only its own scripts, styles and the API description; nothing may frame it. */
export const docsPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** docsHeaders: set on every response under /docs. */
export const docsHeaders = {
  'content-security-policy': docsPolicy,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** describeApi must be registered before the routes, so that it sees every one of them. */
export function describeApi(app: FastifyInstance, version: string): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: '银发〔2018〕102号 rating service',
        version,
        // The package is private (package.json grants no licence); said so, for tools that ask.
        license: { name: 'Proprietary: no licence granted', identifier: 'LicenseRef-Proprietary' },
        description: `The annual rating of access institutions (银发〔2018〕102号 附件3) as an API. Every route but /healthz, /readyz and this description needs an API key (\`Authorization: Bearer <key>\` or \`x-api-key\`) with the scope the route names: \`evaluate\`, \`read\` or \`admin\`. Every response carries an \`x-request-id\` header. A refused request is answered with \`{ error, message, problems? }\`:\n\n| error | status | meaning |\n|---|---|---|\n${errorTable}`,
      },
      // Relative: the service that serves this description; clients set their own base URL.
      servers: [{ url: '/', description: 'The service that serves this description' }],
      components: { securitySchemes: securitySchemes as never },
      tags: [
        { name: 'evaluate', description: 'Rate institutions (scope evaluate)' },
        { name: 'rulesets', description: 'The rules the service holds (scope read)' },
        { name: 'obligations', description: 'Reporting deadlines (scope read)' },
        { name: 'admin', description: 'Which rules are live, and reloading them (read; reload needs admin)' },
        { name: 'health', description: 'Liveness and readiness (public)' },
      ],
    },
    refResolver: {
      // Shared schemas are named after their title (RatingResult, EvaluationInput…).
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.title === 'string' ? json.title.replace(/[^A-Za-z0-9._-]/g, '') : `def-${i}`,
    },
    transformObject: (documents) =>
      forGenerators(
        withExamples(
          typedBatchBody(mapDiscriminators((documents as { openapiObject: Record<string, unknown> }).openapiObject)),
        ),
      ),
  });
}

type Json = Record<string, unknown>;

/** example is one of the repo's examples/*.json, when the service runs from a checkout that has them. */
function example(name: string): unknown {
  try {
    return JSON.parse(readFileSync(new URL(`../../../examples/${name}.json`, import.meta.url), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * typedBatchBody describes the batch body as what it is: a JSON array of evaluation inputs, or NDJSON
 * text. The route itself validates each element on its own (one bad element does not refuse the
 * others), so its validation schema cannot say this; the description can.
 */
function typedBatchBody(doc: Json): Json {
  const content = (doc.paths as Record<string, Record<string, { requestBody?: { content?: Record<string, Json> } }>>)?.[
    '/v1/evaluate/batch'
  ]?.post?.requestBody?.content;
  if (!content) return doc;
  content['application/json'] = {
    schema: {
      type: 'array',
      items: { $ref: '#/components/schemas/EvaluationInput' },
      description: 'Evaluation inputs; each element is validated on its own, and refused alone.',
    },
  };
  content['application/x-ndjson'] = {
    schema: { type: 'string', description: 'One EvaluationInput as JSON per line.' },
  };
  return doc;
}

/** withExamples puts a worked case in the description of the rating routes, for "Try it out" and for test generators. */
function withExamples(doc: Json): Json {
  const paths = doc.paths as
    | Record<string, Record<string, { requestBody?: { content?: Record<string, Json> } }>>
    | undefined;
  const typical = example('typical-bank');
  const clean = example('clean-bank');
  if (!typical || !clean) return doc;
  const json = (path: string) => paths?.[path]?.post?.requestBody?.content?.['application/json'];
  const one = json('/v1/evaluate');
  if (one) one.example = typical;
  const batch = json('/v1/evaluate/batch');
  if (batch) batch.example = [clean, typical];
  return doc;
}

/**
 * mapDiscriminators writes out the `mapping` of every discriminator. The rule schemas use ajv's
 * discriminator (the `kind` values), while OpenAPI reads an unmapped discriminator as naming the
 * component, so `kind: bonus` would not match `ScoringTable-bonusRule`. A discriminator whose values
 * cannot all be found is dropped: it only helps tools choose a branch faster.
 */
export function mapDiscriminators(doc: Json): Json {
  const components = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  const resolve = (ref: string) =>
    ref.startsWith('#/components/schemas/') ? components[ref.slice('#/components/schemas/'.length)] : undefined;
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    const o = node as Json;
    const d = o.discriminator as { propertyName?: string; mapping?: Record<string, string> } | undefined;
    if (d?.propertyName && !d.mapping && Array.isArray(o.oneOf)) {
      const mapping: Record<string, string> = {};
      const complete = (o.oneOf as Json[]).every((branch) => {
        const ref = branch.$ref as string | undefined;
        const target = ref ? resolve(ref) : undefined;
        const p = (target?.properties as Record<string, Json> | undefined)?.[d.propertyName!];
        const values = p ? ('const' in p ? [p.const] : Array.isArray(p.enum) ? p.enum : []) : [];
        for (const v of values) if (typeof v === 'string') mapping[v] = ref!;
        return values.length > 0;
      });
      if (complete) o.discriminator = { ...d, mapping };
      else delete o.discriminator;
    }
    Object.values(o).forEach(visit);
  };
  visit(doc);
  return doc;
}

export const docsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, validatorUrl: null, persistAuthorization: false },
    staticCSP: docsPolicy,
    uiHooks: {
      onRequest: (_request, reply, done) => {
        reply.headers(docsHeaders);
        done();
      },
    },
  });
};
