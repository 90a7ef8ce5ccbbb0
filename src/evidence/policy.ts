// Evidence stage: the derivation policy (policies/derive, compiled into generated/policy.wasm)
// instantiated with a ruleset's derivation parameters: marks rows, then turns totals into findings.
import { deriveEntrypoints } from '../artifacts/artifacts.js';
import type { PolicyInstance, PolicyModule } from '../engine/engine.js';
import { compileDerivationData, type Derivation } from '../rules/derivation.js';

/** Mark: a row (by its index in the chunk) the policy counts for an item's finding, and why. */
export interface Mark {
  i: number;
  item: string;
  finding: string;
  why: string;
  /** For an idle stretch (5.4): its index in the user's input `idle`. */
  s?: number;
}

export interface Context {
  from: number;
  to: number;
  asOf: unknown;
}

export interface Totals {
  [item: string]: { [finding: string]: { hits: number; counted: number } };
}

export interface Summary {
  findings: Record<string, Record<string, number | boolean>>;
  undetermined: { item: string; finding: string; why: string }[];
}

/** DerivePolicy evaluates the two derivation entrypoints of one loaded module. */
export class DerivePolicy {
  private constructor(private readonly instance: PolicyInstance) {}

  static async load(module: PolicyModule, derivation: Derivation): Promise<DerivePolicy> {
    return new DerivePolicy(await module.instantiate(compileDerivationData(derivation)));
  }

  marks(table: string, context: Context, rows: unknown[]): Mark[] {
    return this.instance.evaluate({ table, context, rows }, deriveEntrypoints.marks) as Mark[];
  }

  /** marksJson is marks for rows already written as JSON text (a chunk sent to the policy thread). */
  marksJson(table: string, context: Context, rows: string): Mark[] {
    const input = `{"table":${JSON.stringify(table)},"context":${JSON.stringify(context)},"rows":${rows}}`;
    return this.instance.evaluateJson(input, deriveEntrypoints.marks) as Mark[];
  }

  summary(totals: Totals, usersNeeded: number | null): Summary {
    return this.instance.evaluate({ totals, usersNeeded }, deriveEntrypoints.summary) as Summary;
  }
}
