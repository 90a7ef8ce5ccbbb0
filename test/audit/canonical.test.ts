// Canonical JSON: the form hashes and signatures are made over (RFC 8785 style).
import { describe, expect, it } from 'vitest';
import { canonicalHash, canonicalJson } from '../../src/audit/canonical.js';

describe('canonicalJson', () => {
  it.each([
    [
      'sorts keys at every depth and drops whitespace',
      { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } },
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    ],
    [
      'writes numbers as ECMAScript does (RFC 8785)',
      [1.0, 0.1 + 0.2, 1e21, 1e-7, -0, 100, 99.4],
      '[1,0.30000000000000004,1e+21,1e-7,0,100,99.4]',
    ],
    [
      'escapes strings as JSON.stringify does and keeps the rest as is',
      { s: '扣0.2分 "q" \\ \n \u0001 €' },
      '{"s":"扣0.2分 \\"q\\" \\\\ \\n \\u0001 €"}',
    ],
    [
      'sorts keys by UTF-16 code units, as RFC 8785 says',
      { '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '1': 4, ö: 5 },
      '{"\\r":2,"1":4,"ö":5,"€":1,"😀":3}',
    ],
    [
      'leaves out undefined members, and writes undefined in arrays as null',
      { a: undefined, b: [undefined] },
      '{"b":[null]}',
    ],
  ])('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('gives the same hash whatever the key order', () => {
    expect(canonicalHash({ year: 2023, institution: { name: 'x', region: 'y' } })).toBe(
      canonicalHash({ institution: { region: 'y', name: 'x' }, year: 2023 }),
    );
    expect(canonicalHash({ a: 1 })).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow('NaN has no JSON form');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalJson(loop)).toThrow('contains itself');
  });
});
