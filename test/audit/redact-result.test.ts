// The decision log masks in a rating's result what it masks in the input: the synthetic example's
// evidence rated in full (users U01–U06, staff S02/S03, queries Q002–Q008, the files named by the
// bank), logged with masks, and the raw line searched for every row key and the name.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { createDecisionLog, type DecisionLogOptions } from '../../src/audit/log.js';
import { redactResult } from '../../src/audit/redact-result.js';
import { replayLog } from '../../src/audit/replay.js';
import { resultPointerProblem } from '../../src/audit/result-pointers.js';
import { verifyLog } from '../../src/audit/verify.js';
import { rulesetsDir } from '../../src/artifacts/artifacts.js';
import { attachEvidence, mergeFindings } from '../../src/evidence/merge.js';
import type { DerivedFindings } from '../../src/evidence/service.js';
import type { RatingResult } from '../../src/rating/decorate.js';
import type { Rater } from '../../src/rating/rater.js';
import { exampleDir, loadDeriver } from '../evidence/helper.js';
import { loadRater } from '../helper.js';

const theCase = JSON.parse(readFileSync(join(exampleDir, 'case.json'), 'utf8'));
const name = theCase.institution.name as string;
let rater: Rater;
let derived: DerivedFindings;
let result: RatingResult;

beforeAll(async () => {
  rater = await loadRater();
  derived = await (await loadDeriver()).derive({ dir: exampleDir, institution: name, year: 2024, usersNeeded: 4 });
  const merged = mergeFindings(theCase, derived);
  if (!merged.ok) throw new Error(JSON.stringify(merged.problems));
  const outcome = rater.evaluate(merged.input);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
  result = attachEvidence(
    outcome.result,
    outcome.ruleset,
    derived,
    merged.evidence,
    '/srv/示例农村商业银行/findings.json',
  );
});

/** Every key of every row behind a derived finding, the bounding query rows of idle stretches too. */
function rowKeys(): string[] {
  const keys = new Set<string>();
  for (const f of derived.derived)
    for (const r of f.rows) {
      keys.add(r.key);
      for (const end of [r.stretch?.after, r.stretch?.before]) if (typeof end === 'object') keys.add(end.key);
    }
  return [...keys];
}

/** logged appends the example's rating to a new log with these rules: the raw line, the entry, the path. */
async function logged(rules: Partial<DecisionLogOptions>, resultJson?: Buffer) {
  const dir = await mkdtemp(join(tmpdir(), 'credit-policy-result-mask-'));
  const path = join(dir, 'decisions.jsonl');
  const log = await createDecisionLog({ path, privateKeyPath: join(dir, 'key.pem'), createKey: true, ...rules });
  const entry = await log.append({
    caller: 'test',
    input: theCase,
    result,
    inputEvidence: { derived, findingsFile: '/srv/示例农村商业银行/findings.json' },
    ...(resultJson ? { resultJson } : {}),
  });
  await log.close();
  const line = (await readFile(path, 'utf8')).split('\n')[0];
  return { line, entry, path };
}

async function replayed(path: string) {
  const out = [];
  for await (const o of replayLog(path, { rules: rulesetsDir, module: rater.module })) out.push(o);
  return out;
}

