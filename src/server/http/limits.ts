// Service: the bounds that keep one caller, or too many, from taking the service down: per-key rate
// limits (429), load shedding when the event loop, memory or requests in flight pass their bounds (503),
// and a time bound on each request's evaluation work (503). Each answer carries Retry-After.
import type { Until } from '../../audit/withdraw.js';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { HttpError, retryAfterSeconds } from './errors.js';

/** RateLimitOptions: requests per key per window (a key's own `rateLimit` overrides `max`). */
export interface RateLimitOptions {
  max: number;
  windowMs: number;
}

/** PressureOptions: when to shed load; 0 turns a bound off. */
export interface PressureOptions {
  /** Mean event-loop delay over a sample, in ms (1000). */
  maxEventLoopDelay?: number;
  /** Heap in use, in bytes (0: off). */
  maxHeapUsedBytes?: number;
  /** Resident memory, in bytes (0: off). */
  maxRssBytes?: number;
  /** Requests being handled at once, NDJSON streams included (256). */
  maxInFlight?: number;
  /** Requests one API key may have in flight at once, bodies still arriving included (32); 0: no bound. */
  maxInFlightPerKey?: number;
  /** Seconds a shed request is told to wait (5). */
  retryAfter?: number;
}

export const defaultRateLimit: RateLimitOptions = { max: 600, windowMs: 60_000 };
export const defaultPressure: Required<PressureOptions> = {
  maxEventLoopDelay: 1000,
  maxHeapUsedBytes: 0,
  maxRssBytes: 0,
  maxInFlight: 256,
  maxInFlightPerKey: 32,
  retryAfter: retryAfterSeconds,
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Never shed this route (liveness). */
    alwaysAnswer?: boolean;
    /** Not counted among the requests in flight (readiness): never refused because callers hold the slots. */
    uncounted?: boolean;
  }
}

/**
 * usePressure sheds load before any work is done: @fastify/under-pressure for the event loop and
 * memory, and a count of the requests in flight. /healthz is always answered.
 */
export function usePressure(app: FastifyInstance, options: PressureOptions): void {
  const o = { ...defaultPressure, ...options };
  const sampleInterval = 500;
  // The first samples measure startup (schemas compiled, routes built), not load: they are not acted on.
  let warmAt = Infinity;
  app.addHook('onReady', async () => {
    warmAt = performance.now() + 2 * sampleInterval;
  });
  app.register(underPressure, {
    maxEventLoopDelay: o.maxEventLoopDelay,
    maxHeapUsedBytes: o.maxHeapUsedBytes,
    maxRssBytes: o.maxRssBytes,
    sampleInterval,
    // Resolving lets the request through; rejecting hands the refusal to the error handler.
    pressureHandler: async (request, reply, type, value) => {
      if (request.routeOptions.config?.alwaysAnswer || performance.now() < warmAt) return;
      reply.header('retry-after', o.retryAfter);
      throw new HttpError(
        'overloaded',
        `the service is shedding load (${pressureOf(type, value, o)}); retry in ${o.retryAfter} s`,
      );
    },
  });
  if (o.maxInFlight <= 0) return;
  let inFlight = 0;
  const counted = new WeakSet<object>();
  const release = async (request: object) => {
    if (counted.delete(request)) inFlight--;
  };
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.alwaysAnswer || request.routeOptions.config?.uncounted) return;
    if (inFlight >= o.maxInFlight) {
      reply.header('retry-after', o.retryAfter);
      throw new HttpError(
        'overloaded',
        `the service is shedding load (${inFlight} requests in flight, its bound); retry in ${o.retryAfter} s`,
      );
    }
    inFlight++;
    counted.add(request);
  });
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
}

/**
 * useKeyShare bounds the requests one API key has in flight (its share of `maxInFlight`), so one
 * caller holding connections open, with slow bodies or streams, cannot take every slot: past its
 * share a key is refused with 429 at once, before its body is read. Registered after useAuth.
 */
export function useKeyShare(app: FastifyInstance, options: PressureOptions): void {
  const o = { ...defaultPressure, ...options };
  if (o.maxInFlightPerKey <= 0) return;
  const perKey = new Map<string, number>();
  const held = new WeakMap<object, string>();
  const release = async (request: object) => {
    const name = held.get(request);
    if (name === undefined) return;
    held.delete(request);
    const n = (perKey.get(name) ?? 1) - 1;
    if (n <= 0) perKey.delete(name);
    else perKey.set(name, n);
  };
  app.addHook('onRequest', async (request, reply) => {
    const name = request.caller?.name;
    if (name === undefined) return;
    const n = perKey.get(name) ?? 0;
    if (n >= o.maxInFlightPerKey) {
      reply.header('retry-after', 1);
      throw new HttpError(
        'rate-limited',
        `the key "${name}" has ${n} requests in flight, its share of the service; wait for one to finish`,
      );
    }
    perKey.set(name, n + 1);
    held.set(request, name);
  });
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
}

function pressureOf(type: string, value: number | undefined, o: Required<PressureOptions>): string {
  const v = Math.round(value ?? 0);
  if (type === 'eventLoopDelay') return `event-loop delay ${v} ms, over its bound of ${o.maxEventLoopDelay} ms`;
  if (type === 'heapUsedBytes')
    return `heap ${Math.round(v / 2 ** 20)} MiB, over its bound of ${Math.round(o.maxHeapUsedBytes / 2 ** 20)} MiB`;
  if (type === 'rssBytes')
    return `resident memory ${Math.round(v / 2 ** 20)} MiB, over its bound of ${Math.round(o.maxRssBytes / 2 ** 20)} MiB`;
  return type;
}

/** useRateLimit limits each key to `max` requests per window; public routes and refused keys are not counted. */
export function useRateLimit(app: FastifyInstance, options: RateLimitOptions): void {
  app.register(rateLimit, {
    global: true,
    max: (request) => request.caller?.rateLimit ?? options.max,
    timeWindow: options.windowMs,
    keyGenerator: (request) => request.caller?.name ?? '',
    allowList: (request) => request.caller === null,
    errorResponseBuilder: (request, context) =>
      new HttpError(
        'rate-limited',
        `the key "${request.caller?.name}" may make ${context.max} requests per ${Math.round(options.windowMs / 1000)} s; retry in ${context.after}`,
      ),
  });
}

/** Deadline: the time bound of one request's evaluation work. */
export class Deadline {
  private readonly end: number;

  constructor(readonly ms: number) {
    this.end = performance.now() + ms;
  }

  get expired(): boolean {
    return performance.now() > this.end;
  }

  /** check throws a 503 `timeout` once the bound is passed. */
  check(what: string): void {
    if (this.expired) throw this.error(what);
  }

  /** race waits for work that is not synchronous (a decision-log write), but not past the bound. */
  async race<T>(work: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.error(what)), Math.max(0, this.end - performance.now()));
    });
    try {
      return await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * until is the bound with the `timeout` error it ends in. Given to the decision log, it withdraws a
   * decision still waiting for its write; one already being written is waited for.
   */
  until(what: string): Until {
    return { at: this.end, reason: () => this.error(what) };
  }

  private error(what: string): HttpError {
    return new HttpError(
      'timeout',
      `${what} took longer than ${this.ms} ms, the bound of one request; nothing of it was answered`,
    );
  }
}

/** yieldToLoop lets other requests run between the elements of a long batch. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
