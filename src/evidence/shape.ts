// Evidence stage: the joins. Each table's typed rows become the policy's input rows, with what
// other tables say about them joined in by key (a user's holder from staff, a query's authorization,
// a person's training sessions) and every date turned into a point. No decision is taken here.
import type { CellValue } from './cells.js';
import type { Stretch } from './idle.js';
import type { Points } from './points.js';
import type { Row } from './read.js';

type V = Record<string, CellValue>;

/** StoredAuthorization: what a query needs of its authorization, kept for the join. */
export interface StoredAuthorization {
  signed: string | null;
  validUntil: string | null;
  original: boolean;
}

export function storeAuthorization(v: V): StoredAuthorization {
  return {
    signed: v.signed as string | null,
    validUntil: v.validUntil as string | null,
    original: v.original as boolean,
  };
}

/** userInput: `idle` is the user's idle stretches in the period (idle.ts), each [from, to, lockFrom]. */
export function userInput(r: Row, p: Points, staff: Map<string, Row> | undefined, idle: Stretch[]): unknown {
  const v = r.values;
  const holder = staff?.get(v.holder as string)?.values;
  const created = p.of(v.created as string);
  return {
    roles: v.roles,
    system: v.system,
    shared: v.shared,
    realName: v.realName,
    initialPasswordChanged: v.initialPasswordChanged,
    created,
    changed: p.maybe(v.changed),
    filed: p.maybe(v.filed),
    disabled: p.maybe(v.disabled),
    locked: p.maybe(v.locked),
    passwordChanged: p.maybe(v.passwordChanged),
    idle: idle.map((s) => [s.from, s.to, s.lockFrom]),
    holder: holder ? { employment: holder.employment, left: p.maybe(holder.left) } : null,
  };
}

export function staffInput(r: Row, p: Points, trainings: Row[] | undefined): unknown {
  const v = r.values;
  return {
    creditStaff: v.creditStaff,
    joined: p.of(v.joined as string),
    left: p.maybe(v.left),
    trainings: (trainings ?? []).map((t) => ({
      date: p.of(t.values.date as string),
      attended: t.values.attended,
      passed: t.values.passed,
    })),
  };
}

export function queryInput(r: Row, p: Points, auths: Map<string, StoredAuthorization> | undefined): unknown {
  const v = r.values;
  const id = v.authorization as string | null;
  let authorization: unknown = null;
  if (id !== null) {
    const a = auths?.get(id);
    authorization = a
      ? { found: true, signed: p.day(a.signed), validUntil: p.day(a.validUntil), original: a.original }
      : { found: false };
  }
  return {
    time: p.day(v.time),
    reason: v.reason,
    registered: v.registered,
    internalApproval: v.internalApproval,
    authorization,
  };
}

export function authorizationInput(r: Row): unknown {
  const v = r.values;
  return { elements: v.elements, standardForm: v.standardForm, prominentNotice: v.prominentNotice };
}

export function disputeInput(r: Row, p: Points): unknown {
  const v = r.values;
  return {
    received: p.of(v.received as string),
    forwarded: v.forwarded,
    answered: p.maybe(v.answered),
    correctionNeeded: v.correctionNeeded,
    corrected: p.maybe(v.corrected),
  };
}

export function filingInput(r: Row, p: Points): unknown {
  const v = r.values;
  return { kind: v.kind, event: p.of(v.event as string), filed: p.maybe(v.filed) };
}
