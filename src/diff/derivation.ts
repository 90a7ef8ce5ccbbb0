// Diff stage: the changes of derivation.yaml (how findings are derived from evidence): items by id,
// their tables, findings and readings, and each parameter with the clause it is quoted from.
import type { RuleSet } from '../rules/ruleset.js';
import { type Changes, keyed, type Place } from './compare.js';

/** diffDerivation adds the changes of derivation.yaml, items keyed by id, parameters by name. */
export function diffDerivation(a: RuleSet, b: RuleSet, out: Changes): void {
  const p: Place = { section: 'derivation', path: '' };
  const ia = a.derivation?.items ?? [];
  const ib = b.derivation?.items ?? [];
  keyed(ia, ib, (i) => i.id, {
    removed: (i, id) => out.removed({ ...p, path: 'items' }, 'derivation', `[${id}]`, i, i.clause),
    added: (i, id) => out.added({ ...p, path: 'items' }, 'derivation', `[${id}]`, i, i.clause),
    both: (x, y, id) => {
      const at: Place = { ...p, item: id, path: `items[${id}]` };
      const clause = { from: x.clause, to: y.clause };
      out.value(at, 'derivation', 'clause', x.clause, y.clause);
      out.ids(at, 'derivation', 'tables', x.tables, y.tables, clause);
      out.value(at, 'derivation', 'derives', x.derives, y.derives, clause);
      out.value(at, 'derivation', 'needs', x.needs, y.needs, clause);
      out.value(at, 'derivation', 'interpretation', x.interpretation, y.interpretation, clause);
      const names = new Set([...Object.keys(x.parameters), ...Object.keys(y.parameters)]);
      for (const name of names) {
        const px = x.parameters[name];
        const py = y.parameters[name];
        out.value(at, 'derivation', `parameters.${name}.value`, px?.value, py?.value, {
          from: px?.clause,
          to: py?.clause,
        });
        if (px && py) out.value(at, 'derivation', `parameters.${name}.clause`, px.clause, py.clause);
      }
    },
  });
}
