// Rating stage: the pipeline for one input, top to bottom: choose the ruleset in force for the input,
// then rate it with that ruleset's RulesetRater (validate, evaluate the WASM policy, decorate).
import { PolicyModule } from '../engine/engine.js';
import { Registry, SelectionError } from '../rules/registry.js';
import { notAnObject, type Outcome, RulesetRater } from './ruleset-rater.js';
import { textProblems } from '../validation/text.js';

export type { Outcome };

/** Rater holds every ruleset of a registry with its own RulesetRater, loaded once, and picks one per input. */
export class Rater {
  private constructor(
    readonly registry: Registry,
    private readonly raters: Map<string, RulesetRater>,
    /** The compiled policy the rulesets are rated with (derivation from evidence runs in it too). */
    readonly module: PolicyModule,
  ) {}

  static async load(rulesetsDir: string, wasmPath: string): Promise<Rater> {
    const registry = await Registry.load(rulesetsDir);
    const module = await PolicyModule.fromFile(wasmPath);
    const raters = new Map<string, RulesetRater>();
    for (const ruleset of registry.rulesets) raters.set(ruleset.id, await RulesetRater.create(module, ruleset));
    return new Rater(registry, raters, module);
  }

  inputSchema(id: string): Record<string, unknown> | undefined {
    return this.raters.get(id)?.inputSchema;
  }

  /** evaluate picks the ruleset in force for one input of unknown shape and rates it with that. */
  evaluate(input: unknown): Outcome {
    // Before the ruleset is chosen: a hidden character in a region or a pinned id must not choose it.
    const text = textProblems(input);
    if (text.length) return { ok: false, status: 400, problems: text };
    const picked = this.pick(input);
    return picked.ok ? picked.rater.evaluate(input) : picked;
  }

  private pick(input: unknown): { ok: true; rater: RulesetRater } | Extract<Outcome, { ok: false }> {
    if (input === null || typeof input !== 'object' || Array.isArray(input))
      return notAnObject as Extract<Outcome, { ok: false }>;
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
      return { ok: true, rater: this.raters.get(rs.id)! };
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
