// The optional Rego linter: with Regal installed, each violation is a REGO004 diagnostic at its line,
// with Regal's level as severity; without it, `check` says it skipped the lint and still passes.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureOpa } from '../../src/toolchain/ensure-opa.js';
import { regoDirs, repoRoot } from '../../src/artifacts/artifacts.js';
import { findRegal, lintRego } from '../../src/check/regal.js';

const regal = findRegal();

// Regal is optional and CI does not install it: the Go module proxy does not list its versions, so
// `go install` cannot fetch it there (src/check/ensure-regal.ts builds it where it can). Without it,
// these tests are todo, with this reason, rather than skipped in silence.
const withRegal = (name: string, fn: () => Promise<void>) =>
  regal ? it(name, fn) : it.todo(`${name} — Regal is not installed here (node dist/check/ensure-regal.js)`);
// Removed with the rest of the file's temporary folders (test/setup/temp-dirs.ts).
const tempDir = () => mkdtemp(join(tmpdir(), 'credit-policy-regal-'));

describe('Regal', () => {
  withRegal('when installed, reports each violation as REGO004 at its line', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'p.rego'), 'package p\n\nallowed := true if {\n\tinput.x == 1\n} else := false\n');
    const { diagnostics, notes } = lintRego(regal!.bin, [dir], dir);
    expect(notes).toEqual([]);
    expect(diagnostics).toContainEqual({
      code: 'REGO004',
      severity: 'warning',
      file: 'p.rego',
      line: 5,
      column: 3,
      message: expect.stringMatching(
        /^regal style\/default-over-else: Prefer default assignment over fallback else \(https:\/\/.+\)$/,
      ),
    });
  });

  withRegal("takes the severity from Regal's level, set by the Rego folder's own .regal/config.yaml", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, '.regal'));
    await writeFile(
      join(dir, '.regal', 'config.yaml'),
      'features:\n  remote:\n    check-version: false\nrules:\n  style:\n    default-over-else:\n      level: error\n',
    );
    await writeFile(join(dir, 'p.rego'), 'package p\n\nallowed := true if {\n\tinput.x == 1\n} else := false\n');
    const { diagnostics } = lintRego(regal!.bin, [dir], dir);
    expect(diagnostics.find((d) => d.message.includes('default-over-else'))).toMatchObject({
      severity: 'error',
      file: 'p.rego',
      line: 5,
    });
  });

  // The default configuration settles what follows from the design (host-provided data, packages named
  // by entrypoint, shared test helpers), and the Rego is wrapped to 120 columns: none of these come back.
  withRegal("leaves none of the warnings the design explains on the repo's Rego", async () => {
    const { diagnostics, notes } = lintRego(regal!.bin, regoDirs, repoRoot);
    expect(notes).toEqual([]);
    const settled =
      /regal (imports\/unresolved-reference|idiomatic\/directory-package-mismatch|style\/line-length|performance\/with-outside-test-context|style\/external-reference):/;
    expect(diagnostics.filter((d) => settled.test(d.message))).toEqual([]);
    expect(diagnostics.filter((d) => d.file.endsWith('_test.rego'))).toEqual([]);
  });

  // Every other warning is fixed, or ignored where the fix would change a result; each such ignore
  // directive has its reason on the comment line above it.
  withRegal("leaves no warning at all on the repo's Rego, each ignore explained above it", async () => {
    const { diagnostics, notes } = lintRego(regal!.bin, regoDirs, repoRoot);
    expect(notes).toEqual([]);
    expect(diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`)).toEqual([]);
    const unexplained: string[] = [];
    for (const dir of regoDirs)
      for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.rego'))) {
        const lines = readFileSync(join(dir, name), 'utf8').split('\n');
        lines.forEach((line, i) => {
          if (!/^\s*# regal ignore:/.test(line)) return;
          const above = lines[i - 1] ?? '';
          if (!/^\s*# \S/.test(above) || /regal ignore:/.test(above)) unexplained.push(`${name}:${i + 1}`);
        });
      }
    expect(unexplained).toEqual([]);
  });

  it('when absent, the lint is skipped with a note and the check still passes', { timeout: 60_000 }, () => {
    const path = (process.env.PATH ?? '')
      .split(delimiter)
      .filter((d) => !existsSync(join(d, 'regal')))
      .join(delimiter);
    const env = {
      ...process.env,
      PATH: path,
      GOBIN: join(tmpdir(), 'no-such-gobin'),
      OPA_BIN: ensureOpa(),
      REGAL_BIN: '',
    };
    const r = spawnSync(process.execPath, [`${repoRoot}dist/cli/main.js`, 'check', '--lang', 'en', 'policies/rating'], {
      cwd: repoRoot,
      env,
      encoding: 'utf8',
    });
    expect(r.stdout).toContain(
      'info: Rego lint skipped: regal is not installed (`node dist/check/ensure-regal.js` builds Regal v0.38.1 with go)',
    );
    expect(r.status).toBe(0);
  });
});
