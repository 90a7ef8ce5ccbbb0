// generated/ is committed so the service runs on Node alone; this fails when it no longer matches
// the sources it was built from. Fix with `npm run generate`.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildWasm, capabilities } from '../../src/build/build-policy.js';
import { capabilitiesPath } from '../../src/build/paths.js';
import { ensureOpa } from '../../src/toolchain/ensure-opa.js';
import { generateTypes } from '../../src/build/generate-types.js';
import { sdkVersion, sourceHashes, type Manifest } from '../../src/build/manifest.js';
import { opaVersion, repoRoot } from '../../src/artifacts/artifacts.js';
import { sha256 } from '../../src/rules/hash.js';

const manifest = JSON.parse(await readFile(`${repoRoot}generated/manifest.json`, 'utf8')) as Manifest;

describe('generated/', () => {
  it('was built by the pinned OPA and the installed SDK', async () => {
    expect(manifest.opaVersion).toBe(opaVersion);
    expect(manifest.opaWasmSdk).toBe(await sdkVersion());
  });

  it('was built from the current Rego, schemas and capabilities (run `npm run generate` if not)', async () => {
    expect(await sourceHashes()).toEqual(manifest.sources);
  });

  it('holds exactly the artifacts the manifest lists, unmodified', async () => {
    for (const [path, hash] of Object.entries(manifest.outputs))
      expect(sha256(await readFile(repoRoot + path)), path).toBe(hash);
  });

  // OPA writes the Rego files' paths into the module; built from any checkout, the bytes must be the
  // committed ones, or an auditor could not rebuild the hash a decision names.
  it('has the policy.wasm the pinned OPA builds from these sources, byte for byte', async () => {
    const built = await buildWasm(ensureOpa(), capabilitiesPath);
    expect(sha256(built)).toBe(manifest.outputs['generated/policy.wasm']);
  }, 120_000);

  it('has types equal to what the schemas generate now', async () => {
    const fresh = await generateTypes();
    for (const [path, text] of fresh) expect(await readFile(repoRoot + path, 'utf8'), path).toBe(text);
    expect([...fresh.keys()].sort()).toEqual(
      Object.keys(manifest.outputs)
        .filter((p) => p.startsWith('generated/types/'))
        .sort(),
    );
  });

  it('has the capabilities file derived from the SDK', async () => {
    expect(await readFile(`${repoRoot}generated/capabilities.json`, 'utf8')).toBe(await capabilities());
  });
});
