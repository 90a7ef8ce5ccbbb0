// Every diagnostic code is declared once (src/diagnostics/codes.ts) and documented (docs/codes.md): the
// codes the source emits, the declarations and the documentation must be the same set.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { codes } from '../../src/render/diagnostics/codes.js';

const literal = /['"`]((?:RULE|TEST|REGO|COV|OBL|CAL|KEY|EVID)\d{3})['"`]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

const used = new Map<string, string[]>();
for (const file of sourceFiles(join(repoRoot, 'src'))) {
  if (file.endsWith(join('diagnostics', 'codes.ts'))) continue;
  for (const m of readFileSync(file, 'utf8').matchAll(literal))
    used.set(m[1], [...(used.get(m[1]) ?? []), file.slice(repoRoot.length)]);
}
const declared = Object.keys(codes);
const docs = readFileSync(join(repoRoot, 'docs', 'codes.md'), 'utf8');
const documented = [...docs.matchAll(/^### ([A-Z]+\d{3}) — (.+)$/gm)].map((m) => ({ code: m[1], title: m[2] }));

describe('diagnostic codes', () => {
  it('the source emits only declared codes', () => {
    const undeclared = [...used.entries()]
      .filter(([code]) => !declared.includes(code))
      .map(([code, files]) => `${code} (${files.join(', ')})`);
    expect(undeclared).toEqual([]);
  });

  it('every declared code is emitted somewhere', () => {
    expect(declared.filter((code) => !used.has(code))).toEqual([]);
  });

  it('docs/codes.md documents exactly the declared codes, in order, under their titles', () => {
    expect(documented.map((d) => d.code)).toEqual(declared);
    for (const d of documented) expect(d.title, d.code).toBe(codes[d.code as keyof typeof codes].title);
  });

  it('every code says what to do', () => {
    for (const [code, info] of Object.entries(codes)) expect(info.help.length, code).toBeGreaterThan(20);
  });
});
