// CLI: `verify-log FILE`: checks a decision log's hash chain and checkpoint signatures and names the
// first broken line (exit 1).
import type { Command } from 'commander';
import { KeyError, readPublicKey } from '../audit/keys.js';
import { verifyLog, type VerifyReport } from '../audit/verify.js';
import { UsageError } from './io.js';

export function registerVerifyLog(program: Command): void {
  program
    .command('verify-log')
    .description('check a decision log: the hash chain, the sequence, and every checkpoint signature')
    .argument('<file>', 'a decision log (JSON Lines)')
    .option('--public-key <pem>', 'the Ed25519 public key (PEM) every checkpoint must be signed with')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: { publicKey?: string; json?: boolean }) => {
      let publicKey: Awaited<ReturnType<typeof readPublicKey>> | undefined;
      try {
        publicKey = opts.publicKey ? await readPublicKey(opts.publicKey) : undefined;
      } catch (err) {
        if (err instanceof KeyError) throw new UsageError(err.message);
        throw err;
      }
      let report: VerifyReport;
      try {
        report = await verifyLog(file, { publicKey });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`cannot read ${file}: no such file`);
        throw err;
      }
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderVerifyReport(report));
      if (!report.ok) process.exitCode = 1;
    });
}

/** renderVerifyReport says whether the log holds and, if not, where it breaks. */
export function renderVerifyReport(r: VerifyReport): string {
  const lines: string[] = [];
  const signed = r.checkpoints
    ? `, ${r.checkpoints} signed checkpoint${r.checkpoints === 1 ? '' : 's'}${r.keyId ? ` (key ${r.keyId}${r.keyPinned ? ', as given' : ''})` : ''}`
    : ', no checkpoints';
  if (r.broken) {
    lines.push(`${r.file}:${r.broken.line}: broken: ${r.broken.reason}`);
    lines.push(`the ${r.entries} entries before it hold${signed}`);
  } else {
    lines.push(`${r.file}: ok: ${r.entries} entries${signed}`);
    lines.push(`head: entry ${r.lastSeq} ${r.head}`);
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}
