// Service: the rules being served and their safe replacement. A version (rulesets, compiled policy,
// obligations) is loaded beside the live one, checked (rule files, WASM, the rulesets' own rule tests),
// and only then swapped in with one assignment. A request reads `current` once when it starts, so it
// finishes on the version it began with; a refused version leaves the live one serving.
import { createHash } from 'node:crypto';
import type { LiveVersion } from '../../../generated/types/http/live-version.js';
import type { ReloadFailure, ReloadRecord } from '../../../generated/types/http/reload-record.js';
import { readFile } from 'node:fs/promises';
import { failureDiagnostics, loadRuleTests, runRuleTest, type RuleTestOutcome } from '../../check/rule-tests.js';
import { EngineError } from '../../engine/errors.js';
import type { ObligationService } from '../../obligations/service.js';
import { Rater } from '../../rating/rater.js';
import { existsSync } from 'node:fs';
import { Deriver } from '../../evidence/service.js';
import { defaultHeadersFile } from '../../evidence/tables.js';
import { calendarsDir as defaultCalendarsDir } from '../../obligations/service.js';
import { rulesetsDir as repoRulesetsDir } from '../../artifacts/artifacts.js';
import { formatDiagnostic, RulesError, type Diagnostic } from '../../diagnostics/diagnostics.js';
import { type Duties, DutiesByYear, type DutiesOptions, fixedDuties } from './duties.js';

/** RulesSource: where a version is loaded from. */
export interface RulesSource {
  rulesetsDir: string;
  wasmPath: string;
  /**
   * The calendars and policy of the obligations and inspections, which come from the obligations.yaml
   * and inspections.yaml of the ruleset in force for each year (default: the repo's); false: none.
   */
  obligations?: DutiesOptions | false;
  /** Run every ruleset's rule tests (tests/*.yaml) before a version may serve (default true). */
  ruleTests?: boolean;
}

/** RulesVersion: one loaded, checked version of the rules, and what identifies it. */
export interface RulesVersion {
  rater: Rater;
  /** Deadlines and annex 4 inspections by year, when a ruleset of the version has an obligations.yaml. */
  obligations?: Duties;
  /** Findings from evidence, with the same rulesets and policy as `rater` (so their hashes agree). */
  deriver?: Deriver;
  rulesets: LiveVersion['rulesets'];
  /** sha256 of the compiled policy's bytes, or null when the version was handed over already loaded. */
  wasmSha256: string | null;
  obligationsHash: string | null;
  loadedAt: string;
}

/** ReloadRecord: the outcome of one reload; a failure's diagnostics are `file:line:col: …` lines. */
export type { ReloadFailure, ReloadRecord };

/** VersionRefused: a version that did not load or did not pass its checks. */
export class VersionRefused extends Error {
  constructor(readonly failure: ReloadFailure) {
    super(failure.diagnostics.length ? `${failure.message}\n${failure.diagnostics.join('\n')}` : failure.message);
    this.name = 'VersionRefused';
  }
}

/** describeVersion is what /readyz and /v1/status say of a version. */
export function describeVersion(v: RulesVersion): LiveVersion {
  return { rulesets: v.rulesets, wasmSha256: v.wasmSha256, obligationsHash: v.obligationsHash, loadedAt: v.loadedAt };
}

/** LiveRules: the version being served, and the serialized reloads that may replace it. */
export class LiveRules {
  private version: RulesVersion;
  private last: ReloadRecord | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    version: RulesVersion,
    readonly source?: RulesSource,
  ) {
    this.version = version;
  }

  /** load loads and checks a first version; a refused one throws VersionRefused. */
  static async load(source: RulesSource): Promise<LiveRules> {
    return new LiveRules(await loadVersion(source), source);
  }

  /** fixed serves an already loaded Rater (tests, embedding); it cannot be reloaded. */
  static fixed(rater: Rater, obligations?: ObligationService, deriver?: Deriver): LiveRules {
    return new LiveRules({
      ...versionOf(rater, obligations ? fixedDuties(obligations) : undefined, null),
      ...(deriver ? { deriver } : {}),
    });
  }

  /** current is the live version; read it once per request. */
  get current(): RulesVersion {
    return this.version;
  }

  /** lastReload is the outcome of the most recent reload, if there was one. */
  get lastReload(): ReloadRecord | undefined {
    return this.last;
  }

  get reloadable(): boolean {
    return this.source !== undefined;
  }

  /** reload loads a new version beside the live one and swaps it in if it passes; reloads run one at a time. */
  reload(trigger: string): Promise<ReloadRecord> {
    const run = this.queue.then(() => this.reloadNow(trigger));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(trigger: string): Promise<ReloadRecord> {
    const started = performance.now();
    const at = new Date().toISOString();
    if (!this.source) throw new Error('this service was started without a rules folder to reload from');
    try {
      const next = await loadVersion(this.source);
      this.version = next;
      this.last = { ok: true, trigger, at, durationMs: Math.round(performance.now() - started) };
    } catch (err) {
      const error =
        err instanceof VersionRefused
          ? err.failure
          : {
              kind: 'unexpected' as const,
              message: `the new version could not be loaded: ${(err as Error).message}`,
              diagnostics: [],
            };
      this.last = { ok: false, trigger, at, durationMs: Math.round(performance.now() - started), error };
    }
    return this.last;
  }
}

