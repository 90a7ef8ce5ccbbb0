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

  it('sorts each object by its own keys, when it reuses the order of a shape seen before', () => {
    // Twice over: the second time the order comes from what the first call kept.
    for (let round = 0; round < 2; round++) {
      expect(
        canonicalJson([
          { b: 1, a: 2 },
          { b: 3, a: 4, c: 5 },
          { b: 6, a: 7 },
        ]),
      ).toBe('[{"a":2,"b":1},{"a":4,"b":3,"c":5},{"a":7,"b":6}]');
      // Two key lists that read the same when joined with NUL: each is still sorted by its own keys.
      expect(canonicalJson({ z: 1, 'a\u0000b': 2 })).toBe('{"a\\u0000b":2,"z":1}');
      expect(canonicalJson({ 'z\u0000a': 1, b: 2 })).toBe('{"b":2,"z\\u0000a":1}');
    }
  });

  it('writes a frozen value kept from before as it wrote it the first time', () => {
    const part = Object.freeze({ clause: Object.freeze({ text: '第十七条 扣0.2分', at: [1, 2] }), id: '1.1' });
    const first = canonicalJson({ b: part, a: 1 });
    expect(canonicalJson({ b: part, a: 1 })).toBe(first);
    expect(first).toBe('{"a":1,"b":{"clause":{"at":[1,2],"text":"第十七条 扣0.2分"},"id":"1.1"}}');
  });

  it('gives the same hash whatever the key order', () => {
    expect(canonicalHash({ year: 2023, institution: { name: 'x', region: 'y' } })).toBe(
      canonicalHash({ institution: { region: 'y', name: 'x' }, year: 2023 }),
    );
    expect(canonicalHash({ a: 1 })).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('reuses the text of deep-frozen values only: a value that can change is written again each time', () => {
    const shared = Object.freeze({ b: Object.freeze(['扣0.2分'.repeat(5)]), a: 1 });
    expect(canonicalJson({ x: shared })).toBe(`{"x":{"a":1,"b":["${'扣0.2分'.repeat(5)}"]}}`);
    expect(canonicalJson({ y: shared, x: shared })).toBe(canonicalJson({ x: shared, y: shared }));
    // Frozen, but holding an object that is not: its text is not kept.
    const child = { n: 1 };
    const outer = Object.freeze({ child });
    expect(canonicalJson(outer)).toBe('{"child":{"n":1}}');
    child.n = 2;
    expect(canonicalJson(outer)).toBe('{"child":{"n":2}}');
    // Frozen with a getter: read each time.
    let n = 0;
    const counting = Object.freeze(
      Object.defineProperty({}, 'n', {
        get: () => ++n,
        enumerable: true,
      }),
    );
    expect(canonicalJson(counting)).toBe('{"n":1}');
    expect(canonicalJson(counting)).toBe('{"n":2}');
  });

  it('agrees with a plain sort-and-write serializer on values of every kind', () => {
    const reference = (v: unknown): string => {
      if (v === null || typeof v !== 'object') return JSON.stringify(v);
      if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`;
      const o = v as Record<string, unknown>;
      return `{${Object.keys(o)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${reference(o[k])}`)
        .join(',')}}`;
    };
    const long = 'a "quoted" \\ \n line that is long enough to be kept: 第十七条';
    const values = [
      { z: [1, 2, { b: long, a: long }], '10': 'x', '9': 'y', '': 0, é: -0.5, 'a"b': true },
      Object.freeze([Object.freeze({ k: long, j: [Object.freeze({})] }), 1e21, 5e-324]),
      { nested: { deeper: { deepest: [[[]], {}, null] } } },
      { q: '"', c: '\u0001', s: '\ud800', p: '😀', b: '\\', t: '\t', plain: 'ok' },
    ];
    for (const v of values) {
      expect(canonicalJson(v)).toBe(reference(v));
      expect(canonicalJson(v)).toBe(reference(v));
    }
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow('NaN has no JSON form');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalJson(loop)).toThrow('contains itself');
  });
});
