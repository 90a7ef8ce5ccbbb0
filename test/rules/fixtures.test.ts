// The fixture rulesets (not issued rules) are written from policies/ plus small overlays, so a number
// changed in the issued rules reaches every fixture that does not itself change it.
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRuleset } from '../../src/rules/load.js';
import type { RuleSet } from '../../src/rules/ruleset.js';
import { fixtureAmended, fixtureBase, fixtureOverlay } from '../fixtures/helpers.js';
import { writeFixtureRulesets } from '../fixtures/generate.js';
import { editFile, mainRulesetDir } from '../helper.js';

const points = (rs: RuleSet, rule: string) => (rs.rules.get(rule)!.rule as { points?: number }).points;

describe('the fixtures as written from policies/', () => {
  it('take the issued numbers where the amendment does not change them, and its own where it does', async () => {
    const [issued, base, amended] = await Promise.all([mainRulesetDir, fixtureBase, fixtureAmended].map(loadRuleset));
    expect(base.table).toEqual(issued.table);
    expect(base.meta.effective).toEqual({ ...issued.meta.effective, untilYear: 2024 });
    expect(points(amended, '1.1:organisation-deficiency')).toBe(points(issued, '1.1:organisation-deficiency'));
    expect([points(issued, '5.2:real-name-not-enforced'), points(amended, '5.2:real-name-not-enforced')]).toEqual([
      0.2, 0.3,
    ]);
    expect(amended.rules.has('8.2:rights-expanded')).toBe(false);
    expect(amended.meta.effective.fromYear).toBe(2025);
  });

  describe('after a deduction in policies/ changes (1.1, 0.2 → 0.3 per deficiency)', () => {
    let out: string;
    beforeAll(async () => {
      const root = await mkdtemp(join(tmpdir(), 'credit-policy-issued-'));
      const issued = join(root, 'yinfa-2018-102');
      await cp(mainRulesetDir, issued, { recursive: true });
      await editFile(
        join(issued, 'scoring-table.yaml'),
        '                points: 0.2\n                clause: 2. 存在领导机制',
        '                points: 0.3\n                clause: 2. 存在领导机制',
      );
      out = join(root, 'fixtures');
      await writeFixtureRulesets(out, issued);
    });

    it('the 2018 fixture, the amendment and the overlay all deduct the new number', async () => {
      for (const id of ['yinfa-2018-102', 'yinfa-2018-102-amended-2025', 'zhejiang-2024-overlay'])
        expect(points(await loadRuleset(join(out, id)), '1.1:organisation-deficiency'), id).toBe(0.3);
      // Those written from the unchanged policies/ still deduct the issued 0.2.
      expect(points(await loadRuleset(fixtureOverlay), '1.1:organisation-deficiency')).toBe(0.2);
    });
  });
});
