import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, render, sectionParts, writeBenchmarks } from '../../src/bench/report.js';

const result = (name: string, value: string, met: boolean) => ({
  lines: [`## ${name} section`, `- figure ${value}`],
  rows: [{ measure: `${name} measure`, ours: value, target: '≤ 1', met }],
  gaps: met ? [] : [`${name} missed by ${value}`],
});
const handWritten = '## Reading the figures (by hand)\n\nKept as written.\n';

describe('BENCHMARKS.md written by sections', () => {
  it('a full run renders every section, its rows and its gaps, and parses back to the same parts', () => {
    const report = {
      header: ['# Benchmarks', '', 'machine'],
      sections: [sectionParts('a', result('a', '1', true)), sectionParts('c', result('c', '3', false))],
      footer: ['Run took 9 s.'],
    };
    const text = render(report);
    expect(text).toContain('| a measure | 1 |  |  | ≤ 1 | yes <!-- bench:a --> |');
    expect(text).toContain('- c missed by 3 <!-- bench:c -->');
    expect(parse(text)).toEqual(report);
  });

  it('a partial run replaces only its sections, puts a new one in order, and keeps the hand-written part', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'bench-report-')), 'BENCHMARKS.md');
    const full = {
      header: ['# Benchmarks'],
      sections: [sectionParts('a', result('a', '1', false)), sectionParts('c', result('c', '3', false))],
      footer: ['Run took 9 s.'],
    };
    await writeFile(file, `${render(full)}\n${handWritten}`);
    const partial = {
      header: ['# new header, not used'],
      sections: [
        sectionParts('a', result('a', '0.5', true), 'measured alone'),
        sectionParts('b', result('b', '2', false)),
      ],
      footer: ['not used'],
    };
    await writeBenchmarks(partial, true, ['a', 'b', 'c'], file);
    const text = await readFile(file, 'utf8');
    const parsed = parse(text.slice(0, text.indexOf('## Reading')))!;
    expect(parsed.header).toEqual(['# Benchmarks']);
    expect(parsed.footer).toEqual(['Run took 9 s.']);
    expect(parsed.sections.map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(parsed.sections[0].block).toEqual(['## a section', '- figure 0.5', '- measured alone']);
    expect(parsed.sections[0].gaps).toEqual([]);
    expect(parsed.sections[2].gaps).toEqual(['- c missed by 3 <!-- bench:c -->']);
    expect(text.endsWith(handWritten)).toBe(true);
  });

  it('a partial run over a file without section marks is refused, leaving it as it was', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'bench-report-')), 'BENCHMARKS.md');
    await writeFile(file, `# Benchmarks\n\n## Old\n- x\n\n${handWritten}`);
    await expect(writeBenchmarks({ header: [], sections: [], footer: [] }, true, [], file)).rejects.toThrow(
      /no section marks/,
    );
    expect(await readFile(file, 'utf8')).toBe(`# Benchmarks\n\n## Old\n- x\n\n${handWritten}`);
  });
});
