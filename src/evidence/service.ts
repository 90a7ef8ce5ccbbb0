// Evidence stage: everything derivation needs, loaded once (rulesets, the compiled policy, the
// working-day calendar, the table specs), and the one call the CLI and the service make.
import { join } from 'node:path';
import { PolicyModule } from '../engine/engine.js';
import { WorkingCalendar } from '../obligations/calendar.js';
import { Registry } from '../rules/registry.js';
import { type DerivedFindings, deriveFindings } from './derive.js';
import { loadTableSpecs, type TableName, type TableSpec } from './tables.js';

export interface DeriverPaths {
  rules: string;
  wasm: string;
  calendars: string;
  /** policies/evidence/headers.yaml; beside the rulesets folder when left out. */
  headers?: string;
}

export interface DeriveRequest {
  dir: string;
  institution: string;
  region?: string;
  year: number;
  asOf?: string;
  usersNeeded?: number;
  ruleset?: string;
  chunkSize?: number;
  /** Files are named relative to this folder in findings and problems (default: the working folder). */
  displayRoot?: string;
  record?: (entrypoint: 'marks' | 'summary', input: unknown) => void;
}

/** Deriver derives findings from evidence folders with rules loaded once. */
export class Deriver {
  private constructor(
    readonly registry: Registry,
    private readonly module: PolicyModule,
    private readonly calendar: WorkingCalendar,
    readonly specs: Map<TableName, TableSpec>,
  ) {}

  /** assemble derives with rulesets and a policy already loaded (the service's, so the hashes agree). */
  static async assemble(
    registry: Registry,
    module: PolicyModule,
    p: { calendars: string; headers: string; calendar?: WorkingCalendar },
  ): Promise<Deriver> {
    const [calendar, specs] = await Promise.all([
      p.calendar ?? WorkingCalendar.load(p.calendars),
      loadTableSpecs(p.headers),
    ]);
    return new Deriver(registry, module, calendar, specs);
  }

  static async load(p: DeriverPaths): Promise<Deriver> {
    const [registry, module, calendar, specs] = await Promise.all([
      Registry.load(p.rules),
      PolicyModule.fromFile(p.wasm),
      WorkingCalendar.load(p.calendars),
      loadTableSpecs(p.headers ?? join(p.rules, '..', 'evidence', 'headers.yaml')),
    ]);
    return new Deriver(registry, module, calendar, specs);
  }

  /** derive picks the ruleset in force for the year (and region), or the one named. */
  derive(r: DeriveRequest): Promise<DerivedFindings> {
    const ruleset = this.registry.select(r.year, r.region, r.ruleset);
    return deriveFindings({ ...r, ruleset, module: this.module, specs: this.specs, calendar: this.calendar });
  }
}
