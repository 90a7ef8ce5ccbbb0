// Toolchain: finds the pinned actionlint (the linter of GitHub Actions workflows), installing it as a
// Go module when it is missing, as ensure-opa does for OPA.
import { pathToFileURL } from 'node:url';
import { ensureGoTool, findGoTool, type GoTool, versionFrom } from './go-tool.js';

/** The version the workflow is linted with (served by the Go proxy). */
export const actionlintVersion = 'v1.7.12';

const actionlint: GoTool = {
  label: 'actionlint',
  bin: 'actionlint',
  envVar: 'ACTIONLINT_BIN',
  version: actionlintVersion,
  versionOf: (bin) => versionFrom(bin, ['-version'], /^(v\d+\.\d+\.\d+)/m),
  installArgs: [`github.com/rhysd/actionlint/cmd/actionlint@${actionlintVersion}`],
};

/** findActionlint returns the path of an actionlint of the pinned version, or undefined. */
export function findActionlint(): string | undefined {
  return findGoTool(actionlint);
}

/** ensureActionlint returns the pinned actionlint, running `go install` first when it is missing. */
export function ensureActionlint(log?: (line: string) => void): string {
  return ensureGoTool(actionlint, log);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${ensureActionlint()}\n`);
}
