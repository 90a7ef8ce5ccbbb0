// Check stage: the Rego side of `check`: `opa check --strict`, `opa fmt` (unformatted is an error,
// with the diff), and `opa test` on both the interpreter and the WebAssembly target.
import { msg, said } from '../i18n/message.js';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { Diagnostic } from '../diagnostics/diagnostics.js';

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

/** checkRego runs every Rego check on the given folders and returns their problems. */
export function checkRego(opa: string, dirs: string[], root = process.cwd()): Diagnostic[] {
  const out: Diagnostic[] = [];

  const strict = run(opa, ['check', '--strict', '--format', 'json', ...dirs]);
  if (strict.status !== 0) {
    const errors = (
      safeJson(strict.stdout || strict.stderr) as {
        errors?: { message: string; code: string; location?: OpaLocation }[];
      }
    )?.errors;
    for (const e of errors ?? [{ message: strict.stderr.trim() || strict.stdout.trim(), code: 'opa_check' }])
      out.push({
        code: 'REGO001',
        severity: 'error',
        ...at(e.location, root),
        message: `opa check --strict: ${e.code}: ${e.message}`,
      });
    return out; // tests and formatting mean little on Rego that does not compile
  }

  const unformatted = run(opa, ['fmt', '--list', ...dirs])
    .stdout.split('\n')
    .filter(Boolean);
  for (const file of unformatted) {
    const name = relative(root, file) || file;
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

  for (const target of ['rego', 'wasm'] as const) {
    const test = run(opa, ['test', '-t', target, '--format', 'json', ...dirs]);
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
