// Bench: `npm run bench`. In one run on this machine, with the same rules, data and seeded inputs, the
// sections below one after the other (or those chosen by `--only=a,b`), each from its own module; prints
// what it measures and writes BENCHMARKS.md (a partial run replaces only its sections' parts).
import { cpus, totalmem } from 'node:os';
import { opaVersion, rulesetsDir, wasmPath } from '../artifacts/artifacts.js';
import { Rater } from '../rating/rater.js';
import { batchSection } from './batch.js';
import { generateCases } from './cases.js';
import { evidenceSection } from './evidence-section.js';
import { httpSection } from './http.js';
import { inProcessSection } from './inproc.js';
import { memorySection } from './memory.js';
import { type Report, sectionParts, writeBenchmarks } from './report.js';
import type { BenchContext, Section } from './section.js';
import { fmt } from './stats.js';
import { trailSection } from './trail.js';

const sections: Section[] = [inProcessSection, httpSection, batchSection, trailSection, memorySection, evidenceSection];

async function main(): Promise<void> {
  const started = Date.now();
  const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
  const only = args.get('only')?.split(',');
  const unknown = only?.filter((n) => !sections.some((s) => s.name === n)) ?? [];
  if (unknown.length)
    throw new Error(
      `--only: no section ${unknown.join(', ')}; the sections are ${sections.map((s) => s.name).join(', ')}`,
    );
  const chosen = sections.filter((s) => !only || only.includes(s.name));
  const rater = await Rater.load(rulesetsDir, wasmPath);
  const rs = rater.registry.rulesets[0];
  const cases = generateCases(rs, 600);
  const ctx: BenchContext = { rater, rs, cases, bodies: cases.map((c) => JSON.stringify(c.input)), args };
  const today = new Date().toISOString().slice(0, 10);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · ${fmt(totalmem() / 2 ** 30, 1)} GiB · Node ${process.version}`;
  const report: Report = {
    header: [
      '# Benchmarks',
      '',
      `${today} · ${machine} · OPA ${opaVersion} · ruleset ${rs.id}`,
      `Inputs: ${cases.length} seeded cases cycling clean, typical ×2, heavy, zero-score, not-rated (src/bench/cases.ts).`,
    ],
    sections: [],
    footer: [],
  };
  let quickLook = false;
  for (const section of chosen) {
    const t0 = Date.now();
    const result = await section.run(ctx);
    const seconds = (Date.now() - t0) / 1000;
    process.stdout.write(`${result.lines.join('\n')}\n`);
    for (const r of result.rows)
      process.stdout.write(
        `  ${r.measure}: ${r.ours}${r.opa ? ` (OPA ${r.opa})` : ''} — target ${r.target}: ${r.met ? 'met' : 'NOT met'}\n`,
      );
    process.stdout.write('\n');
    // A section measured on its own says so, with its own date and machine, since the rest was not.
    const note = only
      ? `measured alone by \`--only=${only.join(',')}\` on ${today} (${machine}) in ${fmt(seconds)} s`
      : undefined;
    if (result.skipReport) quickLook = true;
    else report.sections.push(sectionParts(section.name, result, note));
  }
  if (quickLook) {
    process.stdout.write('A quick look (a section was run in part): BENCHMARKS.md is left as it is.\n');
    return;
  }
  report.footer = [`Run took ${fmt((Date.now() - started) / 1000)} s. Reproduce with \`npm run bench\`.`];
  await writeBenchmarks(
    report,
    only !== undefined,
    sections.map((s) => s.name),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
