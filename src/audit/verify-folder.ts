// Audit stage: verify-log over a folder: every chain in it (one per signed head, e.g. one per replica
// and worker), and any log file no chain covers, each checked on its own.
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { partPattern } from './head.js';
import { type VerifyOptions, type VerifyReport, verifyLog } from './verify.js';

/** verifyFolder checks every chain in a folder (one per `*.head.json`, e.g. one per replica). */
export async function verifyFolder(
  dir: string,
  options: Omit<VerifyOptions, 'headPath'> = {},
): Promise<VerifyReport[]> {
  const names = await readdir(dir);
  const logs = names.filter((n) => n.endsWith('.jsonl.head.json')).map((n) => n.slice(0, -'.head.json'.length));
  const covered = new Set<string>();
  const reports: VerifyReport[] = [];
  for (const log of logs.sort()) {
    const path = join(dir, log);
    const r = await verifyLog(path, options);
    for (const f of r.files) covered.add(basename(f));
    reports.push(r);
  }
  for (const n of names.filter((n) => n.endsWith('.jsonl') && !covered.has(n)).sort())
    if (!logs.some((l) => partPattern(join(dir, l)).test(n))) reports.push(await verifyLog(join(dir, n), options));
  return reports;
}
