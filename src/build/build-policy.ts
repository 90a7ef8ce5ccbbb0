// Build stage: compiles the Rego to WebAssembly with the pinned OPA, against a capabilities file that
// lists only the built-ins the JS SDK provides, so a Rego change that would fail at run time fails here.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { entrypoints, regoDirs, repoRoot } from '../artifacts/artifacts.js';
import { sdkCapabilitiesPath } from './paths.js';

/** capabilities: the SDK's built-ins, with the rego_v1 feature our syntax needs. */
export async function capabilities(): Promise<string> {
  const sdk = JSON.parse(await readFile(sdkCapabilitiesPath, 'utf8')) as Record<string, unknown>;
  return `${JSON.stringify({ ...sdk, features: ['rego_v1'] }, null, 2)}\n`;
}

/**
 * buildWasm runs `opa build -t wasm` and returns the policy.wasm from the bundle. OPA writes each Rego
 * file's path into the module (for error locations), so it runs from the repo root with relative paths:
 * the same sources give the same bytes in any checkout, and an auditor can rebuild the committed hash.
 */
export async function buildWasm(opa: string, capabilitiesFile: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'credit-policy-build-'));
  try {
    const bundle = join(dir, 'bundle.tar.gz');
    const args = ['build', '-t', 'wasm', '--capabilities', capabilitiesFile, '--ignore', '*_test.rego', '-o', bundle];
    for (const e of entrypoints) args.push('-e', e);
    const sources = regoDirs.map((d) => relative(repoRoot, d));
    execFileSync(opa, [...args, ...sources], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    execFileSync('tar', ['-xzf', bundle, '-C', dir, '/policy.wasm'], { stdio: 'inherit' });
    return await readFile(join(dir, 'policy.wasm'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
