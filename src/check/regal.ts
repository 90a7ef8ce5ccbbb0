// Check stage: the optional Rego linter. When a Regal binary is found, `regal lint` runs on the Rego
// folders and each violation becomes a REGO004 diagnostic with Regal's level as its severity; when
// none is found the stage is skipped with a note, so `check` never depends on it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostics.js';

/** The Regal release `ensure-regal` installs. */
export const regalVersion = 'v0.38.1';
export const regalModule = 'github.com/open-policy-agent/regal';

/**
 * defaultRegalConfig is used when the Rego folder has no `.regal/config.yaml` of its own. Regal is
 * advice here: the gates are `opa check --strict`, `opa fmt` and `opa test` (REGO001-003), so every
 * rule Regal enables by default reports as a warning. `opa-fmt` is left to REGO002, which runs the
 * pinned OPA (Regal embeds an older one that formats differently); the documents the host provides as
 * data, package names taken from entrypoints and shared test helpers are the design, not findings (each
 * is explained in the YAML below); no version check over the network.
 */
export const defaultRegalConfig = `# credit-policy check: the Regal configuration used when the Rego has none of its own.
features:
  remote:
    check-version: false
rules:
  default:
    level: warning
  custom:
    default:
      level: ignore
  bugs:
    if-empty-object:
      level: ignore
  style:
    opa-fmt:
      level: ignore
    # Tests share helpers that run the policy under test with its data (result_of, check): referencing
    # that policy is what they are for.
    external-reference:
      level: warning
      ignore:
        files:
          - "*_test.rego"
  idiomatic:
    # The host names each package by its entrypoint (src/artifacts/artifacts.ts), e.g. obligations.due in
    # policies/obligations/due.rego: one folder per pipeline stage, not one per package.
    directory-package-mismatch:
      level: ignore
  imports:
    # Documents the host provides as data, which Regal cannot see: data.ruleset (src/rules/compile.ts),
    # data.notice (src/obligations/compile.ts), data.annex4 (src/inspections/rules.ts), data.derivation
    # (src/rules/derivation.ts) and data.compiled (written for compiled_test.rego by src/check/rego.ts).
    unresolved-reference:
      level: warning
      except-paths:
        - data.ruleset
        - data.ruleset.*
        - data.notice
        - data.notice.*
        - data.annex4
        - data.annex4.*
        - data.derivation
        - data.derivation.*
        - data.compiled
        - data.compiled.*
  performance:
    # The same shared test helpers: Regal counts a helper rule in a _test.rego file as outside a test.
    with-outside-test-context:
      level: warning
      ignore:
        files:
          - "*_test.rego"
`;

interface RegalViolation {
  title: string;
  description: string;
  category: string;
  level: string;
  related_resources?: { description: string; ref: string }[];
  location?: { file?: string; row?: number; col?: number };
}

/** findRegal returns a runnable Regal binary (REGAL_BIN, Go's bin folder, or PATH) and its version. */
export function findRegal(): { bin: string; version: string } | undefined {
  const candidates = [process.env.REGAL_BIN, goBinRegal(), 'regal'].filter((c): c is string => !!c);
  for (const bin of candidates) {
    if (bin !== 'regal' && !existsSync(bin)) continue;
    try {
      const out = execFileSync(bin, ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return { bin, version: /^Version:\s*(\S+)/m.exec(out)?.[1] ?? 'unknown' };
    } catch {
      // not this one
    }
  }
  return undefined;
}

function goBinRegal(): string | undefined {
  try {
    const gobin = execFileSync('go', ['env', 'GOBIN'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split(':')[0];
    return `${gobin || `${gopath}/bin`}/regal`;
  } catch {
    return undefined;
  }
}

/** lintRego runs `regal lint` on the folders; a run that yields no report is a note, not a diagnostic. */
export function lintRego(regal: string, dirs: string[], root: string): { diagnostics: Diagnostic[]; notes: string[] } {
  const args = ['lint', '--format', 'json', '--no-color'];
  const configDir = dirs.some(hasOwnConfig) ? undefined : mkdtempSync(join(tmpdir(), 'credit-policy-regal-'));
  if (configDir) {
    writeFileSync(join(configDir, 'config.yaml'), defaultRegalConfig);
    args.push('--config-file', join(configDir, 'config.yaml'));
  }
  const r = spawnSync(regal, [...args, ...dirs], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (configDir) rmSync(configDir, { recursive: true, force: true });
  let report: { violations?: RegalViolation[] } | undefined;
  try {
    report = JSON.parse(r.stdout ?? '');
  } catch {
    report = undefined;
  }
  if (!report)
    return {
      diagnostics: [],
      notes: [`regal lint could not run (exit ${r.status}): ${(r.stderr || r.stdout || '').trim().split('\n')[0]}`],
    };
  const fallback = relative(root, dirs[0]) || dirs[0];
  const diagnostics = (report.violations ?? []).map((v): Diagnostic => {
    const loc = v.location;
    const file = loc?.file ? relative(root, resolve(loc.file)) || loc.file : fallback;
    const doc = v.related_resources?.find((x) => x.description === 'documentation')?.ref;
    const d: Diagnostic = {
      code: 'REGO004',
      severity: v.level === 'error' ? 'error' : 'warning',
      file,
      message: `regal ${v.category}/${v.title}: ${v.description}${doc ? ` (${doc})` : ''}`,
    };
    if (loc?.row) d.line = loc.row;
    if (loc?.col) d.column = loc.col;
    return d;
  });
  return { diagnostics, notes: [] };
}

// Regal looks for `.regal/config.yaml` or `.regal.yaml` in the folder and upwards.
function hasOwnConfig(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.regal', 'config.yaml')) || existsSync(join(d, '.regal.yaml'))) return true;
    if (dirname(d) === d) return false;
  }
}
