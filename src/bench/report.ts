// Bench: writes BENCHMARKS.md from the sections' results. A full run writes everything above the
// hand-written part; a run of some sections (`--only=`) replaces only their blocks, summary rows and
// missed targets (each marked by an HTML comment naming its section) and keeps the others as they were.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { repoRoot } from '../artifacts/artifacts.js';
import type { SectionResult, SummaryRow } from './section.js';

/** The heading after which BENCHMARKS.md is written by hand; a run replaces only what comes before it. */
export const handWritten = '## Reading the figures';

const mark = (name: string) => `<!-- bench:${name} -->`;
const tagOf = (line: string) => /<!-- bench:([\w-]+) -->/.exec(line)?.[1];
const tableHead = ['| measure | ours | OPA server | ours / OPA | target | met |', '|---|---|---|---|---|---|'];
const allMet = '- nothing: every target met';

/** The generated part of BENCHMARKS.md, as parts a partial run can replace one section at a time. */
export interface Report {
  header: string[];
  /** In order; each section's lines (its block), rows and gaps, already rendered. */
  sections: { name: string; block: string[]; rows: string[]; gaps: string[] }[];
  footer: string[];
}

const rowLine = (r: SummaryRow, name: string) =>
  `| ${r.measure} | ${r.ours} | ${r.opa ?? ''} | ${r.ratio ?? ''} | ${r.target} | ${r.met ? 'yes' : 'no'} ${mark(name)} |`;

/** sectionParts: a section's result as the lines it contributes to each part of the report. */
export function sectionParts(name: string, result: SectionResult, note?: string): Report['sections'][number] {
  return {
    name,
    block: [...result.lines, ...(note ? [`- ${note}`] : [])],
    rows: result.rows.map((r) => rowLine(r, name)),
    gaps: result.gaps.map((g) => `- ${g} ${mark(name)}`),
  };
}

export function render(report: Report): string {
  const out = [...report.header, ''];
  for (const s of report.sections) out.push(mark(s.name), ...s.block, '');
  out.push('## Summary', '', ...tableHead, ...report.sections.flatMap((s) => s.rows), '', '### Missed', '');
  const gaps = report.sections.flatMap((s) => s.gaps);
  out.push(...(gaps.length ? gaps : [allMet]), '', ...report.footer);
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** parse: the generated part of BENCHMARKS.md as `render` wrote it, or undefined for a file without marks. */
export function parse(text: string): Report | undefined {
  const lines = text.replace(/\n+$/, '').split('\n');
  const first = lines.findIndex((l) => tagOf(l) !== undefined && l.startsWith('<!--'));
  const summary = lines.indexOf('## Summary');
  const missed = lines.indexOf('### Missed');
  if (first === -1 || summary === -1 || missed === -1) return undefined;
  const trim = (ls: string[]) => {
    const out = [...ls];
    while (out.length && out[out.length - 1] === '') out.pop();
    return out;
  };
  const sections: Report['sections'] = [];
  for (let i = first; i < summary; i++) {
    const name = tagOf(lines[i]);
    if (lines[i].startsWith('<!--') && name) sections.push({ name, block: [], rows: [], gaps: [] });
    else sections[sections.length - 1].block.push(lines[i]);
  }
  for (const s of sections) s.block = trim(s.block);
  const byName = new Map(sections.map((s) => [s.name, s]));
  for (const l of lines.slice(summary, missed)) {
    const name = tagOf(l);
    if (l.startsWith('|') && name) byName.get(name)?.rows.push(l);
  }
  let end = missed + 1;
  while (end < lines.length && (lines[end] === '' || lines[end].startsWith('- '))) {
    const name = tagOf(lines[end]);
    if (name) byName.get(name)?.gaps.push(lines[end]);
    end++;
  }
  return { header: trim(lines.slice(0, first)), sections, footer: lines.slice(end) };
}

/**
 * writeBenchmarks: a full run's report replaces the generated part; a partial run's sections replace
 * theirs in the existing file. The hand-written part stays.
 */
export async function writeBenchmarks(
  report: Report,
  partial: boolean,
  order: string[],
  file = resolve(repoRoot, 'BENCHMARKS.md'),
): Promise<void> {
  const old = await readFile(file, 'utf8').catch(() => '');
  const at = old.indexOf(handWritten);
  let next = report;
  const before = partial ? parse(at === -1 ? old : old.slice(0, at)) : undefined;
  if (partial && before) {
    const fresh = new Map(report.sections.map((s) => [s.name, s]));
    const sections = before.sections.map((s) => fresh.get(s.name) ?? s);
    // A section the file did not have goes before the first one that follows it in `order`.
    for (const s of report.sections)
      if (!sections.some((b) => b.name === s.name)) {
        const later = sections.findIndex((b) => order.indexOf(b.name) > order.indexOf(s.name));
        sections.splice(later === -1 ? sections.length : later, 0, s);
      }
    next = { header: before.header, sections, footer: before.footer };
  } else if (partial) throw new Error(`${file} has no section marks to update; run the whole bench once`);
  const generated = render(next);
  // Whole or not at all: a run that fails half-way leaves the old file.
  await writeFile(`${file}.${process.pid}.tmp`, at === -1 ? generated : `${generated}\n${old.slice(at)}`);
  await rename(`${file}.${process.pid}.tmp`, file);
}
