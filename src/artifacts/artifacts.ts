// Artifacts: where the policy sources and the generated artifacts live, relative to the repo root, and the
// entrypoints compiled into the WASM module; written once here for the build, the engine's callers and check.
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const policiesDir = `${repoRoot}policies/`;
export const regoDirs = [
  `${policiesDir}rating`,
  `${policiesDir}obligations`,
  `${policiesDir}derive`,
  `${policiesDir}inspections`,
];
export const rulesetsDir = `${policiesDir}rulesets/`;
export const generatedDir = `${repoRoot}generated/`;
export const wasmPath = `${generatedDir}policy.wasm`;
/** The OPA release the project builds with; `ensure-opa` installs exactly this one. */
export const opaVersion = 'v1.22.3';

/** The rating entrypoint: one institution's year in, the compact result out. */
export const ratingEntrypoint = 'rating/result';
/** The obligations entrypoints (policies/obligations), one typed call each in obligations/policy.ts. */
export const obligationEntrypoints = {
  resolve: 'obligations/due/resolve',
  plan: 'obligations/due/plan',
  status: 'obligations/due/status',
  check: 'obligations/report/check',
  aggregate: 'obligations/report/aggregate',
} as const;
/** The derivation entrypoints (policies/derive): marks per chunk of evidence rows, then findings from totals. */
export const deriveEntrypoints = { marks: 'derive/marks', summary: 'derive/summary' } as const;
/** The inspections entrypoint (policies/inspections, annex 4), called by inspections/service.ts. */
export const inspectionsEntrypoint = 'inspections/status/evaluate';
/** Every entrypoint compiled into the WASM module, in the order the build passes them to `opa build`. */
export const entrypoints: string[] = [
  ratingEntrypoint,
  ...Object.values(obligationEntrypoints),
  ...Object.values(deriveEntrypoints),
  inspectionsEntrypoint,
];
