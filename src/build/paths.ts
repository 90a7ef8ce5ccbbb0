// Build stage: where sources and generated artifacts live, relative to the repo root.
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const policiesDir = `${repoRoot}policies/`;
export const regoDirs = [`${policiesDir}rating`, `${policiesDir}obligations`, `${policiesDir}inspections`];
export const rulesetsDir = `${policiesDir}rulesets/`;
export const generatedDir = `${repoRoot}generated/`;
export const wasmPath = `${generatedDir}policy.wasm`;
export const manifestPath = `${generatedDir}manifest.json`;
export const capabilitiesPath = `${generatedDir}capabilities.json`;
export const sdkCapabilitiesPath = `${repoRoot}node_modules/@open-policy-agent/opa-wasm/capabilities.json`;
/** The OPA release the project builds with; `ensure-opa` installs exactly this one. */
export const opaVersion = 'v1.22.3';
/** Entrypoints compiled into the WASM module. */
export const entrypoints = [
  'rating/result',
  'obligations/due/resolve',
  'obligations/due/plan',
  'obligations/due/status',
  'obligations/report/check',
  'obligations/report/aggregate',
  'inspections/status/evaluate',
];
