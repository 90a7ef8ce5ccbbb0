// Check stage: installs the pinned Regal as a Go module, for those who want `check` to lint the Rego.
// Nothing runs it by itself: `check` works without Regal (it says so in a note). A plain
// `go install module@version` fails here because the module proxy refuses Regal's version list,
// which `go install` reads for deprecation notices; building it from a throwaway module that
// requires the exact version reads no list. Cold, it takes about two minutes (download and build).
//   node dist/check/ensure-regal.js
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findRegal, regalModule, regalVersion } from './regal.js';

/** ensureRegal returns a Regal binary, building the pinned one with Go when none is found. */
export function ensureRegal(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): {
  bin: string;
  version: string;
} {
  const found = findRegal();
  if (found) return found;
  log(`Regal not found; building ${regalModule}@${regalVersion} with go (about two minutes the first time) …`);
  const dir = mkdtempSync(join(tmpdir(), 'credit-policy-regal-build-'));
  try {
    writeFileSync(join(dir, 'go.mod'), `module regalbuild\n\ngo 1.24\n\nrequire ${regalModule} ${regalVersion}\n`);
    writeFileSync(join(dir, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport _ "${regalModule}"\n`);
    const env = { ...process.env, GOFLAGS: '-mod=mod' };
    execFileSync('go', ['mod', 'tidy'], { cwd: dir, env, stdio: 'inherit' });
    execFileSync('go', ['install', '-ldflags', `-X ${regalModule}/pkg/version.Version=${regalVersion}`, regalModule], {
      cwd: dir,
      env,
      stdio: 'inherit',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const installed = findRegal();
  if (!installed) throw new Error(`go install finished but no regal was found in $(go env GOPATH)/bin`);
  return installed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { bin, version } = ensureRegal();
  process.stdout.write(`${bin} ${version}\n`);
}
