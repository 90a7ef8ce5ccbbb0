// Diff stage: what the ruleset says about itself (document, rating years, region, an overlay's base
// and overrides), the national institutions of annex 1, and the interpretations with their reasons.
import type { RuleSet } from '../rules/ruleset.js';
import { type Changes, keyed, type Place } from './compare.js';

/** diffMeta adds the changes of ruleset.yaml, overrides keyed by their ids. */
export function diffMeta(a: RuleSet, b: RuleSet, out: Changes): void {
  const p: Place = { section: 'metadata', path: '' };
  const ma = a.meta,
    mb = b.meta;
  const inForce = { from: ma.document.inForce.clause, to: mb.document.inForce.clause };
  out.value(p, 'metadata', 'title', ma.title, mb.title);
  for (const k of ['number', 'title', 'annex', 'issuer', 'issuedOn'] as const)
    out.value(p, 'metadata', `document.${k}`, ma.document[k], mb.document[k], inForce);
  out.value(p, 'metadata', 'document.inForce.clause', ma.document.inForce.clause, mb.document.inForce.clause);
  out.value(p, 'metadata', 'effective.fromYear', ma.effective.fromYear, mb.effective.fromYear, inForce);
  out.value(p, 'metadata', 'effective.untilYear', ma.effective.untilYear, mb.effective.untilYear, inForce);
  out.value(p, 'metadata', 'effective.interpretation', ma.effective.interpretation, mb.effective.interpretation);
  out.value(p, 'metadata', 'region', ma.region, mb.region);
  out.value(p, 'metadata', 'ratingPeriod.rule', ma.ratingPeriod.rule, mb.ratingPeriod.rule, {
    from: ma.ratingPeriod.clause,
    to: mb.ratingPeriod.clause,
  });
  out.value(p, 'metadata', 'ratingPeriod.clause', ma.ratingPeriod.clause, mb.ratingPeriod.clause);
  out.value(p, 'metadata', 'extends', ma.extends, mb.extends);
  const oa = ma.overrides ?? [],
    ob = mb.overrides ?? [];
  keyed(oa, ob, (o) => o.id, {
    removed: (o, id) => out.removed({ ...p, path: 'overrides' }, 'override', `[${id}]`, o, o.clause),
    added: (o, id) => out.added({ ...p, path: 'overrides' }, 'override', `[${id}]`, o, o.clause),
    both: (x, y, id) =>
      out.value({ ...p, path: 'overrides' }, 'override', `[${id}]`, x, y, { from: x.clause, to: y.clause }),
  });
}

/** diffInstitutions adds the changes of institutions.yaml, institutions keyed by name. */
export function diffInstitutions(a: RuleSet, b: RuleSet, out: Changes): void {
  const p: Place = { section: 'institutions', path: '' };
  const ia = a.institutions,
    ib = b.institutions;
  const clause = { from: ia.listClause, to: ib.listClause };
  out.value(p, 'institution', 'clause', ia.clause, ib.clause);
  out.value(p, 'institution', 'listClause', ia.listClause, ib.listClause);
  out.value(p, 'institution', 'interpretation', ia.interpretation, ib.interpretation, {
    from: ia.clause,
    to: ib.clause,
  });
  out.value(p, 'institution', 'branchInterpretation', ia.branchInterpretation, ib.branchInterpretation, {
    from: ia.clause,
    to: ib.clause,
  });
  keyed(ia.national, ib.national, (n) => n.name, {
    removed: (n, name) => out.removed({ ...p, path: 'national' }, 'institution', `[${name}]`, n, ia.listClause),
    added: (n, name) => out.added({ ...p, path: 'national' }, 'institution', `[${name}]`, n, ib.listClause),
    both: (x, y, name) =>
      out.ids({ ...p, path: `national[${name}]` }, 'institution', 'aliases', x.aliases, y.aliases, clause),
  });
}

/** diffInterpretations adds the changes of interpretations.yaml; the quote is each one's clause. */
export function diffInterpretations(a: RuleSet, b: RuleSet, out: Changes): void {
  const p: Place = { section: 'interpretations', path: 'interpretations' };
  keyed(a.interpretations, b.interpretations, (i) => i.id, {
    removed: (i, id) => out.removed(p, 'interpretation', `[${id}]`, i, i.quote),
    added: (i, id) => out.added(p, 'interpretation', `[${id}]`, i, i.quote),
    both: (x, y, id) => {
      const clause = { from: x.quote, to: y.quote };
      for (const k of ['about', 'quote', 'readingZh', 'reading', 'reason'] as const)
        out.value(p, 'interpretation', `[${id}].${k}`, x[k], y[k], k === 'quote' ? {} : clause);
    },
  });
}
