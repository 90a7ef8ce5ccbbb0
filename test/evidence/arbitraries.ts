// Generated evidence rows in the policy's input shape (dates as points), for the differential and
// property tests: each table's rows as the host's joins would give them.
import fc from 'fast-check';
import { WorkingCalendar } from '../../src/obligations/calendar.js';
import { dayOf, formatIsoDate } from '../../src/obligations/dates.js';
import { calendarsDir } from '../../src/obligations/service.js';
import { Points } from '../../src/evidence/points.js';

export async function loadPoints(): Promise<Points> {
  const calendar = await WorkingCalendar.load(calendarsDir);
  return new Points(calendar, Math.min(...calendar.years));
}

/** A day from late 2023 to early 2025, so rows fall inside, before and after the 2024 period. */
export const isoDay = fc.integer({ min: dayOf(2023, 11, 1), max: dayOf(2025, 2, 28) }).map(formatIsoDate);
const maybeDay = fc.option(isoDay, { nil: null });
const maybeBool = fc.option(fc.boolean(), { nil: null });

export const context = (p: Points) => ({ from: dayOf(2024, 1, 1), to: dayOf(2024, 12, 31), asOf: p.of('2024-12-31') });

export const userRow = (p: Points) =>
  fc
    .record({
      roles: fc.subarray(['admin', 'reporter', 'query', 'dispute'], { minLength: 1 }),
      system: fc.constantFrom('database', 'frontend', 'other'),
      shared: maybeBool,
      realName: maybeBool,
      initialPasswordChanged: maybeBool,
      created: isoDay,
      changed: maybeDay,
      filed: maybeDay,
      disabled: maybeDay,
      locked: maybeDay,
      passwordChanged: maybeDay,
      // Idle stretches as the host gives them (idle.ts): [from, to, lockFrom], lockFrom ≤ from < to.
      idle: fc.array(
        fc
          .tuple(isoDay, fc.integer({ min: 2, max: 90 }), fc.integer({ min: 0, max: 60 }))
          .map(([from, length, back]) => {
            const day = p.of(from).day;
            return [day, day + length, day - back];
          }),
        { maxLength: 4 },
      ),
      holder: fc.option(
        fc.record({ employment: fc.constantFrom('formal', 'dispatched', 'temporary', 'outsourced'), left: maybeDay }),
        { nil: null },
      ),
    })
    .map((u) => ({
      ...u,
      created: p.of(u.created),
      changed: p.maybe(u.changed),
      filed: p.maybe(u.filed),
      disabled: p.maybe(u.disabled),
      locked: p.maybe(u.locked),
      passwordChanged: p.maybe(u.passwordChanged),
      holder: u.holder ? { employment: u.holder.employment, left: p.maybe(u.holder.left) } : null,
    }));

export const staffRow = (p: Points) =>
  fc
    .record({
      creditStaff: fc.boolean(),
      joined: isoDay,
      left: maybeDay,
      trainings: fc.array(fc.record({ date: isoDay, attended: fc.boolean(), passed: maybeBool }), { maxLength: 3 }),
    })
    .map((s) => ({
      ...s,
      joined: p.of(s.joined),
      left: p.maybe(s.left),
      trainings: s.trainings.map((t) => ({ ...t, date: p.of(t.date) })),
    }));

export const queryRow = (p: Points) =>
  fc
    .record({
      time: isoDay,
      reason: fc.constantFrom('loanApproval', 'postLoan', 'guarantee', 'archive', 'other'),
      registered: fc.boolean(),
      internalApproval: maybeBool,
      authorization: fc.option(
        fc.oneof(
          fc.constant({ found: false }),
          fc.record({ found: fc.constant(true), signed: maybeDay, validUntil: maybeDay, original: fc.boolean() }),
        ),
        { nil: null },
      ),
    })
    .map((q) => ({
      ...q,
      time: p.of(q.time),
      authorization:
        q.authorization && 'signed' in q.authorization
          ? {
              ...q.authorization,
              signed: p.maybe(q.authorization.signed),
              validUntil: p.maybe(q.authorization.validUntil),
            }
          : q.authorization,
    }));

export const authorizationRow = fc.record({
  elements: fc.subarray(['grantee', 'period', 'purpose', 'signature', 'date']),
  standardForm: maybeBool,
  prominentNotice: maybeBool,
});

export const disputeRow = (p: Points) =>
  fc
    .record({
      received: isoDay,
      forwarded: fc.boolean(),
      answered: maybeDay,
      correctionNeeded: maybeBool,
      corrected: maybeDay,
    })
    .map((d) => ({ ...d, received: p.of(d.received), answered: p.maybe(d.answered), corrected: p.maybe(d.corrected) }));

export const filingRow = (p: Points) =>
  fc
    .record({ kind: fc.constantFrom('rule', 'contact', 'auditReport'), event: isoDay, filed: maybeDay })
    .map((f) => ({ ...f, event: p.of(f.event), filed: p.maybe(f.filed) }));

/** tableRows: every table's generator, by table name. */
export function tableRows(p: Points): Record<string, fc.Arbitrary<unknown>> {
  return {
    users: userRow(p),
    staff: staffRow(p),
    queries: queryRow(p),
    authorizations: authorizationRow,
    disputes: disputeRow(p),
    filings: filingRow(p),
  };
}
