// Toolchain: finds a pinned tool that is installed as a Go module, and installs it with `go install`
// when it is missing: the Go proxy is the one download source a fresh machine here can reach.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** GoTool says how to recognise a pinned tool and how to install it. */
export interface GoTool {
  /** Its name in messages ("OPA", "actionlint"). */
  label: string;
  /** The binary's file name. */
  bin: string;
  /** The variable that may name a binary to use instead. */
  envVar: string;
  /** The version wanted, as `versionOf` reads it. */
  version: string;
  /** versionOf reads a binary's version, or undefined when it is not one this project can use. */
  versionOf: (bin: string) => string | undefined;
  /** The arguments of `go install`. */
  installArgs: string[];
}

/** versionFrom runs `bin args` and returns what `pattern`'s first group finds in its output. */
export function versionFrom(bin: string, args: string[], pattern: RegExp): string | undefined {
  try {
    const out = execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return pattern.exec(out)?.[1];
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

/** findGoTool returns the path of a binary of the pinned version, or undefined. */
export function findGoTool(tool: GoTool): string | undefined {
  const dir = goBin();
  const candidates = [process.env[tool.envVar], dir && `${dir}/${tool.bin}`, tool.bin].filter((c): c is string => !!c);
  return candidates.find((c) => (c === tool.bin || existsSync(c)) && tool.versionOf(c) === tool.version);
}

/** ensureGoTool returns the pinned binary, running `go install` first when it is missing. */
export function ensureGoTool(
  tool: GoTool,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): string {
  const found = findGoTool(tool);
  if (found) return found;
  log(`${tool.label} ${tool.version} not found; installing it: go install ${tool.installArgs.join(' ')} …`);
  execFileSync('go', ['install', ...tool.installArgs], { stdio: 'inherit' });
  const installed = findGoTool(tool);
  if (!installed)
    throw new Error(`go install finished but no ${tool.label} ${tool.version} was found in $(go env GOPATH)/bin`);
  return installed;
}
