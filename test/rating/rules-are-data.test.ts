// A regulator changes a deduction, cap, tier, band, threshold or measure by editing YAML only: the
// same compiled WASM, untouched, follows the edited rules.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { type Manifest, regoSources } from '../../src/build/manifest.js';
import { sha256 } from '../../src/rules/hash.js';
import { caseWith, copyRulesets, editFile, loadRater, wasmPath } from '../helper.js';

const copies: string[] = [];
afterAll(() => Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true }))));

async function editedRater(file: string, from: string, to: string) {
  if (!file.endsWith('.yaml')) throw new Error(`${file}: these tests edit rule files (YAML) only`);
  const root = await copyRulesets();
  copies.push(root);
  await editFile(join(root, 'yinfa-2018-102', file), from, to);
  return loadRater(root);
}

describe('editing only YAML', () => {
  it('changes a deduction per occurrence (1.1: 0.2 → 0.3)', async () => {
    const input = caseWith({ '1.1': { organisationDeficiencies: 2 } });
    const before = (await loadRater()).evaluate(input);
    const after = (
      await editedRater(
        'scoring-table.yaml',
        '                points: 0.2\n                clause: 2. 存在领导机制',
        '                points: 0.3\n                clause: 2. 存在领导机制',
      )
    ).evaluate(input);
    expect(before.ok && before.result.score).toBe(96.6);
    expect(after.ok && after.result.score).toBe(96.4);
    expect(after.ok && before.ok && after.result.ruleset.hash).not.toBe(before.ok && before.result.ruleset.hash);
  });

  it('changes a cap (3.2: at most 2 → at most 1)', async () => {
    const input = caseWith({ '3.2': { auditReportsNotFiled: 3 } });
    const after = (
      await editedRater(
        'scoring-table.yaml',
        '                  points: 2\n                  clause: 扣分最高不超过2分',
        '                  points: 1\n                  clause: 扣分最高不超过2分',
      )
    ).evaluate(input);
    expect(after.ok && after.result.items.find((i) => i.id === '3.2')!.score).toBe(1);
  });

  it('changes a tier bound (6.2: full points from 80% → 85%)', async () => {
    const root = await copyRulesets();
    const table = join(root, 'yinfa-2018-102', 'scoring-table.yaml');
    await editFile(table, '                  - when: { gte: 80 }', '                  - when: { gte: 85 }');
    // Moving one bound alone leaves 80-85% in no tier: refused at load, with the gap named.
    await expect(loadRater(root)).rejects.toThrow(
      /RULE022: items\[6\.2\]\.rules\[0\]\.tiers no tier covers the value 82\.5/,
    );
    await editFile(
      table,
      '                  - when: { gte: 60, lt: 80 }',
      '                  - when: { gte: 60, lt: 85 }',
    );
    const r = (await loadRater(root)).evaluate(caseWith({ '6.2': { passRatePercent: 82 } }));
    expect(r.ok && [r.result.items.find((i) => i.id === '6.2')!.score, r.result.score]).toEqual([1, 96]);
  });

  it('changes a grade band (A from 90 → 95, B up to 94)', async () => {
    const root = await copyRulesets();
    const grading = join(root, 'yinfa-2018-102', 'grading.yaml');
    await editFile(grading, '      from: 90\n      to: 100', '      from: 95\n      to: 100');
    await editFile(grading, '      from: 75\n      to: 89', '      from: 75\n      to: 94');
    const r = (await loadRater(root)).evaluate(caseWith({ '1.1': { organisationDeficiencies: 1 } }));
    expect(r.ok && [r.result.score, r.result.grade]).toEqual([96.8, 'A']);
    const r2 = (await loadRater(root)).evaluate(caseWith({ '14': { networkSecurityHazards: 1 } }));
    expect(r2.ok && [r2.result.score, r2.result.grade]).toEqual([95, 'A']);
    const r3 = (await loadRater(root)).evaluate(caseWith({ '14': { networkSecurityHazards: 2 } }));
    expect(r3.ok && [r3.result.score, r3.result.grade]).toEqual([93, 'B']);
  });

  it('changes a trigger threshold (第十五条（五）: 3 → 2 events)', async () => {
    const input = caseWith({}, { circumstances: { seriousViolationsOfOneType: 2 } });
    expect(((await loadRater()).evaluate(input) as { result: { grade: string } }).result.grade).toBe('A');
    const after = (
      await editedRater(
        'grading.yaml',
        '        - circumstance: seriousViolationsOfOneType\n          atLeast: 3',
        '        - circumstance: seriousViolationsOfOneType\n          atLeast: 2',
      )
    ).evaluate(input);
    expect(after.ok && [after.result.grade, after.result.downgrade?.triggers.map((t) => t.id)]).toEqual([
      'B',
      ['art15-5'],
    ]);
  });

  it('changes a measure (the text of B)', async () => {
    const r = (
      await editedRater(
        'grading.yaml',
        '          text: 责令其限期整改存在的问题，督促其进一步提升合规管理水平',
        '          text: 责令其限期整改存在的问题',
      )
    ).evaluate(caseWith({ '14': { networkSecurityHazards: 5 } }));
    expect(r.ok && r.result.measures?.list.map((m) => m.text)).toEqual(['责令其限期整改存在的问题']);
  });

  // Every rater above, edited or not, ran generated/policy.wasm: the WASM the manifest records as built
  // from the Rego as committed. So the changed results came from the YAML alone.
  it('runs the compiled policy as built from the committed Rego', async () => {
    const manifest = JSON.parse(await readFile(join(repoRoot, 'generated/manifest.json'), 'utf8')) as Manifest;
    expect(sha256(await readFile(wasmPath))).toBe(manifest.outputs['generated/policy.wasm']);
    const rego = await regoSources();
    expect(rego.length).toBeGreaterThan(0);
    for (const file of rego) expect(sha256(await readFile(repoRoot + file)), file).toBe(manifest.sources[file]);
  });
});
