// Build stage: the capabilities files only the build reads; every other path is in artifacts/.
import { generatedDir, repoRoot } from '../artifacts/artifacts.js';

export const capabilitiesPath = `${generatedDir}capabilities.json`;
export const sdkCapabilitiesPath = `${repoRoot}node_modules/@open-policy-agent/opa-wasm/capabilities.json`;
