// The layout: src/ imports form no cycle, file to file (type imports included), so every module can be
// read, tested and moved after the ones it stands on. A cycle once slipped in between two audit files.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';

const src = join(repoRoot, 'src');
const files = (readdirSync(src, { recursive: true }) as string[]).filter(
  (f) => f.endsWith('.ts') && !f.endsWith('.d.ts'),
);

/** importsOf lists the src files one file imports by a relative path (`import`, `export … from`). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(src, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gms)) {
    const target = normalize(join(dirname(file), m[1])).replace(/\.js$/, '.ts');
    if (files.includes(target) && !out.includes(target)) out.push(target);
  }
  return out;
}

/** cycles finds each import cycle once, as the files along it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    path.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') found.push([...path.slice(path.indexOf(g)), g]);
      else if (!state.has(g)) visit(g);
    }
    path.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

describe('the import graph of src/', () => {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  it('is read: the entry points reach their stages', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(graph.get('server/main.ts')).toContain('server/serve.ts');
    expect(graph.get('audit/log.ts')).toContain('audit/entry-line.ts');
  });

  it('has no cycle', () => {
    expect(cycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });
});
