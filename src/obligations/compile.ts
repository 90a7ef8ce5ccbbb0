// Obligations stage: turns obligations.yaml and the annex 1 list into the data document the Rego of
// policies/obligations reads as data.notice: ids, kinds and numbers only; clause text stays here.
import type { Institutions } from '../rules/ruleset.js';
import type { ObligationSet } from './load.js';

/** compileNoticeData is what `setData` receives: `{ notice: … }` as data.notice. */
export function compileNoticeData(set: ObligationSet, institutions: Institutions): { notice: Record<string, unknown> } {
  const national: Record<string, boolean> = {};
  for (const n of institutions.national) for (const name of [n.name, ...(n.aliases ?? [])]) national[name] = true;
  const obligations: Record<string, unknown> = {};
  for (const o of set.doc.obligations)
    obligations[o.id] = {
      id: o.id,
      nature: o.nature,
      start: o.start,
      schedule: o.schedule,
      onNonWorkingDay: o.onNonWorkingDay,
      interpretations: o.interpretations,
      ...(o.inferred ? { inferred: o.inferred } : {}),
      reporters: Object.fromEntries(
        Object.entries(o.reporters).map(([kind, r]) => [
          kind,
          {
            recipient: r.recipient,
            ...(r.schedule ? { schedule: r.schedule } : {}),
            ...(r.interpretations ? { interpretations: r.interpretations } : {}),
            ...(r.alsoTo ? { alsoTo: r.alsoTo } : {}),
            ...(r.inferred ? { inferred: r.inferred } : {}),
          },
        ]),
      ),
    };
  const parties = set.doc.parties;
  const operators = Object.fromEntries(parties.operator.names.map((n) => [n, true]));
  return {
    notice: {
      national,
      operators,
      localMarkers: parties.localMarkers,
      pbocMarkers: parties.pbocMarkers,
      eventTypes: set.doc.monthlyReport.eventTypes.map((t) => t.key),
      obligations,
    },
  };
}
