// Check stage: the Rego side of `check`: `opa check --strict`, `opa fmt` (unformatted is an error,
// with the diff), and `opa test` on both the interpreter and the WebAssembly target, given the data the
// host compiles from a ruleset as data.compiled (policies/rating/compiled_test.rego reads it).
import { msg } from '../diagnostics/message.js';
import { said } from '../diagnostics/i18n.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { PolicyData } from '../../generated/types/policy/data.js';
import { rulesetsDir } from '../artifacts/artifacts.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { compilePolicyData } from '../rules/compile.js';
import { Registry } from '../rules/registry.js';
import { compileSchema } from '../validation/ajv.js';
import { explainErrors } from '../diagnostics/explain.js';

interface OpaLocation {
  file: string;
  row: number;
  col: number;
}

function run(opa: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(opa, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function at(loc: OpaLocation | undefined, root: string): Pick<Diagnostic, 'file' | 'line' | 'column'> {
  return loc ? { file: relative(root, loc.file) || loc.file, line: loc.row, column: loc.col } : { file: '(rego)' };
}

/** compiledInForce is the policy data of the repo's ruleset in force this year: the Rego tests' default data. */
export async function compiledInForce(): Promise<PolicyData> {
  return compilePolicyData((await Registry.load(rulesetsDir)).select(new Date().getUTCFullYear()));
}

/**
 * checkRego runs every Rego check on the given folders and returns their problems; the tests run with
 * `compiled` (by default that of the ruleset in force) as data.compiled, after it is checked against
 * schemas/policy/data.schema.json, the shape the Rego is written for.
 */
export async function checkRego(
  opa: string,
  dirs: string[],
  root = process.cwd(),
  compiled?: PolicyData,
): Promise<Diagnostic[]> {
  const strict = strictCheck(opa, dirs, root);
  // Tests and formatting mean little on Rego that does not compile.
  if (strict.length) return strict;
  const out = formatCheck(opa, dirs, root);
  const data = compiled ?? (await compiledInForce());
  const misfits = dataCheck(data);
  if (misfits.length) return [...out, ...misfits];
  const dataDir = mkdtempSync(join(tmpdir(), 'credit-policy-rego-data-'));
  try {
    const dataFile = join(dataDir, 'compiled.json');
    writeFileSync(dataFile, JSON.stringify({ compiled: data }));
    out.push(...runTests(opa, [...dirs, dataFile], root));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

/** strictCheck: `opa check --strict`, each error at its position (REGO001). */
function strictCheck(opa: string, dirs: string[], root: string): Diagnostic[] {
  const strict = run(opa, ['check', '--strict', '--format', 'json', ...dirs]);
  if (strict.status === 0) return [];
  const errors = (
    safeJson(strict.stdout || strict.stderr) as {
      errors?: { message: string; code: string; location?: OpaLocation }[];
    }
  )?.errors;
  return (errors ?? [{ message: strict.stderr.trim() || strict.stdout.trim(), code: 'opa_check' }]).map((e) => ({
    code: 'REGO001',
    severity: 'error',
    ...at(e.location, root),
    message: `opa check --strict: ${e.code}: ${e.message}`,
  }));
}

/**
 * regoFiles: every .rego file under the folders (or given as a file), sorted: what the formatting
 * check covers, one file at a time.
 */
export function regoFiles(paths: string[]): string[] {
  const files = paths.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p, { recursive: true, encoding: 'utf8' }).map((name) => join(p, name))
      : [p],
  );
  return files.filter((f) => f.endsWith('.rego') && statSync(f).isFile()).sort();
}

/**
 * formatCheck: every file `opa fmt` would change, with the diff, and every file it cannot format
 * (REGO002). Each file gets its own `opa fmt --list`: given a folder, opa stops at the first file it
 * cannot format and lists nothing after it, so one bad file would hide the rest.
 */
export function formatCheck(opa: string, dirs: string[], root: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const file of regoFiles(dirs)) {
    const name = relative(root, file) || file;
    const listed = run(opa, ['fmt', '--list', file]);
    if (listed.status !== 0) {
      out.push({
        code: 'REGO002',
        severity: 'error',
        file: name,
        ...said(msg('diag.rego.fmtFailed', { name, error: fmtError(listed.stderr || listed.stdout, file) })),
      });
      continue;
    }
    if (!listed.stdout.trim()) continue;
    const diff = createTwoFilesPatch(
      name,
      `${name} (opa fmt)`,
      readFileSync(file, 'utf8'),
      run(opa, ['fmt', file]).stdout,
      '',
      '',
      { context: 1 },
    )
      .split('\n')
      .slice(2)
      .join('\n')
      .trim();
    out.push({
      code: 'REGO002',
      severity: 'error',
      file: name,
      line: firstChangedLine(diff),
      // The diff is opa fmt's, as it prints it.
      ...said(msg('diag.rego.unformatted', { name, diff })),
    });
  }
  return out;
}

// opa's own words ("the result is invalid: …") without the leading file name and the --check-result hint.
function fmtError(text: string, file: string): string {
  return text
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('To inspect the formatted Rego'))
    .join('\n')
    .replace(`${file} was successfully formatted, but `, '')
    .trim();
}

/** dataCheck: the compiled policy data against schemas/policy/data.schema.json, the shape the Rego is written for (REGO003). */
function dataCheck(data: PolicyData): Diagnostic[] {
  const validData = compileSchema('policy/data.schema.json');
  if (validData(data)) return [];
  return explainErrors(validData.errors, data).map((p) => ({
    code: 'REGO003',
    severity: 'error',
    file: '(compiled policy data)',
    message: `does not fit schemas/policy/data.schema.json at ${p.path || '/'}: ${p.message}`,
  }));
}

// `opa test` on both targets; every failing or erroring test at its line.
function runTests(opa: string, paths: string[], root: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const target of ['rego', 'wasm'] as const) {
    const test = run(opa, ['test', '-t', target, '--format', 'json', ...paths]);
    const results = safeJson(test.stdout) as
      | { location?: OpaLocation; name: string; fail?: boolean; error?: { message?: string }; skip?: boolean }[]
      | undefined;
    if (!Array.isArray(results)) {
      if (test.status !== 0)
        out.push({
          code: 'REGO003',
          severity: 'error',
          file: '(rego)',
          message: `opa test -t ${target} failed: ${(test.stderr || test.stdout).trim()}`,
        });
      continue;
    }
    for (const r of results)
      if (r.fail || r.error)
        out.push({
          code: 'REGO003',
          severity: 'error',
          ...at(r.location, root),
          message: `opa test -t ${target}: ${r.name} ${r.error ? `errored: ${r.error.message ?? ''}` : 'failed'}`,
        });
  }
  return out;
}

function firstChangedLine(diff: string): number | undefined {
  const m = /^@@ -(\d+)/m.exec(diff);
  return m ? Number(m[1]) : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
