// CLI: `replay FILE`: rates every logged decision again with the rules it names (loaded now, or found
// by hash in git history) and reports those that no longer reproduce (exit 1).
import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import { replayLog, type ReplayOutcome } from '../audit/replay.js';
import { PolicyModule } from '../engine/engine.js';
import { defaults, UsageError } from './io.js';

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description(
      'rate every decision of a log again with the rules it names, and report those that no longer reproduce',
    )
    .argument('<file>', 'a decision log (JSON Lines)')
    .option(
      '--rules <dir>',
      'folder of rulesets (its git history is searched for rules no longer there)',
      defaults.rules,
    )
    .option('--wasm <file>', 'compiled policy', defaults.wasm)
    .option('--json', 'print NDJSON: one line per decision, then {"summary": …}')
    .action(async (file: string, opts: { rules: string; wasm: string; json?: boolean }) => {
      await access(file).catch(() => {
        throw new UsageError(`cannot read ${file}: no such file`);
      });
      const module = await PolicyModule.fromFile(opts.wasm);
      const counts: Record<ReplayOutcome['status'], number> = {
        reproduced: 0,
        differs: 0,
        skipped: 0,
        'ruleset-not-found': 0,
      };
      let fromEvidence = 0;
      for await (const o of replayLog(file, { rules: opts.rules, module })) {
        counts[o.status]++;
        if (o.fromEvidence) fromEvidence++;
        if (opts.json) process.stdout.write(`${JSON.stringify(o)}\n`);
        else if (o.status !== 'reproduced') process.stdout.write(renderReplayLine(o));
      }
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify({ summary: { decisions: total, ...counts, ...(fromEvidence ? { fromEvidence } : {}) } })}\n`,
        );
      else
        process.stdout.write(
          `${total} decision${total === 1 ? '' : 's'}: ${counts.reproduced} reproduced, ${counts.differs} no longer reproduce, ${counts['ruleset-not-found']} with rules not found, ${counts.skipped} skipped${fromEvidence ? `; ${fromEvidence} made from evidence, rated again with the findings logged with them (each evidence file named by its sha256)` : ''}\n`,
        );
      if (counts.differs || counts['ruleset-not-found']) process.exitCode = 1;
    });
}

/** renderReplayLine is one decision that did not reproduce. */
export function renderReplayLine(o: ReplayOutcome): string {
  const evidence = o.fromEvidence
    ? `, from evidence: ${o.fromEvidence.tables.map((t) => `${t.file} sha256:${t.sha256.slice(0, 12)}…`).join(', ')}`
    : '';
  const head = `entry ${o.seq} (line ${o.line}, ${o.rulesetId} ${o.rulesetHash.slice(0, 19)}…${evidence})`;
  if (o.status === 'differs')
    return `${head}: no longer reproduces with the rules from ${o.foundIn}: ${o.differences!.map((d) => `${d.field} ${JSON.stringify(d.logged)} → ${JSON.stringify(d.now)}`).join('; ')}\n`;
  return `${head}: ${o.status === 'skipped' ? 'skipped' : 'rules not found'}: ${o.reason}\n`;
}
