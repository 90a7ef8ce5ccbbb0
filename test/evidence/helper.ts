// Test helper for evidence: one Deriver over the repo's rules, and evidence folders written from
// rows (NDJSON with canonical column names, or CSV text as given).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rulesetsDir } from '../../src/artifacts/artifacts.js';
import { Deriver } from '../../src/evidence/service.js';
import { calendarsDir } from '../../src/obligations/service.js';
import { wasmPath } from '../helper.js';

export const exampleDir = 'examples/evidence/synthetic-bank';

/** exampleRequest: what the example is derived for (its README.md): 示例, 2024, four users needed. */
export const exampleRequest = { dir: exampleDir, institution: '示例', year: 2024, usersNeeded: 4 };

/** exampleFindings: the example's findings, worked out by hand from the clauses (see the folder's README.md). */
export const exampleFindings = {
  '2.3': { rulesNotFiled: 1 },
  '3.2': { auditReportsNotFiled: 1 },
  '5.1': { userCountDeviationPercent: 25 },
  '5.2': { realNameNotEnforced: 1, usersNotRegistered: 1 },
  '5.3': { sharedOrOverlappingUsers: true },
  '5.4': { userDeactivationFailures: 6 },
  '5.6': { passwordPolicyViolations: 3 },
  '5.7': { nonRegularStaffUsers: true },
  '6.2': { passRatePercent: 50 },
  '6.3': { coveragePercent: 75 },
  '8.1': { queriesWithoutAuthorization: 6 },
  '8.2': { authorizationElementsMissing: 2, formatContractWithoutNotice: 1 },
  '8.3': { queriesNotRegistered: 1, authorizationNotEnforced: 1 },
  '10.1': { lateReplies: 2 },
  '10.2': { lateCorrections: 2 },
};

/** u05FiledLate: the one row behind 5.2 usersNotRegistered: user U05, filed four working days late. */
export const u05FiledLate = { table: 'users', row: 6, key: 'U05', why: 'filed-late' };

/** usersNotRegisteredEvidence: the evidence a rating of the example gives 5.2's second deduction. */
export const usersNotRegisteredEvidence = {
  finding: 'usersNotRegistered',
  source: 'derived',
  total: 1,
  rows: [u05FiledLate],
};

let deriver: Promise<Deriver> | undefined;
export function loadDeriver(): Promise<Deriver> {
  deriver ??= Deriver.load({ rules: rulesetsDir, wasm: wasmPath, calendars: calendarsDir });
  return deriver;
}

/** evidenceDir writes files (name → text or rows) to a new temp folder. */
export async function evidenceDir(files: Record<string, string | Buffer | Record<string, unknown>[]>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'credit-policy-evidence-'));
  for (const [name, content] of Object.entries(files))
    await writeFile(
      join(dir, name),
      Array.isArray(content)
        ? content.map((r) => JSON.stringify(r)).join('\n') + (content.length ? '\n' : '')
        : content,
    );
  return dir;
}
