// CLI: `verify-log FILE|FOLDER`: checks a decision log's hash chain, its checkpoint signatures and its
// signed head (so a cut, emptied or rewritten end is found), across its rotated files; given a folder,
// every chain in it (one per replica and worker). Names the first broken line of each (exit 1).
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { KeyError, readPublicKey } from '../audit/keys.js';
import { type VerifyReport, verifyLog } from '../audit/verify.js';
import { verifyFolder } from '../audit/verify-folder.js';
import { type Lang, renderMessage, translator } from '../diagnostics/i18n.js';
import { UsageError } from './io.js';
import { cliLang, langFromArgv } from './lang.js';

export function registerVerifyLog(program: Command): void {
  program
    .command('verify-log')
    .description(
      'check a decision log: the hash chain, the sequence, every checkpoint signature and the signed head beside it; a folder: every chain in it',
    )
    .argument('<path>', 'a decision log (JSON Lines), or a folder of them')
    .option('--public-key <pem>', 'the Ed25519 public key (PEM) every signature must be made with')
    .option('--json', 'print the report as JSON')
    .option(
      '--threads <n>',
      'worker threads that hash the entries (default: one per core for a log over 64 MB; 0: none)',
      (v: string) => {
        // Options are read before the run's language is set: take it from the command line.
        if (!/^\d{1,3}$/.test(v))
          throw new UsageError(translator(langFromArgv(process.argv))('cli.verifyLog.threads', { v }));
        return Number(v);
      },
    )
    .action(async (path: string, opts: { publicKey?: string; json?: boolean; threads?: number }) => {
      let publicKey: Awaited<ReturnType<typeof readPublicKey>> | undefined;
      try {
        publicKey = opts.publicKey ? await readPublicKey(opts.publicKey) : undefined;
      } catch (err) {
        if (err instanceof KeyError) throw new UsageError(err.message);
        throw err;
      }
      const t = translator(cliLang());
      const info = await stat(path).catch(() => undefined);
      if (!info) throw new UsageError(t('cli.verifyLog.noPath', { path }));
      const reports = info.isDirectory()
        ? await verifyFolder(path, { publicKey, threads: opts.threads })
        : [await verifyLog(path, { publicKey, threads: opts.threads })];
      if (info.isDirectory() && !reports.length) throw new UsageError(t('cli.verifyLog.noLogs', { path }));
      const json = info.isDirectory() ? reports : reports[0];
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(json, null, 2)}\n`
          : reports.map((r) => renderVerifyReport(r, cliLang())).join(''),
      );
      if (reports.some((r) => !r.ok)) process.exitCode = 1;
    });
}

/** renderVerifyReport says whether the log holds and, if not, where it breaks and why, in the language asked for. */
export function renderVerifyReport(r: VerifyReport, lang: Lang = 'en'): string {
  const t = translator(lang);
  const lines: string[] = [];
  const key = r.keyId ? t(r.keyPinned ? 'cli.verifyLog.keyPinned' : 'cli.verifyLog.key', { keyId: r.keyId }) : '';
  const signed = r.checkpoints
    ? t('cli.verifyLog.signed', { count: r.checkpoints, key })
    : t('cli.verifyLog.noCheckpoints');
  const files = r.files.length > 1 ? t('cli.verifyLog.files', { count: r.files.length }) : '';
  if (r.broken) {
    lines.push(
      t('cli.verifyLog.broken', {
        file: r.broken.file ?? r.file,
        line: r.broken.line,
        // A report read back from JSON written before reasons had keys has the English text only.
        reason: r.broken.reasonId
          ? renderMessage({ key: r.broken.reasonId, params: r.broken.params }, lang)
          : r.broken.reason,
      }),
    );
    lines.push(t('cli.verifyLog.before', { count: r.entries, signed }));
  } else {
    lines.push(t('cli.verifyLog.ok', { file: r.file, count: r.entries, files, signed }));
    lines.push(t('cli.verifyLog.head', { seq: r.lastSeq, head: r.head }));
    if (r.signedHead)
      lines.push(t('cli.verifyLog.signedHead', { seq: r.signedHead.seq, time: r.signedHead.time, after: r.chainOnly }));
  }
  for (const p of r.repairs) lines.push(t('cli.verifyLog.repair', { seq: p.seq, bytes: p.bytes, movedTo: p.movedTo }));
  // A report read back from JSON written before warnings had keys has the English texts only.
  const warnings =
    r.warningMessages?.length === r.warnings.length ? r.warningMessages.map((m) => renderMessage(m, lang)) : r.warnings;
  for (const w of warnings) lines.push(t('cli.verifyLog.warning', { text: w }));
  return `${lines.join('\n')}\n`;
}
