// Check stage: what a path given to `check` stands for: a policies folder (rulesets/, its Rego
// folders and calendars/), a folder of rulesets, one ruleset folder, a folder of working-day
// calendars, or a folder of Rego files.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** TargetError: a path that is none of the things `check` knows how to check. */
export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/** Targets: absolute folders, each checked once. */
export interface Targets {
  /** Folders whose every subfolder is a ruleset: checked together, as the registry loads them. */
  rulesetRoots: string[];
  /** Single ruleset folders given on their own. */
  rulesets: string[];
  /** Folders of Rego files. */
  rego: string[];
  /** Folders of working-day calendars, one <year>.yaml per year. */
  calendars: string[];
}

/** resolveTargets classifies each path; an unknown or missing path is a TargetError. */
export function resolveTargets(paths: readonly string[], cwd = process.cwd()): Targets {
  const t: Targets = { rulesetRoots: [], rulesets: [], rego: [], calendars: [] };
  const add = (list: string[], dir: string) => {
    if (!list.includes(dir)) list.push(dir);
  };
  for (const given of paths) {
    const dir = resolve(cwd, given);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new TargetError(`${given}: no such folder`);
    if (existsSync(join(dir, 'ruleset.yaml'))) add(t.rulesets, dir);
    else if (isDir(join(dir, 'rulesets'))) {
      add(t.rulesetRoots, join(dir, 'rulesets'));
      for (const sub of subfolders(dir)) if (sub !== 'rulesets' && hasRego(join(dir, sub))) add(t.rego, join(dir, sub));
      if (isDir(join(dir, 'calendars'))) add(t.calendars, join(dir, 'calendars'));
    } else if (subfolders(dir).some((s) => existsSync(join(dir, s, 'ruleset.yaml')))) add(t.rulesetRoots, dir);
    else if (isCalendars(dir)) add(t.calendars, dir);
    else if (hasRego(dir)) add(t.rego, dir);
    else
      throw new TargetError(
        `${given}: is neither a ruleset folder (with ruleset.yaml), a folder of rulesets, a policies folder (with rulesets/), a folder of calendars (<year>.yaml) nor a folder of Rego files`,
      );
  }
  // A ruleset given on its own inside a root that is checked anyway is checked once, with the root.
  t.rulesets = t.rulesets.filter((r) => !t.rulesetRoots.includes(dirname(r)));
  return t;
}

/** rulesetFolders lists the ruleset folders of a root, as the registry reads them. */
export function rulesetFolders(root: string): string[] {
  return subfolders(root).map((s) => join(root, s));
}

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

// A calendars folder: <year>.yaml files and no Rego (policies/calendars, or a copy of it).
function isCalendars(dir: string): boolean {
  const files = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile());
  return files.some((e) => /^\d{4}\.ya?ml$/.test(e.name)) && !hasRego(dir);
}

function hasRego(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).some((e) => e.isFile() && e.name.endsWith('.rego'));
}
