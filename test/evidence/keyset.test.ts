// KeySet, the duplicate-key check's set: it answers as a JavaScript Set does, through its growth.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeySet } from '../../src/evidence/keyset.js';

describe('KeySet', () => {
  it('says a key is new exactly when a Set does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 4 })), {
          maxLength: 400,
        }),
        (keys) => {
          const set = new Set<string>();
          const ks = new KeySet();
          for (const k of keys) {
            expect(ks.add(k)).toBe(!set.has(k));
            set.add(k);
          }
          expect(ks.size).toBe(set.size);
        },
      ),
    );
  });

  it('keeps 200,000 keys exactly (growth of its buffers and table)', () => {
    const ks = new KeySet();
    let fresh = 0;
    for (let i = 0; i < 200_000; i++) if (ks.add(`Q${i}`)) fresh++;
    expect(fresh).toBe(200_000);
    for (let i = 0; i < 200_000; i += 997) if (ks.add(`Q${i}`)) fresh++;
    expect(fresh).toBe(200_000);
    expect(ks.add('Q200000')).toBe(true);
    expect(ks.add('')).toBe(true);
    expect(ks.add('')).toBe(false);
    expect(ks.add('征信')).toBe(true);
    expect(ks.size).toBe(200_003);
  });
});
