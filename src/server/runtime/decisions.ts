// Service: every rating the service answers is first written to the decision log, under the name of
// the key that asked. A rating the log cannot hold is not answered; a rating the log holds is answered:
// the request's time bound can only withdraw decisions still waiting for their write, never one
// already being written. With an Idempotency-Key, a retry gets the logged answer again.
import type { FastifyBaseLogger } from 'fastify';
import { canonicalHash } from '../../audit/canonical.js';
import type { Decision, DecisionLog, Until } from '../../audit/log.js';
import type { RatingResult } from '../../rating/decorate.js';
import { HttpError } from '../http/errors.js';
import { type IdempotencyStore, memoryIdempotencyStore } from './idempotency.js';

/** RecordOptions: the request's time bound and its Idempotency-Key. */
export interface RecordOptions {
  until?: Until;
  idempotencyKey?: string;
  /** For a rating made from evidence: the derived findings it rated, so that a replay reproduces it. */
  inputEvidence?: Decision['inputEvidence'];
  /** canonicalJson(result) as UTF-8, when the route has it (it answers with these bytes): not serialized twice. */
  resultJson?: Buffer;
}

/** Decisions: what the routes need of the decision log. */
export interface Decisions {
  /** Whether ratings are logged (a route then answers with the logged text of the result). */
  readonly logging: boolean;
  /** record resolves once the rating is durable in the log; it rejects with a 503 HttpError when it is not. */
  record(caller: string, input: unknown, result: RatingResult, options?: RecordOptions): Promise<void>;
  /** recordAll logs every rating of a batch in one write, or none of them. */
  recordAll(caller: string, items: { input: unknown; result: RatingResult }[], options?: RecordOptions): Promise<void>;
  /**
   * once runs `work` (which logs and returns the answer) once per caller and Idempotency-Key: a retry
   * with the same key and body gets the first answer back; with another body it is refused (422).
   */
  once<T>(caller: string, key: string | undefined, body: unknown, route: string, work: () => Promise<T>): Promise<T>;
}

/** decisionsOf adapts a decision log; without one, recording is a no-op. */
export function decisionsOf(
  log: DecisionLog | undefined,
  logger: FastifyBaseLogger,
  store: IdempotencyStore = memoryIdempotencyStore(),
): Decisions {
  const refused = (err: unknown): never => {
    if (err instanceof HttpError) throw err;
    logger.error(
      { err: { name: (err as Error).name, message: (err as Error).message } },
      'the decision log refused a rating; it was not answered',
    );
    throw new HttpError(
      'decision-log-unavailable',
      'the decision log could not record this rating, so it is not answered; nothing is lost by retrying later',
    );
  };
  return {
    logging: log !== undefined,
    record: async (caller, input, result, options = {}) => {
      if (!log) return;
      const evidence = options.inputEvidence ? { inputEvidence: options.inputEvidence } : {};
      const text = options.resultJson === undefined ? {} : { resultJson: options.resultJson };
      await log
        .append({ caller, input, result, ...idem(options), ...evidence, ...text }, { until: options.until })
        .catch(refused);
    },
    recordAll: async (caller, items, options = {}) => {
      if (!log || !items.length) return;
      await log
        .appendAll(
          items.map((i) => ({ caller, input: i.input, result: i.result, ...idem(options) })),
          { until: options.until },
        )
        .catch(refused);
    },
    once: async (caller, key, body, route, work) => {
      if (key === undefined) return work();
      const fingerprint = canonicalHash({ route, body });
      const claim = await store.claim(caller, key, fingerprint);
      if (claim.kind === 'done') return claim.answer as Awaited<ReturnType<typeof work>>;
      if (claim.kind === 'conflict')
        throw new HttpError(
          'idempotency-key-reused',
          `the Idempotency-Key ${JSON.stringify(key)} was sent before with another request; use a new key for a new request`,
        );
      try {
        const answer = await work();
        store.complete(caller, key, answer);
        return answer;
      } catch (err) {
        store.release(caller, key);
        throw err;
      }
    },
  };
}

function idem(options: RecordOptions): { idempotencyKey?: string } {
  return options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey };
}
