// Service: the deadlines (obligations.yaml) and annex 4 inspections (inspections.yaml) of the
// ruleset in force for a year, chosen through the registry as the rating is, so a later version of the
// rules brings its own deadlines from the year it takes over.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InspectionService } from '../../inspections/service.js';
import { inspectionsFile } from '../../inspections/rules.js';
import { hashDigests } from '../../rules/hash.js';
import { type Registry, SelectionError } from '../../rules/registry.js';
import type { RuleSet } from '../../rules/ruleset.js';
import type { Problem } from '../../diagnostics/explain.js';
import { obligationsFile } from '../../obligations/load.js';
import { type Answer, ObligationService } from '../../obligations/service.js';

/** DutiesOptions: where the calendars and the compiled policy are read from (default: the repo's). */
export interface DutiesOptions {
  calendarsDir?: string;
  wasmPath?: string;
}

/** Duties: the obligations and inspections that apply in a year, or why none do. */
export interface Duties {
  /** `at` is the JSON path a refusal names (the field the year was read from). */
  obligationsFor(year: number, at?: string): Answer<ObligationService>;
  /** An answer without a service when the ruleset in force has no inspections.yaml. */
  inspectionsFor(year: number, at?: string): Answer<InspectionService | undefined>;
  /** What identifies the obligations served: one service's hash, or the hash of all of them. */
  readonly hash: string;
}

/** fixedDuties serves one obligations service (and inspections) for every year: tests and embedding. */
export function fixedDuties(obligations: ObligationService, inspections?: InspectionService): Duties {
  return {
    obligationsFor: () => ({ ok: true, result: obligations }),
    inspectionsFor: () => ({ ok: true, result: inspections }),
    hash: obligations.hash,
  };
}

/** DutiesByYear: the duties of every national ruleset of a registry with an obligations.yaml, by year. */
export class DutiesByYear implements Duties {
  private constructor(
    private readonly registry: Registry,
    private readonly obligations: ReadonlyMap<string, ObligationService>,
    private readonly inspections: ReadonlyMap<string, InspectionService>,
    readonly hash: string,
  ) {}

  /** load reads the duty files of every ruleset that has them; none at all is undefined (no routes). */
  static async load(registry: Registry, options: DutiesOptions = {}): Promise<DutiesByYear | undefined> {
    const obligations = new Map<string, ObligationService>();
    const inspections = new Map<string, InspectionService>();
    // Overlays are regional and keep their base's folder out of sight: duties follow the national rules.
    for (const rs of registry.rulesets.filter((r) => r.meta.region === null)) {
      if (!existsSync(join(rs.dir, obligationsFile))) continue;
      obligations.set(rs.id, await ObligationService.load({ ruleset: rs, ...options }));
      if (existsSync(join(rs.dir, inspectionsFile)))
        inspections.set(rs.id, await InspectionService.load({ rulesetDir: rs.dir, ...options }));
    }
    if (!obligations.size) return undefined;
    const services = [...obligations.entries()];
    const hash =
      services.length === 1
        ? services[0][1].hash
        : hashDigests(services.map(([id, s]) => ({ name: id, sha256: s.hash.replace(/^sha256:/, '') })));
    return new DutiesByYear(registry, obligations, inspections, hash);
  }

  obligationsFor(year: number, at = '/year'): Answer<ObligationService> {
    const chosen = this.inForce(year, at);
    if (!chosen.ok) return chosen;
    const service = this.obligations.get(chosen.result.id);
    if (service) return { ok: true, result: service };
    return {
      ok: false,
      problems: [
        {
          path: at,
          message: `the ruleset in force for ${year}, "${chosen.result.id}", has no ${obligationsFile}; those with one: ${[...this.obligations.keys()].join(', ')}`,
        },
      ],
    };
  }

  inspectionsFor(year: number, at = '/year'): Answer<InspectionService | undefined> {
    const chosen = this.inForce(year, at);
    return chosen.ok ? { ok: true, result: this.inspections.get(chosen.result.id) } : chosen;
  }

  private inForce(year: number, at: string): Answer<RuleSet> {
    try {
      return { ok: true, result: this.registry.select(year) };
    } catch (err) {
      if (!(err instanceof SelectionError)) throw err;
      const problem: Problem = { path: at, message: err.message, allowed: err.allowed };
      return { ok: false, problems: [problem] };
    }
  }
}

/** yearOfDate is the year of a `YYYY…` date given in a request, or undefined for anything else. */
export function yearOfDate(text: unknown): number | undefined {
  const m = typeof text === 'string' ? /^(\d{4})(?:-|$)/.exec(text) : null;
  return m ? Number(m[1]) : undefined;
}
