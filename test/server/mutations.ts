// A corpus of broken rule files and a broken compiled policy: each must be refused on reload with an
// error that says where, while the last good version keeps serving.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Mutation: a change to one file of a copied rules folder (or to the copied WASM). */
export interface Mutation {
  name: string;
  /** The file, relative to the rulesets folder, or `policy.wasm`. */
  file: string;
  change: (bytes: Buffer) => Buffer | string;
  /** What the refusal must say: the kind, and a `file:line:column` (or WASM byte offset) to find. */
  kind: 'rules' | 'wasm' | 'rule-tests';
  where: RegExp;
}

const text = (f: (t: string) => string) => (b: Buffer) => {
  const before = b.toString('utf8');
  const after = f(before);
  if (after === before) throw new Error('the mutation changed nothing');
  return after;
};

const table = 'yinfa-2018-102/scoring-table.yaml';
const grading = 'yinfa-2018-102/grading.yaml';
const meta = 'yinfa-2018-102/ruleset.yaml';

export const mutations: Mutation[] = [
  {
    name: 'truncated YAML',
    file: table,
    change: (b) => b.subarray(0, Math.floor(b.length / 2)),
    kind: 'rules',
    where: /scoring-table\.yaml:\d+:\d+: error RULE0\d\d/,
  },
  {
    name: 'YAML cut inside a quoted string',
    file: table,
    change: text((t) => t.slice(0, t.indexOf('- id: "1.2"') + 9)),
    kind: 'rules',
    where: /scoring-table\.yaml:\d+:\d+: error RULE001: YAML syntax: Missing closing "quote/,
  },
  {
    name: 'a number written as text',
    file: grading,
    change: text((t) => t.replace('from: 90', 'from: "ninety"')),
    kind: 'rules',
    where: /grading\.yaml:8:\d+: error RULE003/,
  },
  {
    name: 'a list where a number belongs',
    file: meta,
    change: text((t) => t.replace('fromYear: 2018', 'fromYear: [2018]')),
    kind: 'rules',
    where: /ruleset\.yaml:17:\d+: error/,
  },
  {
    name: 'a duplicate key',
    file: table,
    change: text((t) =>
      t.replace('                points: 0.2\n', '                points: 0.2\n                points: 0.3\n'),
    ),
    kind: 'rules',
    where: /scoring-table\.yaml:52:\d+: error RULE001: YAML syntax: Map keys must be unique/,
  },
  {
    name: 'a number too large for a double',
    file: table,
    change: text((t) => t.replace('points: 0.2\n', 'points: 1e400\n')),
    kind: 'rules',
    where: /scoring-table\.yaml:51:\d+: error RULE003: .*Infinity/,
  },
  {
    name: 'a huge whole number',
    file: grading,
    change: text((t) => t.replace('from: 75', 'from: 123456789012345678901234567890')),
    kind: 'rules',
    where: /grading\.yaml:\d+:\d+: error RULE030: .*1\.2345678901234568e\+29/,
  },
  {
    name: 'binary garbage',
    file: table,
    change: () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)),
    kind: 'rules',
    where: /scoring-table\.yaml:1:1: error/,
  },
  { name: 'an empty file', file: grading, change: () => '', kind: 'rules', where: /grading\.yaml:1:1: error/ },
  {
    name: 'tab indentation',
    file: meta,
    change: text((t) => t.replace('\n  fromYear', '\n\tfromYear')),
    kind: 'rules',
    where: /ruleset\.yaml:\d+:\d+: error RULE001/,
  },
  {
    name: 'a misspelled key',
    file: grading,
    change: text((t) => t.replace('from: 60', 'form: 60')),
    kind: 'rules',
    where: /grading\.yaml:18:\d+: error/,
  },
  // Valid rules that no longer do what their tests say: the tests name their own line.
  {
    name: 'a deduction its rule tests contradict',
    file: table,
    change: text((t) => t.replace('points: 0.2\n', 'points: 0.3\n')),
    kind: 'rule-tests',
    where: /tests\/[a-z0-9-]+\.yaml:\d+:\d+: error TEST002/,
  },
  {
    name: 'the compiled policy cut in half',
    file: 'policy.wasm',
    change: (b) => b.subarray(0, Math.floor(b.length / 2)),
    kind: 'wasm',
    where: /not a valid WebAssembly module: .*@\+\d+/,
  },
];

/** Workspace: a copy of the rules and the WASM a test may break and mend. */
export interface Workspace {
  rulesetsDir: string;
  wasmPath: string;
}

function pathOf(ws: Workspace, file: string): string {
  return file === 'policy.wasm' ? ws.wasmPath : join(ws.rulesetsDir, file);
}

/** apply breaks one file and returns the function that mends it. */
export async function apply(ws: Workspace, m: Mutation): Promise<() => Promise<void>> {
  const path = pathOf(ws, m.file);
  const original = await readFile(path);
  await writeFile(path, m.change(original));
  return () => writeFile(path, original);
}
