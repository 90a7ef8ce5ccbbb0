// Security: API keys. A key is a random secret handed to one named user or service; the service keeps
// only its sha256, and finds the caller by comparing that digest with every stored one in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKey, Scope } from '../../generated/types/security/keys-file.js';
import { readSchema } from '../validation/ajv.js';

/** keysFileSchema: the shape of a keys file (and of the API_KEYS variable), written once in schemas/. */
export const keysFileSchema = readSchema('security/keys-file.schema.json');

const definitions = keysFileSchema.definitions as {
  scope: { enum: Scope[] };
  apiKey: { properties: { name: { pattern: string }; hash: { pattern: string } } };
};

/** scopes: what a key may do (the schema's `Scope`). */
export const scopes: readonly Scope[] = definitions.scope.enum;
export type { ApiKey, Scope };

/** secretPrefix marks a secret as this service's, so secret scanners and people recognise it. */
export const secretPrefix = 'cpk_';

/** namePattern: what a key name may look like (it is logged, so it stays plain). */
export const namePattern = new RegExp(definitions.apiKey.properties.name.pattern);

export const hashPattern = new RegExp(definitions.apiKey.properties.hash.pattern);

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
