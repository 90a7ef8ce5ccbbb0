// CLI: the options shared by the commands that read evidence folders, and writing a findings file.
import { translator } from '../diagnostics/i18n.js';
import { cliLang } from './lang.js';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { calendarsDir } from '../obligations/service.js';
import { UsageError } from './io.js';

export interface EvidenceOptions {
  asOf?: string;
  usersNeeded?: string;
  calendars: string;
  headers?: string;
}

/** withEvidenceOptions adds --as-of, --users-needed, --calendars and --headers. */
export function withEvidenceOptions(c: Command): Command {
  return c
    .option('--as-of <date>', 'the day open duties are judged on (YYYY-MM-DD; default: the end of the year)')
    .option('--users-needed <n>', 'the number of users the business needs (5.1); without it 5.1 is not derived')
    .option('--calendars <dir>', 'folder of working-day calendars', calendarsDir)
    .option('--headers <file>', 'the header mapping (default: policies/evidence/headers.yaml)');
}

export function usersNeeded(o: EvidenceOptions): number | undefined {
  if (o.usersNeeded === undefined) return undefined;
  const n = Number(o.usersNeeded);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(translator(cliLang())('cli.usersNeeded', { given: o.usersNeeded }));
  return n;
}

/** writeJsonAtomically writes through a temporary file, so a failed run never leaves half a file. */
export async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temp, path);
}
