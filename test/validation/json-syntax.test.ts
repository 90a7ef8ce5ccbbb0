import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from '../../src/validation/json-syntax.js';
import { ElementCounter } from '../../src/server/http/body.js';
import { syntaxDetail } from '../../src/server/http/parsers.js';

describe('findJsonSyntaxError', () => {
  it.each([
    { name: 'an object', in: '{"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"]}' },
    { name: 'nested arrays', in: '[[[]], {}]' },
    { name: 'a bare number with spaces', in: ' 0 ' },
  ])('accepts $name', ({ in: text }) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(findJsonSyntaxError(text)).toBeUndefined();
  });

  it.each([
    { name: 'a missing value', in: '{"a": }', out: { line: 1, column: 7, message: 'expected a value, found "}"' } },
    { name: 'a trailing comma', in: '[1,]', out: { line: 1, column: 4, message: 'expected a value, found "]"' } },
    {
      name: 'a wrong closer',
      in: '{\n  "a": 1\n]',
      out: { line: 3, column: 1, message: 'expected "," or "}", found "]"' },
    },
    { name: 'an unquoted key', in: '{a: 1}', out: { line: 1, column: 2, message: 'expected a string, found "a"' } },
    {
      name: 'a truncated document',
      in: '{"a": [1, 2',
      out: { line: 1, column: 12, message: 'expected "," or "]", found the end of the input' },
    },
    {
      name: 'an unterminated string',
      in: '"abc',
      out: { line: 1, column: 5, message: 'expected a closing quote, found the end of the input' },
    },
    { name: 'a bad escape', in: '"a\\x"', out: { line: 1, column: 4, message: 'expected a valid escape, found "x"' } },
    {
      name: 'trailing text',
      in: '{} {}',
      out: { line: 1, column: 4, message: 'expected the end of the document, found "{"' },
    },
    { name: 'a leading plus', in: '+1', out: { line: 1, column: 1, message: 'expected a value, found "+"' } },
    { name: 'a misspelt literal', in: '[tru]', out: { line: 1, column: 5, message: 'expected "true", found "]"' } },
    {
      name: 'a raw line break in a string',
      in: '"a\nb"',
      out: { line: 1, column: 3, message: 'expected an escaped control character, found "\\n"' },
    },
  ])('finds $name', ({ in: text, out }) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(findJsonSyntaxError(text)).toMatchObject(out);
  });

  it('stops at excessive nesting instead of overflowing the stack', () => {
    const deep = '['.repeat(100_000);
    expect(findJsonSyntaxError(deep)?.message).toBe('the document nests deeper than 512 levels, the most accepted');
  });
});

describe('syntaxDetail', () => {
  it('names the column only for a one-line text', () => {
    expect(syntaxDetail('{"a": }')).toBe('not valid JSON at column 7: expected a value, found "}"');
    expect(syntaxDetail('{\n"a": }')).toBe('not valid JSON at line 2, column 6: expected a value, found "}"');
  });
});

describe('one reading of a JSON text (issue 14)', () => {
  it.each([
    ['a duplicate key', '{"a":{"b/c":1,"b/c":2}}', 'duplicate-key', '/a/b~1c', 15],
    ['a duplicate key spelt with an escape', '{"x":1,"\\u0078":2}', 'duplicate-key', '/x', 8],
    ['a lone high surrogate', '["ok","\\ud800"]', 'lone-surrogate', '/1', 8],
    ['a lone low surrogate', '{"k":"a\\udc00"}', 'lone-surrogate', '/k', 8],
    ['a raw lone surrogate', `{"k":"a\ud800"}`, 'lone-surrogate', '/k', 8],
    ['nesting past the limit', `{"a":${'['.repeat(512)}`, 'too-deep', `/a${'/0'.repeat(511)}`, 517],
  ])('refuses %s with its kind, path and column', (_what, text, kind, path, column) => {
    expect(findJsonSyntaxError(text)).toMatchObject({ kind, path, line: 1, column });
  });

  it('accepts a surrogate pair, escaped or raw, and the same key in sibling objects', () => {
    expect(findJsonSyntaxError('["\\ud83d\\ude00","😀",{"a":1},{"a":2}]')).toBeUndefined();
  });
});

describe('ElementCounter', () => {
  it('counts top-level elements across chunks, ignoring commas in strings and nested values', () => {
    const c = new ElementCounter(3);
    expect(c.feed('[{"a":",,,"},[1,2')).toBe(false);
    expect(c.feed(',3],"\\",["')).toBe(false);
    expect(c.feed(',4]')).toBe(true);
  });

  it('ignores a document that is not an array', () => {
    const c = new ElementCounter(1);
    expect(c.feed('{"a":[1,2,3]')).toBe(false);
    expect(c.feed(',"b":1}')).toBe(false);
  });
});