/** loadVersion loads rules, policy and obligations from a source and checks them; any problem throws VersionRefused. */
export async function loadVersion(source: RulesSource): Promise<RulesVersion> {
  const before = await wasmDigest(source.wasmPath);
  let rater: Rater;
  let obligations: Duties | undefined;
  let deriver: Deriver;
  try {
    rater = await Rater.load(source.rulesetsDir, source.wasmPath);
    // Deadlines and annex 4 inspections of every ruleset that has them, chosen by year as the rating is.
    if (source.obligations !== false)
      obligations = await DutiesByYear.load(rater.registry, { wasmPath: source.wasmPath, ...source.obligations });
    deriver = await deriverFor(source, rater);
  } catch (err) {
    throw refusedFrom(err);
  }
  if (source.ruleTests !== false) await checkRuleTests(rater);
  const after = await wasmDigest(source.wasmPath);
  if (after !== before)
    throw new VersionRefused({
      kind: 'changed-while-loading',
      message: `${source.wasmPath} changed while it was being loaded; reload again once it is written`,
      diagnostics: [],
    });
  return { ...versionOf(rater, obligations, before), deriver };
}

/**
 * deriverFor reads findings from evidence with the version's own rulesets and policy, and the header
 * mapping beside the rulesets folder (the repo's when that folder has none beside it).
 */
export function deriverFor(source: Pick<RulesSource, 'rulesetsDir' | 'obligations'>, rater: Rater): Promise<Deriver> {
  const beside = defaultHeadersFile(source.rulesetsDir);
  return Deriver.assemble(rater.registry, rater.module, {
    calendars: (source.obligations ? source.obligations.calendarsDir : undefined) ?? defaultCalendarsDir,
    headers: existsSync(beside) ? beside : defaultHeadersFile(repoRulesetsDir),
  });
}

/** versionOf names a loaded version by what it serves: ruleset hashes, WASM digest, obligations. */
function versionOf(rater: Rater, obligations: Duties | undefined, wasmSha256: string | null): RulesVersion {
  return {
    rater,
    obligations,
    rulesets: rater.registry.rulesets.map((r) => ({ id: r.id, hash: r.hash })),
    wasmSha256,
    obligationsHash: obligations?.hash ?? null,
    loadedAt: new Date().toISOString(),
  };
}

async function wasmDigest(path: string): Promise<string> {
  try {
    return `sha256:${createHash('sha256')
      .update(await readFile(path))
      .digest('hex')}`;
  } catch (err) {
    throw new VersionRefused({
      kind: 'wasm',
      message: `cannot read the compiled policy ${path}: ${(err as Error).message}`,
      diagnostics: [],
    });
  }
}

function refusedFrom(err: unknown): VersionRefused {
  if (err instanceof RulesError) {
    const errors = err.diagnostics.filter((d) => d.severity === 'error');
    return new VersionRefused({
      kind: 'rules',
      message: `the rule files have ${errors.length} error(s)`,
      diagnostics: errors.map(formatDiagnostic),
    });
  }
  if (err instanceof EngineError) return new VersionRefused({ kind: 'wasm', message: err.message, diagnostics: [] });
  if (err instanceof VersionRefused) return err;
  return new VersionRefused({
    kind: 'unexpected',
    message: `the new version could not be loaded: ${(err as Error)?.message ?? String(err)}`,
    diagnostics: [],
  });
}

/** checkRuleTests runs each ruleset's rule tests, yielding to the event loop so requests keep flowing. */
async function checkRuleTests(rater: Rater): Promise<void> {
  const problems: Diagnostic[] = [];
  const outcomes: RuleTestOutcome[] = [];
  for (const rs of rater.registry.rulesets) {
    const { cases, diagnostics } = await loadRuleTests(rs.dir);
    problems.push(...diagnostics.filter((d) => d.severity === 'error'));
    for (let i = 0; i < cases.length; i++) {
      if (i % 16 === 15) await new Promise((r) => setImmediate(r));
      try {
        outcomes.push(runRuleTest(rater, cases[i]));
      } catch (err) {
        problems.push({
          code: 'TEST003',
          severity: 'error',
          file: cases[i].file,
          line: cases[i].line,
          message: `rule test "${cases[i].name}" could not run: ${(err as Error).message}`,
        });
      }
    }
  }
  problems.push(...failureDiagnostics(outcomes));
  if (problems.length)
    throw new VersionRefused({
      kind: 'rule-tests',
      message: `${problems.length} rule test problem(s): the rules load, but do not do what their tests say`,
      diagnostics: problems.map(formatDiagnostic),
    });
}
