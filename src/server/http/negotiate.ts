// Service: which representation of a response a client asked for with its Accept header, among those
// a route declares; a request none of whose acceptable types the route offers is answered 406.
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.js';

/** Representation: the forms a rating can be sent in; JSON first, so a tie goes to JSON. */
export const representations = ['application/json', 'text/html', 'application/pdf'] as const;
export type Representation = (typeof representations)[number];

/**
 * preferred picks, among the offered media types, the one the Accept header ranks highest (the first
 * offered when absent or equal), or undefined when the header accepts none of them.
 */
export function preferred<T extends string = Representation>(
  accept: string | undefined,
  offered: readonly T[] = representations as unknown as readonly T[],
): T | undefined {
  if (!accept?.trim()) return offered[0];
  const ranges = accept
    .split(',')
    .map(parseRange)
    .filter((r) => r !== undefined);
  if (!ranges.length) return offered[0];
  let best: T | undefined;
  let bestQ = 0;
  for (const media of offered) {
    const q = quality(ranges, media);
    if (q > bestQ) [best, bestQ] = [media, q];
  }
  return best;
}

interface Range {
  type: string;
  subtype: string;
  q: number;
}

function parseRange(part: string): Range | undefined {
  const [media, ...params] = part.trim().split(';');
  const [type, subtype] = media.trim().toLowerCase().split('/');
  if (!type || !subtype) return undefined;
  const qParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
  const q = qParam === undefined ? 1 : Number(qParam.slice(2));
  return { type, subtype, q: Number.isFinite(q) ? Math.min(1, Math.max(0, q)) : 0 };
}

/** quality is the q of the most specific range matching a media type (0 when none does). */
function quality(ranges: Range[], media: string): number {
  const [type, subtype] = media.split('/');
  let best = { specificity: -1, q: 0 };
  for (const r of ranges) {
    const specificity =
      r.type === type && r.subtype === subtype
        ? 2
        : r.type === type && r.subtype === '*'
          ? 1
          : r.type === '*' && r.subtype === '*'
            ? 0
            : -1;
    if (specificity > best.specificity) best = { specificity, q: r.q };
  }
  return best.q;
}

type ResponseSchemas = Record<string, { content?: Record<string, unknown> } | unknown>;

/** offeredBy lists the media types a route's success responses declare (JSON for a bare schema). */
export function offeredBy(response: ResponseSchemas | undefined): string[] {
  if (!response) return [];
  const types = new Set<string>();
  for (const [status, r] of Object.entries(response)) {
    if (!/^2/.test(status)) continue;
    const content = (r as { content?: Record<string, unknown> }).content;
    for (const t of content ? Object.keys(content) : ['application/json']) types.add(t);
  }
  return [...types];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** offered: the media types the route answers with, from its response schema (set by useNegotiation). */
    offered?: string[];
  }
}

/**
 * useNegotiation answers 406 before a route runs when its declared media types are all unacceptable
 * to the client; routes with several pick theirs with `preferred(accept, offered)`. Routes without a
 * response schema (the docs pages) are left alone.
 */
export function useNegotiation(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const offered = offeredBy((route.schema as { response?: ResponseSchemas } | undefined)?.response);
    if (offered.length) route.config = { ...(route.config as object), offered };
  });
  app.addHook('preValidation', async (request, reply) => {
    const offered = (request.routeOptions.config as { offered?: string[] }).offered;
    if (!offered?.length) return;
    if (offered.length > 1) reply.header('vary', 'Accept');
    if (preferred(request.headers.accept, offered) === undefined)
      throw new HttpError(
        'not-acceptable',
        `Accept ${JSON.stringify(request.headers.accept)} allows none of what this route answers with: ${offered.join(', ')}`,
      );
  });
}
