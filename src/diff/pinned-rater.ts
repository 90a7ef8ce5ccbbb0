// Diff stage: one ruleset, pinned, with its own policy instance: the same WASM module as the Rater,
// only the data differs. Impact runs and replays evaluate cases under rulesets that are not (or no
// longer) in the registry, so no selection by year or region happens here.
import type { ValidateFunction } from 'ajv';
import type { EvaluationInput } from '../../generated/types/rating/evaluation-input.js';
import type { PolicyModule, PolicyInstance } from '../engine/engine.js';
import type { CompactResult } from '../rating/compact.js';
import { decorate } from '../rating/decorate.js';
import { deriveInputSchema } from '../rating/input-schema.js';
import { ratingEntrypoint } from '../artifacts/artifacts.js';
import type { Outcome } from '../rating/rater.js';
import { compilePolicyData } from '../rules/compile.js';
import type { RuleSet } from '../rules/ruleset.js';
import { createAjv } from '../validation/ajv.js';
import { explainErrors } from '../validation/explain.js';

export interface PinOptions {
  /**
   * anyYear rates a case whatever its year and whichever ruleset it names: "what if this case were
   * rated under these rules". Off, the ruleset's own input schema applies as it is (a replay).
   */
  anyYear?: boolean;
}

/** PinnedRater evaluates inputs under exactly one ruleset. */
export class PinnedRater {
  private constructor(
    readonly ruleset: RuleSet,
    private readonly validate: ValidateFunction,
    private readonly policy: PolicyInstance,
    private readonly anyYear: boolean,
  ) {}

  static async create(module: PolicyModule, ruleset: RuleSet, options: PinOptions = {}): Promise<PinnedRater> {
    const schema = deriveInputSchema(ruleset);
    if (options.anyYear) {
      const properties = schema.properties as Record<string, unknown>;
      properties.year = { type: 'integer' };
      delete properties.ruleset;
    }
    const policy = await module.instantiate(compilePolicyData(ruleset));
    return new PinnedRater(ruleset, createAjv().compile(schema), policy, options.anyYear === true);
  }

  evaluate(input: unknown): Outcome {
    if (input === null || typeof input !== 'object' || Array.isArray(input))
      return {
        ok: false,
        status: 400,
        problems: [
          { path: '', message: 'must be a JSON object with institution, year and findings', allowed: ['object'] },
        ],
      };
    let given = input as Record<string, unknown>;
    if (this.anyYear && 'ruleset' in given) {
      const { ruleset: _pin, ...rest } = given;
      given = rest;
    }
    if (!this.validate(given)) return { ok: false, status: 400, problems: explainErrors(this.validate.errors, given) };
    const typed = given as unknown as EvaluationInput;
    const compact = this.policy.evaluate(typed, ratingEntrypoint) as CompactResult;
    return { ok: true, result: decorate(this.ruleset, typed, compact), ruleset: this.ruleset };
  }
}