describe('the result of a rating from evidence, in the decision log', () => {
  it('holds the rows the example gives (the keys the tests below look for)', () => {
    expect(rowKeys().sort()).toEqual(
      [
        ...['A02', 'A04', 'D02', 'D03', 'D04', 'F02', 'F05', 'Q002', 'Q003', 'Q004', 'Q005', 'Q006', 'Q008'],
        ...['S02', 'S03', 'U01', 'U02', 'U03', 'U04', 'U05', 'U06'],
      ].sort(),
    );
    const text = canonicalJson(result);
    for (const key of ['U05', 'Q004', 'S03', name, '员工.csv']) expect(text).toContain(key);
  });

  it('masks the name, the files and every row key with the institution: nowhere in the line, still in the answer', async () => {
    const answer = Buffer.from(canonicalJson(result), 'utf8');
    const before = canonicalJson(result);
    // The override's reason names rows (Q006, A99): masking the overrides masks it where the result repeats it.
    const { line, entry, path } = await logged({ mask: ['/institution/name', '/assessorOverrides'] }, answer);
    for (const secret of [...rowKeys(), 'A99', name, '员工.csv', '异议.csv', '示例农村商业银行'])
      expect(line.includes(secret), secret).toBe(false);
    // Tables, row numbers and sha256 are kept; the rating is whole.
    const r = entry.result as unknown as RatingResult;
    const u05 = r.items.find((i) => i.id === '5.2')!.deductions[1].evidence!;
    expect(u05).toEqual({
      finding: 'usersNotRegistered',
      source: 'derived',
      total: 1,
      rows: [{ table: 'users', row: 6, key: '[masked]', why: 'filed-late' }],
    });
    const stretch = r.items.find((i) => i.id === '5.4')!.deductions[0].evidence!.rows[0].stretch;
    expect(stretch).toMatchObject({ after: 'period-start', before: { table: 'queries', row: 5, key: '[masked]' } });
    expect(r.evidence!.tables.find((t) => t.table === 'staff')).toEqual({
      table: 'staff',
      file: '[masked]',
      rows: 6,
      sha256: 'a885c78f9d5d04e743e0605c7f25a555de870ef16b316588b138c9ac2687cc28',
    });
    expect([r.score, r.grade, r.institution]).toEqual([
      83.7,
      'B',
      { name: '[masked]', region: '示例省', type: 'local' },
    ]);
    expect(r.evidence!.overridden[0]).toEqual({
      item: '8.1',
      finding: 'queriesWithoutAuthorization',
      derivedValue: 6,
      value: '[masked]',
      reason: '[masked]',
    });
    expect(entry.redacted).toEqual({
      dropped: [],
      masked: ['/institution/name', '/assessorOverrides'],
      resultMasked: [
        '/institution/name',
        '/evidence/findingsFile',
        '/evidence/tables/*/file',
        '/items/*/deductions/*/evidence/rows/*/key',
        '/items/*/deductions/*/evidence/rows/*/stretch/*/key',
        '/evidence/overridden/0/value',
        '/evidence/overridden/0/reason',
        `/items/${r.items.findIndex((i) => i.id === '8.1')}/deductions/0/evidence/reason`,
      ],
    });
    // What was answered is untouched: the object and the bytes the service sends.
    expect(canonicalJson(result)).toBe(before);
    expect(answer.toString('utf8')).toBe(before);
    expect(answer.toString('utf8')).toContain('"key":"U05"');
    // The chain holds; replay skips it, the input not being whole.
    expect(await verifyLog(path)).toMatchObject({ ok: true, entries: 1 });
    expect(await replayed(path)).toEqual([
      expect.objectContaining({
        status: 'skipped',
        reason: 'the log does not hold the whole input (left out: /institution/name, /assessorOverrides)',
      }),
    ]);
  });

  it('masks a masked finding in the provenance: its value, counts and row keys; the other findings stay', async () => {
    const { line, entry } = await logged({ mask: ['/findings/5.2/usersNotRegistered'] });
    const r = entry.result as unknown as RatingResult;
    const i52 = r.items.findIndex((i) => i.id === '5.2');
    expect(r.items[i52].deductions[1].evidence).toEqual({
      finding: 'usersNotRegistered',
      source: 'derived',
      total: '[masked]',
      rows: [{ table: 'users', row: 6, key: '[masked]', why: 'filed-late' }],
    });
    // Its neighbour in 5.2 (U03, not real-name) and the rating keep their values.
    expect(r.items[i52].deductions[0].evidence!.rows[0].key).toBe('U03');
    expect(r.items[i52].deductions[1].count).toBe(1);
    const d = r.evidence!.derived.findIndex((f) => f.finding === 'usersNotRegistered');
    expect(r.evidence!.derived[d]).toEqual({
      item: '5.2',
      finding: 'usersNotRegistered',
      value: '[masked]',
      total: '[masked]',
    });
    expect(entry.redacted?.resultMasked).toEqual([
      `/evidence/derived/${d}/value`,
      `/evidence/derived/${d}/total`,
      `/items/${i52}/deductions/1/evidence/total`,
      `/items/${i52}/deductions/1/evidence/rows/*/key`,
    ]);
    // U05 is behind other findings too (5.1's count, 5.4): only this finding's rows are masked.
    expect(line).toContain('"key":"U05"');
    expect(entry.inputEvidence?.derived.findings['5.2']).toMatchObject({ usersNotRegistered: '[masked]' });
  });

  it('masks every row key by one result pointer with * segments, and replay reproduces it with them masked', async () => {
    const answer = Buffer.from(canonicalJson(result), 'utf8');
    const pointers = [
      '/items/*/deductions/*/evidence/rows/*/key',
      '/items/*/deductions/*/evidence/rows/*/stretch/*/key',
    ];
    const { line, entry, path } = await logged({ resultMask: pointers }, answer);
    const resultText = line.slice(line.indexOf(',"result":'), line.indexOf(',"rulesetHash":'));
    for (const key of rowKeys()) expect(resultText.includes(`"${key}"`), key).toBe(false);
    // The input (and its evidence) is whole: only the result was masked.
    expect(line).toContain('"key":"U05"');
    expect(entry.redacted).toEqual({ dropped: [], masked: [], resultMasked: pointers });
    expect(answer.toString('utf8')).toBe(canonicalJson(result));
    expect(await verifyLog(path)).toMatchObject({ ok: true, entries: 1 });
    expect(await replayed(path)).toEqual([
      expect.objectContaining({ status: 'reproduced', fromEvidence: expect.objectContaining({ derived: 18 }) }),
    ]);
  });

  it('drops the whole input: in the result, the institution and every row key, count and reason of the evidence', async () => {
    const { line, entry } = await logged({ drop: [''] });
    for (const secret of [...rowKeys(), 'A99', name, '员工.csv']) expect(line.includes(secret), secret).toBe(false);
    expect(entry).not.toHaveProperty('inputEvidence');
    const r = entry.result as unknown as RatingResult;
    expect([r.institution, r.score, r.grade]).toEqual(['[masked]', 83.7, 'B']);
    expect(r.evidence!.derived.every((d) => d.value === '[masked]' && d.total === '[masked]')).toBe(true);
    expect(entry.redacted?.resultMasked?.slice(0, 5)).toEqual([
      '/institution',
      '/evidence/findingsFile',
      '/evidence/tables/*/file',
      '/items/*/deductions/*/evidence/rows/*/key',
      '/items/*/deductions/*/evidence/rows/*/stretch/*/key',
    ]);
  });

  it("masks an override's reason alone where the result repeats it", () => {
    const i81 = result.items.findIndex((i) => i.id === '8.1');
    const r = redactResult(result, { mask: ['/assessorOverrides/0/reason'] }, theCase);
    expect(r.masked).toEqual(['/evidence/overridden/0/reason', `/items/${i81}/deductions/0/evidence/reason`]);
    expect(canonicalJson(r.value)).not.toContain('A99');
    expect((r.value as RatingResult).evidence!.overridden[0]).toMatchObject({ value: 5, derivedValue: 6 });
  });

  it('leaves the result as it is (the very object) when no rule reaches it', () => {
    expect(redactResult(result, { drop: ['/circumstances'], mask: ['/year'] }, theCase).value).toBe(result);
    expect(redactResult(result, { resultMask: ['/institution/branchOf'] }, theCase)).toEqual({
      value: result,
      masked: [],
    });
  });
});

describe('a result mask, checked against the result schema', () => {
  it('takes fields, indexes and * segments the result has', () => {
    for (const p of [
      '/institution/name',
      '/items/*/deductions/*/evidence/rows/*/key',
      '/items/3/deductions/0/evidence/rows/*/stretch/*/key',
      '/evidence/tables/*/file',
      '/ruleset/hash',
    ])
      expect(resultPointerProblem(p), p).toBeUndefined();
  });

  it('refuses what a result cannot hold, saying what is there', () => {
    expect(resultPointerProblem('/institution/nam')).toBe(
      '"/institution/nam" names nothing a result holds: /institution has no "nam" (its fields are name, branchOf, region, type, or * for all of them)',
    );
    expect(resultPointerProblem('/items/first')).toBe(
      '"/items/first" names nothing a result holds: /items has no "first" (it is an array: give an index or * for every element)',
    );
    expect(resultPointerProblem('/grade/x')).toMatch(/\/grade has no "x" \(it is a single value\)/);
    expect(resultPointerProblem('')).toMatch(/would mask the whole result/);
    expect(resultPointerProblem('items')).toMatch(/is not a JSON pointer/);
  });
});
