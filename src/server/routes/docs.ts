// Service: the API described from the same schemas the routes validate and serialize with:
// `GET /openapi.json` (OpenAPI 3.1) and a browsable page at `GET /docs`.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { errorCodes } from '../schemas.js';

const errorTable = Object.entries(errorCodes)
  .map(([code, c]) => `| \`${code}\` | ${c.status} | ${c.meaning} |`)
  .join('\n');

/** describeApi must be registered before the routes, so that it sees every one of them. */
export function describeApi(app: FastifyInstance, version: string): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: '银发〔2018〕102号 rating service',
        version,
        description: `The annual rating of access institutions (银发〔2018〕102号 附件3) as an API. Every response carries an \`x-request-id\` header. A refused request is answered with \`{ error, message, problems? }\`:\n\n| error | status | meaning |\n|---|---|---|\n${errorTable}`,
      },
      tags: [
        { name: 'evaluate', description: 'Rate institutions' },
        { name: 'rulesets', description: 'The rules the service holds' },
        { name: 'health', description: 'Liveness and readiness' },
      ],
    },
    refResolver: {
      // Shared schemas are named after their title (RatingResult, EvaluationInput…).
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.title === 'string' ? json.title.replace(/[^A-Za-z0-9._-]/g, '') : `def-${i}`),
    },
  });
}

export const docsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
};
