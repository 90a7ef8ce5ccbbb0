// Security: the keys a running service accepts, and where they came from. A keys file can be read again
// (on SIGHUP or an admin reload) to add or revoke keys without a restart; a bad file keeps the old set.
import { KeyRing, type ApiKey } from './api-keys.js';
import { KeysError, parseKeys, readKeysFile } from './keys-file.js';

/** KeySource: a keys file, the API_KEYS variable, a key made at startup, or keys handed over in code. */
export type KeySource = { kind: 'file'; path: string } | { kind: 'env' } | { kind: 'generated' } | { kind: 'given' };

/** KeyStore holds the current KeyRing; requests read `ring` each time, so a reload takes effect at once. */
export class KeyStore {
  private current: KeyRing;

  constructor(
    keys: readonly ApiKey[],
    readonly source: KeySource = { kind: 'given' },
  ) {
    // Keys handed over in code get the checks a keys file gets.
    const { diagnostics } = parseKeys(JSON.stringify({ keys }), 'the keys given');
    if (diagnostics.length) throw new KeysError('the keys given are refused', diagnostics);
    this.current = new KeyRing(keys);
  }

  get ring(): KeyRing {
    return this.current;
  }

  /** fromFile reads a keys file; an empty file is allowed (no one may call until keys are added). */
  static async fromFile(path: string): Promise<KeyStore> {
    return new KeyStore(await readKeysFile(path), { kind: 'file', path });
  }

  /** fromText reads the API_KEYS variable: the same document as a keys file. */
  static fromText(text: string, label = 'API_KEYS'): KeyStore {
    const { keys, diagnostics } = parseKeys(text, label);
    if (!keys) throw new KeysError(`${label} is refused`, diagnostics);
    return new KeyStore(keys, { kind: 'env' });
  }

  /** reload reads the keys file again and swaps the set; only a file source can change. */
  async reload(): Promise<{ changed: boolean; keys: number }> {
    if (this.source.kind !== 'file') return { changed: false, keys: this.current.size };
    const keys = await readKeysFile(this.source.path);
    const before = JSON.stringify(this.current.keys);
    this.current = new KeyRing(keys);
    return { changed: before !== JSON.stringify(keys), keys: keys.length };
  }
}
