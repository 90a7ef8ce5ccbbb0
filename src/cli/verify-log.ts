// CLI: `verify-log FILE|FOLDER`: checks a decision log's hash chain, its checkpoint signatures and its
// signed head (so a cut, emptied or rewritten end is found), across its rotated files; given a folder,
// every chain in it (one per replica and worker). Names the first broken line of each (exit 1).
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { KeyError, readPublicKey } from '../audit/keys.js';
import { type VerifyReport, verifyLog } from '../audit/verify.js';
import { verifyFolder } from '../audit/verify-folder.js';
import { UsageError } from './io.js';

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
        if (!/^\d{1,3}$/.test(v)) throw new UsageError(`--threads ${v}: give a whole number of threads (0: none)`);
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
      const info = await stat(path).catch(() => undefined);
      if (!info) throw new UsageError(`cannot read ${path}: no such file or folder`);
      const reports = info.isDirectory()
        ? await verifyFolder(path, { publicKey, threads: opts.threads })
        : [await verifyLog(path, { publicKey, threads: opts.threads })];
      if (info.isDirectory() && !reports.length) throw new UsageError(`${path} holds no decision log (*.jsonl)`);
      const json = info.isDirectory() ? reports : reports[0];
      process.stdout.write(opts.json ? `${JSON.stringify(json, null, 2)}\n` : reports.map(renderVerifyReport).join(''));
      if (reports.some((r) => !r.ok)) process.exitCode = 1;
    });
}

/** renderVerifyReport says whether the log holds and, if not, where it breaks. */
export function renderVerifyReport(r: VerifyReport): string {
  const lines: string[] = [];
  const signed = r.checkpoints
    ? `, ${r.checkpoints} signed checkpoint${r.checkpoints === 1 ? '' : 's'}${r.keyId ? ` (key ${r.keyId}${r.keyPinned ? ', as given' : ''})` : ''}`
    : ', no checkpoints';
  const files = r.files.length > 1 ? ` in ${r.files.length} files` : '';
  if (r.broken) {
    lines.push(`${r.broken.file ?? r.file}:${r.broken.line}: broken: ${r.broken.reason}`);
    lines.push(`the ${r.entries} entries before it hold${signed}`);
  } else {
    lines.push(`${r.file}: ok: ${r.entries} entries${files}${signed}`);
    lines.push(`head: entry ${r.lastSeq} ${r.head}`);
    if (r.signedHead)
      lines.push(`signed head: entry ${r.signedHead.seq} at ${r.signedHead.time}; ${r.chainOnly} entries after it`);
  }
  for (const p of r.repairs)
    lines.push(`repair: entry ${p.seq} records a torn line of ${p.bytes} bytes moved aside to ${p.movedTo}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}
