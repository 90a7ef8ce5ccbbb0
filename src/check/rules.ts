// Check stage: schema and semantic validation of every rule file, all problems at once: a folder of
// rulesets is inspected as the registry loads it (so ids and overlapping years are checked too), a
// ruleset given on its own as the loader reads it.
import { isAbsolute, relative, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { inspectRuleset } from '../rules/load.js';
import { Registry } from '../rules/registry.js';
import type { Targets } from './targets.js';

/** validateRules returns every diagnostic of the rule files, with files shown relative to root. */
export async function validateRules(targets: Targets, root: string): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const dir of targets.rulesetRoots) out.push(...(await Registry.inspect(dir)).diagnostics);
  for (const dir of targets.rulesets) out.push(...(await inspectRuleset(dir, process.cwd())).diagnostics);
  return out.map((d) => ({ ...d, file: displayPath(d.file, root) }));
}

/**
 * displayPath shows a file relative to root. The rules stage names files relative to the process's
 * working folder, or absolute; labels such as `(rego)` pass through.
 */
export function displayPath(file: string, root: string): string {
  if (file.startsWith('(')) return file;
  const abs = isAbsolute(file) ? file : resolve(process.cwd(), file);
  return relative(root, abs) || file;
}
