// CLI: `replay FILE`: rates every logged decision again with the rules it names (loaded now, or found
// by hash in git history) and reports those that no longer reproduce (exit 1).
import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import { ReplayError, replayLog, type ReplayOutcome, type ReplaySummaryLine } from '../audit/replay.js';
import { PolicyModule } from '../engine/engine.js';
import { type Lang, renderMessage, translator } from '../diagnostics/i18n.js';
import { defaults, UsageError } from './io.js';
import { cliLang } from './lang.js';

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
      const lang = cliLang();
      const t = translator(lang);
      await access(file).catch(() => {
        throw new UsageError(t('cli.noSuchFile', { file }));
      });
      const module = await PolicyModule.fromFile(opts.wasm);
      const counts: Record<ReplayOutcome['status'], number> = {
        reproduced: 0,
        differs: 0,
        skipped: 0,
        'ruleset-not-found': 0,
      };
      let fromEvidence = 0;
      try {
        for await (const o of replayLog(file, { rules: opts.rules, module })) {
          counts[o.status]++;
          if (o.fromEvidence) fromEvidence++;
          if (opts.json) process.stdout.write(`${JSON.stringify(o)}\n`);
          else if (o.status !== 'reproduced') process.stdout.write(renderReplayLine(o, lang));
        }
      } catch (err) {
        // A line replay cannot read ends the run (exit 2), in the reader's language; no summary follows.
        if (err instanceof ReplayError) throw new UsageError(renderMessage(err.said, lang));
        throw err;
      }
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      if (opts.json) {
        const line: ReplaySummaryLine = {
          summary: { decisions: total, ...counts, ...(fromEvidence ? { fromEvidence } : {}) },
        };
        process.stdout.write(`${JSON.stringify(line)}\n`);
      } else {
        const evidence = fromEvidence ? t('cli.replay.fromEvidence', { count: fromEvidence }) : '';
        const summary = t('cli.replay.summary', {
          count: total,
          reproduced: counts.reproduced,
          differs: counts.differs,
          notFound: counts['ruleset-not-found'],
          skipped: counts.skipped,
          evidence,
        });
        process.stdout.write(`${summary}\n`);
      }
      if (counts.differs || counts['ruleset-not-found']) process.exitCode = 1;
    });
}

/** renderReplayLine is one decision that did not reproduce, and why, in the language asked for. */
export function renderReplayLine(o: ReplayOutcome, lang: Lang = 'en'): string {
  const t = translator(lang);
  const evidence = o.fromEvidence
    ? t('cli.replay.evidence', {
        files: o.fromEvidence.tables
          .map((x) => `${x.file} sha256:${x.sha256.slice(0, 12)}…`)
          .join(t('cli.replay.listSep')),
      })
    : '';
  const head = t('cli.replay.entry', {
    seq: o.seq,
    line: o.line,
    rulesetId: o.rulesetId,
    hash: o.rulesetHash.slice(0, 19),
    evidence,
  });
  if (o.status === 'differs') {
    const differences = o
      .differences!.map((d) => `${d.field} ${JSON.stringify(d.logged)} → ${JSON.stringify(d.now)}`)
      .join(t('cli.replay.differenceSep'));
    // Where the rules were found: `loaded`, or `git <commit>` (as the JSON has it), said in words.
    const commit = o.foundIn?.startsWith('git ') ? o.foundIn.slice(4) : undefined;
    const foundIn = commit
      ? t('cli.replay.foundGit', { commit })
      : o.foundIn === 'loaded'
        ? t('cli.replay.foundLoaded')
        : o.foundIn;
    return `${t('cli.replay.differs', { head, foundIn, differences })}\n`;
  }
  const reason = o.reasonId ? renderMessage({ key: o.reasonId, params: o.params }, lang) : o.reason;
  return `${t(o.status === 'skipped' ? 'cli.replay.skipped' : 'cli.replay.notFound', { head, reason })}\n`;
}
