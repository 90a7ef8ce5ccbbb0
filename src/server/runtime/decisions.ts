// Service: every rating the service answers is first written to the decision log (when one is
// configured), under the name of the key that asked. A rating the log cannot hold is not answered.
import type { FastifyBaseLogger } from 'fastify';
import type { DecisionLog } from '../../audit/log.js';
import type { RatingResult } from '../../rating/decorate.js';
import { HttpError } from '../http/errors.js';

/** Decisions: what the routes need of the decision log. */
export interface Decisions {
  /** record resolves once the rating is durable in the log; it rejects with a 503 HttpError when it is not. */
  record(caller: string, input: unknown, result: RatingResult): Promise<void>;
}

/** decisionsOf adapts a decision log; without one, recording is a no-op. */
export function decisionsOf(log: DecisionLog | undefined, logger: FastifyBaseLogger): Decisions {
  if (!log) return { record: async () => undefined };
  return {
    record: async (caller, input, result) => {
      try {
        await log.append({ caller, input, result });
      } catch (err) {
        logger.error(
          { err: { name: (err as Error).name, message: (err as Error).message } },
          'the decision log refused a rating; it was not answered',
        );
        throw new HttpError(
          'decision-log-unavailable',
          'the decision log could not record this rating, so it is not answered; nothing is lost by retrying later',
        );
      }
    },
  };
}
