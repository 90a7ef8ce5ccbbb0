// Service: who may call what. Every route needs an API key with a scope, except those named public
// below; the scope of each route is decided here, in one table, so a new route is never open by
// accident. A key is read from `Authorization: Bearer <key>` or `x-api-key: <key>`.
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { ApiKey, Scope } from '../../security/api-keys.js';
import type { KeyStore } from '../../security/key-store.js';
import { HttpError } from './errors.js';
import { errorResponses } from './schemas.js';

/** Access: a scope a key must hold, `public` (no key), or `any` (any valid key: unknown routes). */
export type Access = Scope | 'public' | 'any';

/** DocsAccess: whether /docs and /openapi.json are public, need the `read` scope, or are not served. */
export type DocsAccess = 'public' | 'private' | 'off';

declare module 'fastify' {
  interface FastifyRequest {
    /** caller is the key that authenticated the request (null on public routes). */
    caller: ApiKey | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

/** accessFor is the table of who may call which route. */
export function accessFor(method: string, url: string, docs: DocsAccess): Access {
  if (url === '/healthz' || url === '/readyz') return 'public';
  if (url === '/openapi.json' || url === '/docs' || url.startsWith('/docs/'))
    return docs === 'public' ? 'public' : 'read';
  if (url.startsWith('/v1/admin/')) return 'admin';
  if (
    method === 'POST' &&
    ['/v1/evaluate', '/v1/evaluate/batch', '/v1/evaluate/evidence', '/v1/findings/derive'].includes(url)
  )
    return 'evaluate';
  return 'read';
}

/** securitySchemes: how the API description names the two ways of sending a key. */
export const securitySchemes = {
  bearer: { type: 'http', scheme: 'bearer', description: 'An API key made with `credit-policy keys add`.' },
  apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The same API key, in a header of its own.' },
};

const realm = 'Bearer realm="credit-policy"';
const longestKey = 256;

/** presentedKey reads the key a request carries; two different keys, or a malformed header, are refused. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  const header = request.headers['x-api-key'];
  let bearer: string | undefined;
  if (auth !== undefined) {
    const m = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(auth);
    if (!m) throw unauthorized('the Authorization header must be "Bearer <key>"', 'invalid_request');
    bearer = m[1];
  }
  if (header !== undefined && typeof header !== 'string')
    throw unauthorized('send one x-api-key header, not several', 'invalid_request');
  if (bearer !== undefined && header !== undefined && bearer !== header)
    throw unauthorized('the Authorization and x-api-key headers carry different keys', 'invalid_request');
  return bearer ?? header;
}

function unauthorized(message: string, error?: 'invalid_request' | 'invalid_token'): HttpError {
  const e = new HttpError('unauthorized', message);
  (e as HttpError & { challenge: string }).challenge = error ? `${realm}, error="${error}"` : realm;
  return e;
}

/**
 * useAuth gives every route its access (onRoute: the table above, and 401/403/429/503 in its API
 * description) and checks the key of every request before anything else reads it (onRequest).
 */
export function useAuth(app: FastifyInstance, options: { keys: KeyStore; docs: DocsAccess }): void {
  app.decorateRequest('caller', null);
  app.addHook('onRoute', (route: RouteOptions) => {
    const url = route.url ?? '';
    const method = Array.isArray(route.method) ? route.method[0] : route.method;
    const access = route.config?.access ?? accessFor(method, url, options.docs);
    route.config = { ...route.config, access };
    const schema = route.schema as
      | { hide?: boolean; response?: Record<string, unknown>; security?: unknown }
      | undefined;
    if (!schema?.response || schema.hide || access === 'public') return;
    schema.security = [{ bearer: [] }, { apiKey: [] }];
    // A route reading a body can also be cut at the request deadline (parsers.ts).
    const withBody = (schema as { body?: unknown }).body !== undefined ? errorResponses(408) : {};
    schema.response = { ...schema.response, ...withBody, ...errorResponses(401, 403, 429, 503) };
  });

  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config?.access ?? 'any';
    if (access === 'public') return;
    try {
      const secret = presentedKey(request);
      if (secret === undefined)
        throw unauthorized('this route needs an API key: send "Authorization: Bearer <key>" or "x-api-key: <key>"');
      const key = secret.length <= longestKey ? options.keys.ring.find(secret) : undefined;
      if (!key) throw unauthorized('the API key is not one this service holds', 'invalid_token');
      request.caller = key;
      if (access !== 'any' && !key.scopes.includes(access))
        throw new HttpError(
          'forbidden',
          `the key "${key.name}" lacks the scope "${access}" that ${request.method} ${request.routeOptions.url} needs; it has: ${key.scopes.join(', ')}`,
        );
    } catch (err) {
      const challenge = (err as { challenge?: string }).challenge;
      if (challenge) reply.header('www-authenticate', challenge);
      throw err;
    }
  });
}
