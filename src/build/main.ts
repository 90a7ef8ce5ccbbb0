// Build stage: `npm run generate` rebuilds everything under generated/ from policies/ and schemas/:
// the capabilities file, the WASM policy, the TypeScript types and the manifest tying them together.
import { capabilities, buildWasm } from './build-policy.js';
import { ensureOpa } from '../toolchain/ensure-opa.js';
import { generateTypes } from './generate-types.js';
import { buildManifest } from './manifest.js';
import { repoRoot } from '../artifacts/artifacts.js';
import { capabilitiesPath } from './paths.js';
import { writeAtomically } from './write-generated.js';
import { sha256 } from '../rules/hash.js';

async function main(): Promise<void> {
  const opa = ensureOpa();
  const outputs: Record<string, string> = {};
  const write = async (path: string, content: string | Uint8Array) => {
    await writeAtomically(path, content);
    outputs[path] = sha256(content);
  };
  await write('generated/capabilities.json', await capabilities());
  await write('generated/policy.wasm', await buildWasm(opa, capabilitiesPath));
  for (const [path, ts] of await generateTypes()) await write(path, ts);
  await writeAtomically('generated/manifest.json', `${JSON.stringify(await buildManifest(outputs), null, 2)}\n`);
  process.stdout.write(`generated/ rebuilt in ${repoRoot}generated (${Object.keys(outputs).length} files)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
