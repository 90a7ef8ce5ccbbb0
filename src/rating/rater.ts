// Rating stage: the pipeline for one input, top to bottom: choose the ruleset, validate the input
// with that ruleset's own schema, evaluate the WASM policy, decorate the result.
import type { ValidateFunction } from 'ajv';
import type { EvaluationInput } from '../../generated/types/rating/evaluation-input.js';
import { ratingEntrypoint } from '../artifacts/artifacts.js';
import { PolicyModule, type PolicyInstance } from '../engine/engine.js';
import { compilePolicyData } from '../rules/compile.js';
import { Registry, SelectionError } from '../rules/registry.js';
import type { RuleSet } from '../rules/ruleset.js';
import { createAjv } from '../validation/ajv.js';
import { explainErrors, type Problem } from '../validation/explain.js';
import { textProblems } from '../validation/text.js';
import type { CompactResult } from './compact.js';
import { decorate, type RatingResult } from './decorate.js';
import { deriveInputSchema } from './input-schema.js';

/** Outcome of one evaluation: a result, or the problems that refused the input (never both). */
export type Outcome =
  | { ok: true; result: RatingResult; ruleset: RuleSet }
  | { ok: false; status: 400 | 404 | 422; problems: Problem[] };

interface Loaded {
  ruleset: RuleSet;
  validate: ValidateFunction;
  policy: PolicyInstance;
  inputSchema: Record<string, unknown>;
}

/** Rater holds every ruleset with its compiled validator and policy instance, loaded once. */
export class Rater {
  private constructor(
    readonly registry: Registry,
    private readonly loaded: Map<string, Loaded>,
  ) {}

  static async load(rulesetsDir: string, wasmPath: string): Promise<Rater> {
    const registry = await Registry.load(rulesetsDir);
    const module = await PolicyModule.fromFile(wasmPath);
    const loaded = new Map<string, Loaded>();
    for (const ruleset of registry.rulesets) {
      const inputSchema = deriveInputSchema(ruleset);
      loaded.set(ruleset.id, {
        ruleset,
        inputSchema,
        validate: createAjv().compile(inputSchema),
        policy: await module.instantiate(compilePolicyData(ruleset)),
      });
    }
    return new Rater(registry, loaded);
  }

  inputSchema(id: string): Record<string, unknown> | undefined {
    return this.loaded.get(id)?.inputSchema;
  }

  /** evaluate runs the whole pipeline for one input of unknown shape. */
  evaluate(input: unknown): Outcome {
    // Before the ruleset is chosen: a hidden character in a region or a pinned id must not choose it.
    const text = textProblems(input);
    if (text.length) return { ok: false, status: 400, problems: text };
    const picked = this.pick(input);
    if (!picked.ok) return picked;
    const { validate, policy, ruleset } = picked.loaded;
    if (!validate(input)) return { ok: false, status: 400, problems: explainErrors(validate.errors, input) };
    const typed = input as EvaluationInput;
    const compact = policy.evaluate(typed, ratingEntrypoint) as CompactResult;
    return { ok: true, result: decorate(ruleset, typed, compact), ruleset };
  }

  private pick(
    input: unknown,
  ): { ok: true; loaded: Loaded } | { ok: false; status: 400 | 404 | 422; problems: Problem[] } {
    if (input === null || typeof input !== 'object' || Array.isArray(input))
      return {
        ok: false,
        status: 400,
        problems: [
          { path: '', message: 'must be a JSON object with institution, year and findings', allowed: ['object'] },
        ],
      };
    const { year, ruleset, institution } = input as {
      year?: unknown;
      ruleset?: unknown;
      institution?: { region?: unknown };
    };
    if (!Number.isInteger(year))
      return {
        ok: false,
        status: 400,
        problems: [
          {
            path: '/year',
            message: `must be a whole number (the year being rated), not ${JSON.stringify(year) ?? 'nothing'}`,
            allowed: ['integer'],
          },
        ],
      };
    if (ruleset !== undefined && typeof ruleset !== 'string')
      return {
        ok: false,
        status: 400,
        problems: [
          {
            path: '/ruleset',
            message: 'must be a ruleset id (text)',
            allowed: this.registry.rulesets.map((r) => r.id),
          },
        ],
      };
    const region = typeof institution?.region === 'string' ? institution.region : undefined;
    try {
      const rs = this.registry.select(year as number, region, ruleset as string | undefined);
      return { ok: true, loaded: this.loaded.get(rs.id)! };
    } catch (err) {
      if (!(err instanceof SelectionError)) throw err;
      const status = err.reason === 'unknown-ruleset' ? 404 : 422;
      return {
        ok: false,
        status,
        problems: [
          {
            path: err.reason === 'no-ruleset-in-force' ? '/year' : '/ruleset',
            message: err.message,
            allowed: err.allowed,
          },
        ],
      };
    }
  }
}
