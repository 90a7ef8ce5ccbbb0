// Toolchain: finds the pinned OPA, installing it as a Go module when it is missing, because a
// fresh machine has none and no other download site is reachable. It is built with the opa_wasm tag
// (a pure-Go WebAssembly runtime), so `opa test -t wasm` runs the Rego tests on the compiled target.
import { pathToFileURL } from 'node:url';
import { opaVersion } from '../artifacts/artifacts.js';
import { ensureGoTool, findGoTool, type GoTool, versionFrom } from './go-tool.js';

const opa: GoTool = {
  label: 'OPA (with WebAssembly)',
  bin: 'opa',
  envVar: 'OPA_BIN',
  version: opaVersion.replace(/^v/, ''),
  // A binary without the WebAssembly runtime cannot run the Rego tests on the wasm target.
  versionOf: (bin) => {
    const out = versionFrom(bin, ['version'], /([\s\S]*)/);
    if (!out || !/^WebAssembly:\s*available/m.test(out)) return undefined;
    return /^Version:\s*(\S+)/m.exec(out)?.[1];
  },
  installArgs: ['-tags', 'opa_wasm', `github.com/open-policy-agent/opa@${opaVersion}`],
};

/** findOpa returns the path of an OPA binary of the pinned version, or undefined. */
export function findOpa(): string | undefined {
  return findGoTool(opa);
}

/** ensureOpa returns the pinned OPA, running `go install` first when it is missing. */
export function ensureOpa(log?: (line: string) => void): string {
  return ensureGoTool(opa, log);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${ensureOpa()}\n`);
}
