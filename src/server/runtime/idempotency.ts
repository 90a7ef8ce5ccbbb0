// Service: Idempotency-Key. A client that sends the same key again (after a timeout, a dropped
// connection) gets the answer that was logged the first time instead of a second decision. Keys are
// held per caller for a day; a second request with the same key waits for the first to finish. With
// several workers the store lives in the primary process (cluster.ts), so a retry may reach any worker.

/** Claim: what a request with an Idempotency-Key may do. */
export type Claim = { kind: 'new' } | { kind: 'done'; answer: unknown } | { kind: 'conflict' };

/** IdempotencyStore: who holds a key, and the answer once it is logged. */
export interface IdempotencyStore {
  /** claim waits while another request holds the key; `conflict` when it came with another body. */
  claim(scope: string, key: string, fingerprint: string): Promise<Claim>;
  /** complete keeps the answer for retries. */
  complete(scope: string, key: string, answer: unknown): void;
  /** release gives the key up (nothing was logged), letting the next request with it try. */
  release(scope: string, key: string): void;
}

interface Held {
  fingerprint: string;
  answer?: unknown;
  done: boolean;
  expires: number;
  waiters: (() => void)[];
}

/** memoryIdempotencyStore keeps keys in this process, at most `max` of them, each for `ttlMs`. */
export function memoryIdempotencyStore(max = 10_000, ttlMs = 24 * 3600_000): IdempotencyStore {
  const held = new Map<string, Held>();
  const id = (scope: string, key: string) => `${scope}\u0000${key}`;
  const evict = () => {
    const now = Date.now();
    for (const [k, h] of held) {
      if (held.size <= max && h.expires > now) break;
      if (h.done) held.delete(k);
    }
  };
  const store: IdempotencyStore = {
    async claim(scope, key, fingerprint) {
      for (;;) {
        const h = held.get(id(scope, key));
        if (!h || (h.done && h.expires < Date.now())) {
          held.set(id(scope, key), { fingerprint, done: false, expires: Date.now() + ttlMs, waiters: [] });
          evict();
          return { kind: 'new' };
        }
        if (h.fingerprint !== fingerprint) return { kind: 'conflict' };
        if (h.done) return { kind: 'done', answer: h.answer };
        await new Promise<void>((resolve) => h.waiters.push(resolve));
      }
    },
    complete(scope, key, answer) {
      const h = held.get(id(scope, key));
      if (!h) return;
      h.done = true;
      h.answer = answer;
      for (const w of h.waiters.splice(0)) w();
    },
    release(scope, key) {
      const h = held.get(id(scope, key));
      if (!h || h.done) return;
      held.delete(id(scope, key));
      for (const w of h.waiters.splice(0)) w();
    },
  };
  return store;
}

/** idempotencyKeyOf reads the header: 1 to 255 visible ASCII characters, or undefined when absent. */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined | Error {
  const raw = headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (Array.isArray(raw) && raw.length > 1) return new Error('send one Idempotency-Key header, not several');
  if (!/^[\x21-\x7e]{1,255}$/.test(value))
    return new Error('Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID, say)');
  return value;
}
