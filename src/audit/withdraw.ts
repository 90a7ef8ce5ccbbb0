// Audit stage: decisions withdrawn at their request's time bound while they still wait for their write,
// under one timer for all that wait (an AbortController and a timer per request cost more than the rest
// of its logging but the hash).

/** Until: a time bound (performance.now() milliseconds) and the error a decision withdrawn at it is refused with. */
export interface Until {
  at: number;
  reason: () => Error;
}

/** Withdrawals: the timer that withdraws waiting jobs past their bound. */
export interface Withdrawals<J> {
  /** added: a job joined the queue. */
  added(job: J): void;
  stop(): void;
}

/**
 * withdrawals watches `queue` (jobs waiting for their write, in the order they came): past a job's
 * bound, `withdraw` takes it out and refuses it. The timer is set for the earliest bound that waits.
 */
export function withdrawals<J extends { until?: Until }>(
  queue: J[],
  withdraw: (job: J, reason: Error) => void,
): Withdrawals<J> {
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Number.POSITIVE_INFINITY;
  const set = (at: number) => {
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(fire, Math.max(0, at - performance.now()));
    timer.unref();
  };
  const fire = () => {
    timer = undefined;
    timerAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const job of [...queue]) {
      if (!job.until) continue;
      if (job.until.at <= now) withdraw(job, job.until.reason());
      else next = Math.min(next, job.until.at);
    }
    if (next < Number.POSITIVE_INFINITY) set(next);
  };
  return {
    added: (job) => {
      if (job.until && job.until.at < timerAt) set(job.until.at);
    },
    stop: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      timerAt = Number.POSITIVE_INFINITY;
    },
  };
}
