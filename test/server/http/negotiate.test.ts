import { describe, expect, it } from 'vitest';
import { preferred } from '../../../src/server/http/negotiate.js';

describe('preferred', () => {
  it.each([
    { accept: undefined, out: 'application/json' },
    { accept: '*/*', out: 'application/json' },
    { accept: 'text/html', out: 'text/html' },
    { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', out: 'text/html' },
    { accept: 'application/json, text/html;q=0.5', out: 'application/json' },
    { accept: 'text/html;q=0.9, application/json', out: 'application/json' },
    { accept: 'text/*', out: 'text/html' },
    { accept: 'image/png', out: undefined },
    { accept: 'application/xml', out: undefined },
    { accept: 'text/html;q=0, */*', out: 'application/json' },
    { accept: 'application/json;q=0, text/html;q=0, */*', out: 'application/pdf' },
    { accept: 'application/pdf, application/json;q=0.5', out: 'application/pdf' },
    { accept: 'application/*', out: 'application/json' },
  ])('$accept → $out', ({ accept, out }) => {
    expect(preferred(accept)).toBe(out);
  });
});
