// Diff stage: what a caller names as one side of a diff or an impact run: a ruleset id (a folder of
// the rulesets folder), a folder, or a folder at a git revision (`main~3:policies/rulesets/x`).
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fsFolder, loadFolder } from '../rules/load.js';
import type { RuleSet } from '../rules/ruleset.js';
import { gitFolder, resolveRevision } from './git.js';

/** SpecError: the name does not lead to a ruleset (no such id, folder or revision). */
export class SpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpecError';
  }
}

export interface SpecOptions {
  /** The rulesets folder that ids are looked up in. */
  rules: string;
  /** The git repository that `rev:path` is read from (the current folder by default). */
  repo?: string;
}

const idPattern = /^[a-z0-9][a-z0-9-]*$/;

/** loadSpec loads the ruleset a caller named; rule-file problems throw RulesError, the rest SpecError. */
export async function loadSpec(spec: string, options: SpecOptions): Promise<RuleSet> {
  if (await isDirectory(spec)) return loadFolder(fsFolder(resolve(spec)));
  if (idPattern.test(spec)) {
    const dir = join(options.rules, spec);
    if (await isDirectory(dir)) return loadFolder(fsFolder(dir));
    throw new SpecError(`"${spec}" is neither a folder nor a ruleset of ${options.rules}`);
  }
  const colon = spec.indexOf(':');
  if (colon > 0) {
    const repo = options.repo ?? process.cwd();
    const rev = spec.slice(0, colon);
    const path = spec.slice(colon + 1);
    if (!path) throw new SpecError(`"${spec}" names a revision but no folder; write rev:path/to/ruleset`);
    await resolveRevision(repo, rev);
    return loadFolder(gitFolder(repo, rev, path));
  }
  throw new SpecError(`"${spec}" is not a ruleset id, a folder, or rev:path (a folder at a git revision)`);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
