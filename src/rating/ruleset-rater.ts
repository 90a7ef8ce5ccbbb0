// Rating stage: one ruleset's pipeline for one input: validate it with the ruleset's own input schema,
// evaluate the WASM policy with the ruleset's data, decorate the compact result. The Rater keeps one per
// ruleset of its registry and chooses among them; diff, impact and replay pin one outside any registry.
import type { ValidateFunction } from 'ajv';
import type { EvaluationInput } from '../../generated/types/rating/evaluation-input.js';
import { ratingEntrypoint } from '../artifacts/artifacts.js';
import type { PolicyInstance, PolicyModule } from '../engine/engine.js';
import { compilePolicyData } from '../rules/compile.js';
import type { RuleSet } from '../rules/ruleset.js';
import { createAjv } from '../validation/ajv.js';
import { explainErrors, type Problem } from '../diagnostics/explain.js';
import type { CompactResult } from './compact.js';
import { decorate, type RatingResult } from './decorate.js';
import { deriveInputSchema } from './input-schema.js';

/** Outcome of one evaluation: a result, or the problems that refused the input (never both). */
export type Outcome =
  | { ok: true; result: RatingResult; ruleset: RuleSet }
  | { ok: false; status: 400 | 404 | 422; problems: Problem[] };

export interface RulesetRaterOptions {
  /**
   * anyYear rates a case whatever its year and whichever ruleset it names: "what if this case were
   * rated under these rules". Off, the ruleset's own input schema applies as it is.
   */
  anyYear?: boolean;
}

/** notAnObject: the refusal of an input that is not a JSON object, wherever it is rated. */
export const notAnObject: Outcome = {
  ok: false,
  status: 400,
  problems: [{ path: '', message: 'must be a JSON object with institution, year and findings', allowed: ['object'] }],
};

/** RulesetRater evaluates inputs under exactly one ruleset, with its validator and policy instance. */
export class RulesetRater {
  private constructor(
    readonly ruleset: RuleSet,
    readonly inputSchema: Record<string, unknown>,
    private readonly validate: ValidateFunction,
    private readonly policy: PolicyInstance,
    private readonly anyYear: boolean,
  ) {}

  static async create(
    module: PolicyModule,
    ruleset: RuleSet,
    options: RulesetRaterOptions = {},
  ): Promise<RulesetRater> {
    const schema = deriveInputSchema(ruleset);
    if (options.anyYear) {
      const properties = schema.properties as Record<string, unknown>;
      properties.year = { type: 'integer' };
      delete properties.ruleset;
    }
    const policy = await module.instantiate(compilePolicyData(ruleset));
    return new RulesetRater(ruleset, schema, createAjv().compile(schema), policy, options.anyYear === true);
  }

  /** evaluate runs the pipeline for one input of unknown shape. */
  evaluate(input: unknown): Outcome {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return notAnObject;
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
