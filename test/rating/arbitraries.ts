// fast-check generators of evaluation inputs, built from a ruleset's own declared findings and
// circumstances, so every generated input is one the schema accepts.
import fc from 'fast-check';
import type { RuleSet } from '../../src/rules/ruleset.js';

const hundredth = (min: number, max: number) =>
  fc.integer({ min: Math.round(min * 100), max: Math.round(max * 100) }).map((n) => n / 100);

export function findingValue(
  type: string,
  f: { minimum?: number | null; maximum?: number | null; options?: string[] },
): fc.Arbitrary<unknown> {
  switch (type) {
    case 'count':
      return fc.integer({ min: 0, max: Math.min(f.maximum ?? 12, 12) });
    case 'flag':
      return fc.boolean();
    case 'percent':
      return hundredth(f.minimum ?? 0, f.maximum === null ? 150 : (f.maximum ?? 100));
    case 'number':
      return hundredth(f.minimum ?? 0, f.maximum ?? 100);
    default:
      return fc.constantFrom(...(f.options ?? []));
  }
}

/** ratedInput: a rated institution with any mix of findings and circumstances. */
export function ratedInput(
  rs: RuleSet,
  names = ['某市农村商业银行', '中国银行', '上海浦东发展银行'],
): fc.Arbitrary<Record<string, unknown>> {
  const items: Record<string, fc.Arbitrary<Record<string, unknown>>> = {};
  for (const { item } of rs.items.values()) {
    const fields: Record<string, fc.Arbitrary<unknown>> = {};
    const required: string[] = [];
    for (const [name, f] of Object.entries(item.findings)) {
      fields[name] = findingValue(f.type, f);
      if (['percent', 'number', 'choice'].includes(f.type)) required.push(name);
    }
    items[item.id] = fc.record(fields, { requiredKeys: required });
  }
  const circumstances: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, c] of Object.entries(rs.grading.circumstances))
    circumstances[name] =
      c.type === 'flag'
        ? fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
        : fc.integer({ min: 0, max: 6 });
  const requiredItems = [...rs.items.values()]
    .filter(({ item }) => Object.values(item.findings).some((f) => ['percent', 'number', 'choice'].includes(f.type)))
    .map(({ item }) => item.id);
  return fc.record({
    institution: fc.record({ name: fc.constantFrom(...names) }),
    year: fc.integer({ min: rs.meta.effective.fromYear, max: 2030 }),
    findings: fc.record(items, { requiredKeys: requiredItems }),
    circumstances: fc.record(circumstances, { requiredKeys: [] }),
  });
}
