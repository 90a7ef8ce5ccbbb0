// Toolchain: finds the pinned actionlint (the linter of GitHub Actions workflows), installing it as a
// Go module when it is missing, as ensure-opa does for OPA: the Go proxy is the one source reachable.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The version the workflow is linted with (served by the Go proxy). */
export const actionlintVersion = 'v1.7.12';

function versionOf(bin: string): string | undefined {
  try {
    const out = execFileSync(bin, ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /^(v\d+\.\d+\.\d+)/m.exec(out)?.[1];
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

/** findActionlint returns the path of an actionlint of the pinned version, or undefined. */
export function findActionlint(): string | undefined {
  const bin = goBin();
  const candidates = [process.env.ACTIONLINT_BIN, bin && `${bin}/actionlint`, 'actionlint'].filter(
    (c): c is string => !!c,
  );
  return candidates.find((c) => (c === 'actionlint' || existsSync(c)) && versionOf(c) === actionlintVersion);
}

/** ensureActionlint returns the pinned actionlint, running `go install` first when it is missing. */
export function ensureActionlint(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
  const found = findActionlint();
  if (found) return found;
  const module = `github.com/rhysd/actionlint/cmd/actionlint@${actionlintVersion}`;
  log(`actionlint ${actionlintVersion} not found; installing it: go install ${module} …`);
  execFileSync('go', ['install', module], { stdio: 'inherit' });
  const installed = findActionlint();
  if (!installed) throw new Error(`go install finished but no actionlint ${actionlintVersion} was found`);
  return installed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${ensureActionlint()}\n`);
}
