// The batch command end to end: NDJSON in, one answer per line in input order across chunks and
// worker threads, the same results as `evaluate`, and clear errors when it cannot start.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';

const cli = `${repoRoot}dist/cli/main.js`;

function run(args: string[], stdin?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: repoRoot,
    input: stdin,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const example = (name: string) => JSON.stringify(JSON.parse(readFileSync(`${repoRoot}examples/${name}.json`, 'utf8')));

describe('credit-policy batch', () => {
  it('answers every line in order, across chunks and both workers, as evaluate does', () => {
    const names = ['clean-bank', 'typical-bank', 'zero-score-bank', 'newly-connected'];
    // 1,203 lines: more than two chunks of 500, so order across workers is really tested.
    const lines = Array.from({ length: 1203 }, (_, i) => example(names[i % names.length]));
    const r = run(['--lang', 'en', 'batch', '-', '--workers', '2'], `${lines.join('\n')}\n`);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('1203 lines: 1203 rated, 0 refused\n');
    const answers = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(answers.map((a) => a.line)).toEqual(lines.map((_, i) => i + 1));
    expect(answers.slice(0, 4).map((a) => [a.ok, a.result.score, a.result.grade])).toEqual([
      [true, 99, 'A'],
      [true, 82, 'B'],
      [true, 0, 'D'],
      [true, null, null],
    ]);
    const single = JSON.parse(run(['evaluate', 'examples/typical-bank.json', '--json']).stdout);
    expect(answers[1201].result).toEqual(single);
  });

  it('refuses a malformed or invalid line on its own, names it, and exits 1', () => {
    const input = [
      example('clean-bank'),
      '{"year": 2023,',
      '',
      '{"year": 2023, "institution": {"name": "某银行"}, "findings": {"1.1": {"nope": 1}}}',
      example('typical-bank'),
    ].join('\n');
    const r = run(['--lang', 'en', 'batch', '-'], input);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('5 lines: 2 rated, 2 refused\n');
    // Chinese by default, the same counts.
    expect(run(['batch', '-'], input).stderr).toBe('5 行：2 行已评级，2 行被拒绝\n');
    const answers = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(answers.map((a) => [a.line, a.ok])).toEqual([
      [1, true],
      [2, false],
      [4, false],
      [5, true],
    ]);
    expect(answers[1].problems[0].message).toMatch(/^line 2, column \d+: not valid JSON/);
    expect(answers[2].problems.map((p: { path: string }) => p.path)).toContain('/findings/1.1/nope');
  });

  it('stops with a clear message and exit 2 when the compiled policy cannot be read', () => {
    const r = run(['batch', '-', '--wasm', 'generated/no-such.wasm'], `${example('clean-bank')}\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read the compiled policy generated/no-such.wasm');
    expect(r.stderr).not.toContain('    at ');
    expect(r.stdout).toBe('');
  });

  it('names a missing file with exit 2', () => {
    const r = run(['--lang', 'en', 'batch', 'no-such.ndjson']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read no-such.ndjson: no such file');
    expect(run(['batch', 'no-such.ndjson']).stderr).toBe('无法读取 no-such.ndjson：没有此文件\n');
  });
});
