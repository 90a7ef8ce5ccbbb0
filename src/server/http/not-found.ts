// Service: requests no route answers. A path the service has, asked with another method, is answered
// 405 with the methods it does have in `Allow`; anything else is 404. Both in the service's error body.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './errors.js';

/** templatePattern turns a route template (`/v1/rulesets/:id`, `/docs/static/*`) into a matcher. */
export function templatePattern(url: string): RegExp {
  const source = url
    .split(/(:[A-Za-z0-9_]+|\*)/)
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** useNotFound records every route's methods and answers the requests none of them take. */
export function useNotFound(app: FastifyInstance): void {
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  app.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map((m) => m.toUpperCase());
    const pattern = templatePattern(route.url ?? '');
    const known = routes.find((r) => r.pattern.source === pattern.source);
    const entry = known ?? { pattern, methods: new Set<string>() };
    for (const m of methods) entry.methods.add(m);
    if (methods.includes('GET')) entry.methods.add('HEAD');
    if (!known) routes.push(entry);
  });
  const answer = (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => [...r.methods]))].sort();
    // A route that takes this method and still found nothing (a missing static file) is a 404.
    if (allowed.length && !allowed.includes(request.method)) {
      reply.header('allow', allowed.join(', '));
      return sendError(reply, {
        error: 'method-not-allowed',
        message: `${request.method} is not a method of ${path}; it takes ${allowed.join(', ')}`,
      });
    }
    return sendError(reply, { error: 'not-found', message: `no route ${request.method} ${path}` });
  };
  // Answered before any body is read, so an unrouted request is never refused for its body instead.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return answer(request, reply);
  });
  app.setNotFoundHandler(answer);
}
