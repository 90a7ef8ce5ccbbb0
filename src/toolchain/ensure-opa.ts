// Toolchain: finds the pinned OPA, installing it as a Go module when it is missing, because a
// fresh machine has none and no other download site is reachable. It is built with the opa_wasm tag
// (a pure-Go WebAssembly runtime), so `opa test -t wasm` runs the Rego tests on the compiled target.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { opaVersion } from '../artifacts/artifacts.js';

/** versionOf returns an OPA binary's version, or undefined when it cannot run WebAssembly. */
function versionOf(bin: string): string | undefined {
  try {
    const out = execFileSync(bin, ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    if (!/^WebAssembly:\s*available/m.test(out)) return undefined;
    return /^Version:\s*(\S+)/m.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

function goBin(): string | undefined {
  try {
    const gobin = execFileSync('go', ['env', 'GOBIN'], { encoding: 'utf8' }).trim();
    const gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim().split(':')[0];
    return gobin || `${gopath}/bin`;
  } catch {
    return undefined;
  }
}

/** findOpa returns the path of an OPA binary of the pinned version, or undefined. */
export function findOpa(): string | undefined {
  const wanted = opaVersion.replace(/^v/, '');
  const bin = goBin();
  const candidates = [process.env.OPA_BIN, bin && `${bin}/opa`, 'opa'].filter((c): c is string => !!c);
  return candidates.find((c) => (c === 'opa' || existsSync(c)) && versionOf(c) === wanted);
}

/** ensureOpa returns the pinned OPA, running `go install` first when it is missing. */
export function ensureOpa(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
  const found = findOpa();
  if (found) return found;
  log(
    `OPA ${opaVersion} (with WebAssembly) not found; installing it: go install -tags opa_wasm github.com/open-policy-agent/opa@${opaVersion} …`,
  );
  execFileSync('go', ['install', '-tags', 'opa_wasm', `github.com/open-policy-agent/opa@${opaVersion}`], {
    stdio: 'inherit',
  });
  const installed = findOpa();
  if (!installed) throw new Error(`go install finished but no OPA ${opaVersion} was found in $(go env GOPATH)/bin`);
  return installed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${ensureOpa()}\n`);
}
