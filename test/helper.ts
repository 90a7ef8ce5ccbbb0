// Test helper: the repo's own rules and compiled policy, loaded once per test file.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rater } from '../src/rating/rater.js';
import { rulesetsDir, wasmPath } from '../src/artifacts/artifacts.js';

export { wasmPath };
export const mainRulesetDir = `${rulesetsDir}yinfa-2018-102`;

export function loadRater(dir = rulesetsDir): Promise<Rater> {
  return Rater.load(dir, wasmPath);
}

/** copyRulesets copies policies/rulesets to a temp folder a test may edit freely. */
export async function copyRulesets(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'credit-policy-rules-'));
  await cp(rulesetsDir, dir, { recursive: true });
  return dir;
}

/** editFile applies a text replacement to a file, failing loudly if the text is not there. */
export async function editFile(path: string, from: string, to: string): Promise<void> {
  const text = await readFile(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${path} does not contain ${JSON.stringify(from)}`);
  await writeFile(path, text.replace(from, to));
}

/** fullMeasures: the measured values of a clean institution, which every rated input must give. */
export const fullMeasures = {
  '5.1': { userCountDeviationPercent: 0 },
  '6.1': { trainingTargeting: 'targeted' },
  '6.2': { passRatePercent: 100 },
  '6.3': { coveragePercent: 100 },
  '7.3': { dataQualityScore: 100 },
};

/** caseWith builds a rated input for 2023 with the given findings laid over a clean institution. */
export function caseWith(
  findings: Record<string, Record<string, unknown>> = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const merged: Record<string, Record<string, unknown>> = { ...fullMeasures };
  for (const [item, f] of Object.entries(findings)) merged[item] = { ...(merged[item] ?? {}), ...f };
  return { institution: { name: '某市农村商业银行' }, year: 2023, findings: merged, ...extra };
}
