// The Rego passes `opa check --strict`, is formatted, and its tests pass on both targets; a broken
// or unformatted file is reported at its line.
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureOpa } from '../../src/toolchain/ensure-opa.js';
import { regoDirs, repoRoot } from '../../src/artifacts/artifacts.js';
import { checkRego, compiledInForce, formatCheck, regoFiles } from '../../src/check/rego.js';
import { compileSchema } from '../../src/validation/ajv.js';
import { formatDiagnostic } from '../../src/diagnostics/diagnostics.js';

let opa: string;
beforeAll(() => {
  opa = ensureOpa();
});

async function copyRego(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'credit-policy-rego-'));
  await cp(regoDirs[0], join(dir, 'rating'), { recursive: true });
  return dir;
}

describe('the Rego', () => {
  it('is strict-clean, formatted, and passes its tests on the rego and wasm targets', async () => {
    expect((await checkRego(opa, regoDirs, repoRoot)).map(formatDiagnostic)).toEqual([]);
  });

  it('unformatted is an error with the diff', async () => {
    const dir = await copyRego();
    const file = join(dir, 'rating', 'rating.rego');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(
        'newly_connected if institution.newlyConnected == true',
        'newly_connected if   institution.newlyConnected == true',
      ),
    );
    const out = await checkRego(opa, [join(dir, 'rating')], dir);
    expect(out).toHaveLength(1);
    expect(out[0].code).toBe('REGO002');
    expect(out[0].file).toBe('rating/rating.rego');
    expect(out[0].message).toContain('+newly_connected if institution.newlyConnected == true');
  });

  // opa fmt 1.22.3 writes a middle `else := "x" if "y" in s` with its head twice and then refuses
  // its own output; given a folder, it stops there and lists no file after it.
  it('a file opa fmt cannot format is an error, and the files after it are still checked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'credit-policy-rego-fmt-'));
    await writeFile(
      join(dir, 'a.rego'),
      'package q\n\nf(i) := "a" if i == 1\n\nelse := "x" if "y" in input.s\n\nelse := "z"\n',
    );
    await writeFile(join(dir, 'b.rego'), 'package q\n\nr if   input.x\n');
    const out = formatCheck(opa, [dir], dir);
    expect(out.map((d) => [d.code, d.file])).toEqual([
      ['REGO002', 'a.rego'],
      ['REGO002', 'b.rego'],
    ]);
    expect(out[0].message).toMatch(
      /^cannot be checked for format: `opa fmt a\.rego` fails on it; .*\n.*rego_parse_error/s,
    );
    expect(out[1].message).toContain('+r if input.x');
  });

  it('checks the format of every Rego file of the repo, status.rego among them', () => {
    const tracked = execFileSync('git', ['ls-files', '*.rego'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f.startsWith('policies/'))
      .map((f) => join(repoRoot, f))
      .sort();
    expect(tracked).toContain(join(repoRoot, 'policies/inspections/status.rego'));
    expect(regoFiles(regoDirs)).toEqual(tracked);
    expect(formatCheck(opa, regoDirs, repoRoot)).toEqual([]);
  });

  it('a failing Rego test is reported at the test, on both targets', async () => {
    const dir = await copyRego();
    const file = join(dir, 'rating', 'rating_test.rego');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(
        '	r.score == 500\n	r.grade == "A"',
        '	r.score == 499\n	r.grade == "A"',
      ),
    );
    const out = (await checkRego(opa, [join(dir, 'rating')], dir)).map(formatDiagnostic);
    expect(out).toEqual([
      expect.stringMatching(
        /^rating\/rating_test\.rego:\d+:1: error REGO003: opa test -t rego: test_clean_scores_every_item_in_full failed$/,
      ),
      expect.stringMatching(
        /^rating\/rating_test\.rego:\d+:1: error REGO003: opa test -t wasm: test_clean_scores_every_item_in_full failed$/,
      ),
    ]);
  });

  it('that does not compile is reported with the position', async () => {
    const dir = await copyRego();
    await writeFile(join(dir, 'rating', 'broken.rego'), 'package rating\n\nbroken := undefined_var\n');
    const out = (await checkRego(opa, [join(dir, 'rating')], dir)).map(formatDiagnostic);
    expect(out).toEqual([
      expect.stringMatching(
        /^rating\/broken\.rego:3:11: error REGO001: opa check --strict: rego_unsafe_var_error: var undefined_var is unsafe$/,
      ),
    ]);
  });

  it('runs its compiled-data tests on what the compiler writes, and refuses data off the schema', async () => {
    const compiled = await compiledInForce();
    expect(compileSchema('policy/data.schema.json')(compiled)).toBe(true);
    const broken = structuredClone(compiled) as unknown as { ruleset: Record<string, unknown> };
    broken.ruleset.rules = broken.ruleset.rulesOf;
    delete broken.ruleset.rulesOf;
    const out = (await checkRego(opa, regoDirs, repoRoot, broken as never)).map(formatDiagnostic);
    expect(out).toEqual([
      expect.stringMatching(
        /^\(compiled policy data\): error REGO003: does not fit schemas\/policy\/data\.schema\.json/,
      ),
      expect.stringMatching(
        /^\(compiled policy data\): error REGO003: does not fit schemas\/policy\/data\.schema\.json/,
      ),
    ]);
  });

  it('without the compiled data its compiled-data tests fail, never pass on nothing', () => {
    const r = spawnSync(opa, ['test', '--format', 'json', regoDirs[0]], { encoding: 'utf8' });
    const failed = (JSON.parse(r.stdout) as { package: string; name: string; fail?: boolean }[])
      .filter((t) => t.fail)
      .map((t) => t.package);
    expect(failed.length).toBeGreaterThan(0);
    expect(new Set(failed)).toEqual(new Set(['data.rating_compiled_test']));
  });

  it("the synthetic table of rating_test.rego has the compiled data's shape (schemas/policy/data.schema.json)", () => {
    const r = spawnSync(opa, ['eval', '--format', 'raw', '-d', regoDirs[0], 'data.rating_test.table'], {
      encoding: 'utf8',
    });
    const validData = compileSchema('policy/data.schema.json');
    const table = JSON.parse(r.stdout);
    expect(validData({ ruleset: table }) ? [] : validData.errors).toEqual([]);
  });
});
