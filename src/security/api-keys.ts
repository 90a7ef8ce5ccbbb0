// Security: API keys. A key is a random secret handed to one named user or service; the service keeps
// only its sha256, and finds the caller by comparing that digest with every stored one in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** scopes: what a key may do. `evaluate` rates; `read` reads rules, diffs, schemas, obligations and status; `admin` reloads. */
export const scopes = ['evaluate', 'read', 'admin'] as const;
export type Scope = (typeof scopes)[number];

/** ApiKey: one caller, as stored: a name that says who, the digest of the secret, and what it may do. */
export interface ApiKey {
  /** One real user or service (`alice@branch-hz`, `batch-runner`); logged as the caller. */
  name: string;
  /** `sha256:` and 64 hex digits: the digest of the secret. */
  hash: string;
  scopes: Scope[];
  /** Requests this key may make per rate-limit window (the service's default when absent). */
  rateLimit?: number;
  /** ISO 8601 time the key was made. */
  created?: string;
}

/** secretPrefix marks a secret as this service's, so secret scanners and people recognise it. */
export const secretPrefix = 'cpk_';

/** namePattern: what a key name may look like (it is logged, so it stays plain). */
export const namePattern = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export const hashPattern = /^sha256:[0-9a-f]{64}$/;

/**
 * generateSecret makes a new secret: 32 random bytes, base64url. With 256 bits of entropy an unsalted
 * sha256 is enough to store it (there is no dictionary to try), and it costs microseconds per request
 * where scrypt would cost tens of milliseconds.
 */
export function generateSecret(): string {
  return secretPrefix + randomBytes(32).toString('base64url');
}

/** hashSecret is the stored form of a secret. */
export function hashSecret(secret: string): string {
  return `sha256:${digest(secret).toString('hex')}`;
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** KeyRing: a validated set of keys, searched in constant time. */
export class KeyRing {
  private readonly entries: { key: ApiKey; digest: Buffer }[];

  constructor(readonly keys: readonly ApiKey[]) {
    this.entries = keys.map((key) => ({ key, digest: Buffer.from(key.hash.slice('sha256:'.length), 'hex') }));
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * find returns the key whose digest is that of `secret`. Every stored digest is compared, with
   * timingSafeEqual and without stopping at a match, so the time taken says nothing about the keys.
   */
  find(secret: string): ApiKey | undefined {
    const presented = digest(secret);
    let found: ApiKey | undefined;
    for (const e of this.entries) if (timingSafeEqual(presented, e.digest) && !found) found = e.key;
    return found;
  }
}
