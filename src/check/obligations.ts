// Check stage: the obligations data, validated as `due`, `calendar` and `report` load it: the
// obligations.yaml of every ruleset folder checked that has one (against its schema and its source
// text), and every working-day calendar file of the calendars folders checked. The Rego that reads
// them (policies/obligations) is checked with the other Rego folders.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inspectInspectionRules, inspectionsFile } from '../inspections/rules.js';
import { inspectObligations, obligationsFile } from '../obligations/load.js';
import { WorkingCalendar } from '../obligations/calendar.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { displayPath } from './rules.js';
import { rulesetFolders, type Targets } from './targets.js';

/** obligationsFolders lists the ruleset folders of the targets that hold an obligations.yaml. */
export function obligationsFolders(targets: Targets): string[] {
  return [...targets.rulesetRoots.flatMap(rulesetFolders), ...targets.rulesets].filter((dir) =>
    existsSync(join(dir, obligationsFile)),
  );
}

/** inspectionsFolders lists the ruleset folders of the targets that hold an inspections.yaml. */
export function inspectionsFolders(targets: Targets): string[] {
  return [...targets.rulesetRoots.flatMap(rulesetFolders), ...targets.rulesets].filter((dir) =>
    existsSync(join(dir, inspectionsFile)),
  );
}

/** validateObligations returns every diagnostic of the obligations files and calendars, with files shown relative to root. */
export async function validateObligations(targets: Targets, root: string): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const dir of obligationsFolders(targets))
    out.push(...(await inspectObligations(dir, process.cwd())).diagnostics);
  // inspections.yaml (annex 4) beside obligations.yaml, checked the way `inspections status` loads it.
  for (const dir of inspectionsFolders(targets))
    out.push(...(await inspectInspectionRules(dir, process.cwd())).diagnostics);
  for (const dir of targets.calendars) out.push(...(await WorkingCalendar.inspect(dir, process.cwd())).diagnostics);
  return out.map((d) => ({ ...d, file: displayPath(d.file, root) }));
}
