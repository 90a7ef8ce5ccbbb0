// Evidence stage: the derivation pipeline, top to bottom: find the tables in a folder, read them as
// streams, join them by key, let the policy mark rows chunk by chunk, sum the marks, and let the
// policy turn the totals into findings. Each finding keeps the rows behind it.
import { msg } from '../i18n/message.js';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { relative } from 'node:path';
import type { DerivedFindings } from '../../generated/types/evidence/findings.js';
import type { PolicyModule } from '../engine/engine.js';
import type { WorkingCalendar } from '../obligations/calendar.js';
import { dayOf, formatIsoDate, parseIsoDate } from '../obligations/dates.js';
import type { RuleSet } from '../rules/ruleset.js';
import { Collector, EvidenceError, problem } from './errors.js';
import { locateTables } from './files.js';
import { Points } from './points.js';
import { type Context, DerivePolicy } from './policy.js';
import { readRows, type Row } from './read.js';
import {
  authorizationInput,
  disputeInput,
  filingInput,
  queryInput,
  staffInput,
  type StoredAuthorization,
  storeAuthorization,
  userInput,
} from './shape.js';
import type { TableName, TableSpec } from './tables.js';
import { Tally } from './tally.js';

export type { DerivedFindings };

export interface DeriveOptions {
  dir: string;
  institution: string;
  year: number;
  /** YYYY-MM-DD; the end of the year when left out. */
  asOf?: string;
  usersNeeded?: number;
  ruleset: RuleSet;
  module: PolicyModule;
  specs: Map<TableName, TableSpec>;
  calendar: WorkingCalendar;
  displayRoot?: string;
  chunkSize?: number;
  /** record sees every input the policy is given (the bench replays them through `opa eval`). */
  record?: (entrypoint: 'marks' | 'summary', input: unknown) => void;
}

type How = 'count' | 'flag' | 'percent' | 'deviation';

/** deriveFindings derives every finding it can from an evidence folder, or throws EvidenceError. */
export async function deriveFindings(o: DeriveOptions): Promise<DerivedFindings> {
  const errors = new Collector();
  const derivation = o.ruleset.derivation;
  if (!derivation)
    throw new EvidenceError([
      problem('EVID006', o.ruleset.dir, msg('diag.evidence.noDerivation', { id: o.ruleset.id })),
    ]);
  const from = dayOf(o.year, 1, 1);
  const to = dayOf(o.year, 12, 31);
  const asOfIso = o.asOf ?? formatIsoDate(to);
  const asOfDay = parseIsoDate(asOfIso);
  if (asOfDay === undefined || asOfDay < from)
    throw new EvidenceError([
      problem('EVID007', '--as-of', msg('diag.evidence.asOf', { value: asOfIso, from: formatIsoDate(from) })),
    ]);
  const files = await locateTables(o.dir, o.specs, errors);
  errors.throwIfAny();
  const label = (f: string) => relative(o.displayRoot ?? process.cwd(), f) || f;
  const origin = Math.min(...o.calendar.years);
  const points = new Points(o.calendar, origin);

  // What can be derived: every table an item needs supplied, and what else it needs given.
  const notDerived: DerivedFindings['notDerived'] = [];
  const wanted = new Map<string, Map<string, How>>();
  for (const di of derivation.items) {
    const missing = di.tables.filter((t) => !files.has(t));
    if (missing.length) {
      notDerived.push({ item: di.id, reason: `not derived (table ${missing.join(', table ')} not supplied)` });
      continue;
    }
    if (di.needs === 'usersNeeded' && o.usersNeeded === undefined) {
      notDerived.push({
        item: di.id,
        reason: 'not derived (the number of users the business needs was not given: --users-needed)',
      });
      continue;
    }
    const fs = new Map(Object.entries(di.derives) as [string, How][]);
    // Working days are counted on the calendar; a year without one is never guessed from weekends.
    if (di.id === '5.2' && (!points.covers(o.year) || !points.covers(Number(asOfIso.slice(0, 4))))) {
      fs.delete('usersNotRegistered');
      notDerived.push({
        item: di.id,
        finding: 'usersNotRegistered',
        reason: `not derived (policies/calendars has no working-day calendar for ${o.year}${asOfIso.slice(0, 4) !== String(o.year) ? ` or ${asOfIso.slice(0, 4)}` : ''})`,
      });
    }
    wanted.set(di.id, fs);
  }

  const policy = await DerivePolicy.load(o.module, derivation);
  const context: Context = { from, to, asOf: points.of(asOfIso) };
  const tally = new Tally(wanted);
  const counts = new Map<TableName, number>();
  const mark = (table: TableName, chunk: Row[], inputs: unknown[]) => {
    o.record?.('marks', { table, context, rows: inputs });
    tally.add(table, chunk, policy.marks(table, context, inputs));
  };
  const read = async function* (table: TableName) {
    const file = files.get(table);
    if (!file) return;
    let n = 0;
    for await (const chunk of readRows(file, label(file), o.specs.get(table)!, errors, o.chunkSize)) {
      n += chunk.length;
      yield chunk;
    }
    counts.set(table, n);
  };
  const all = async (table: TableName) => {
    const out: Row[] = [];
    for await (const chunk of read(table)) out.push(...chunk);
    return out;
  };
  const byKey = (rows: Row[]) => new Map(rows.map((r) => [r.key, r]));

  // The small tables are held; the large ones (queries, authorizations) stream through.
  const staff = files.has('staff') ? byKey(await all('staff')) : undefined;
  const users = await all('users');
  const userIds = files.has('users') ? new Set(users.map((u) => u.key)) : undefined;
  if (staff)
    for (const u of users)
      if (!staff.has(u.values.holder as string))
        errors.add(
          problem(
            'EVID030',
            label(files.get('users')!),
            msg('diag.evidence.notStaff', { who: String(u.values.holder), staff: label(files.get('staff')!) }),
            u.row,
            'holder',
          ),
        );
  const trainings = new Map<string, Row[]>();
  for await (const chunk of read('training'))
    for (const t of chunk) {
      const s = t.values.staff as string;
      if (staff && !staff.has(s))
        errors.add(
          problem(
            'EVID032',
            label(files.get('training')!),
            msg('diag.evidence.notStaff', { who: s, staff: label(files.get('staff')!) }),
            t.row,
            'staff',
          ),
        );
      (trainings.get(s) ?? trainings.set(s, []).get(s)!).push(t);
    }
  errors.throwIfAny();

  const auths = files.has('authorizations') ? new Map<string, StoredAuthorization>() : undefined;
  for await (const chunk of read('authorizations')) {
    for (const a of chunk) auths!.set(a.key, storeAuthorization(a.values));
    mark('authorizations', chunk, chunk.map(authorizationInput));
  }
  errors.throwIfAny();

  const lastQuery = files.has('queries') ? new Map<string, string>() : undefined;
  for await (const chunk of read('queries')) {
    const known: Row[] = [];
    for (const q of chunk) {
      const user = q.values.user as string;
      if (userIds && !userIds.has(user)) {
        errors.add(
          problem(
            'EVID031',
            label(files.get('queries')!),
            msg('diag.evidence.notUser', { user, users: label(files.get('users')!) }),
            q.row,
            'user',
          ),
        );
        continue;
      }
      const day = q.values.time as string;
      const prior = lastQuery!.get(user);
      if (prior === undefined || day > prior) lastQuery!.set(user, day);
      known.push(q);
    }
    if (errors.count === 0)
      mark(
        'queries',
        known,
        known.map((q) => queryInput(q, points, auths)),
      );
  }
  errors.throwIfAny();

  if (users.length)
    mark(
      'users',
      users,
      users.map((u) => userInput(u, points, staff, lastQuery)),
    );
  if (staff) {
    const rows = [...staff.values()];
    mark(
      'staff',
      rows,
      rows.map((s) => staffInput(s, points, trainings.get(s.key))),
    );
  }
  for await (const chunk of read('disputes'))
    mark(
      'disputes',
      chunk,
      chunk.map((d) => disputeInput(d, points)),
    );
  for await (const chunk of read('filings'))
    mark(
      'filings',
      chunk,
      chunk.map((f) => filingInput(f, points)),
    );
  for await (const _ of read('incidents'));
  errors.throwIfAny();

  o.record?.('summary', { totals: tally.totals, usersNeeded: o.usersNeeded ?? null });
  const summary = policy.summary(tally.totals, o.usersNeeded ?? null);
  const findings: DerivedFindings['findings'] = {};
  const derived: DerivedFindings['derived'] = [];
  const undetermined = new Set(summary.undetermined.map((u) => `${u.item}\u0000${u.finding}`));
  for (const u of summary.undetermined)
    if (wanted.get(u.item)?.has(u.finding))
      notDerived.push({ item: u.item, finding: u.finding, reason: `not derived (${u.why})` });
  for (const di of derivation.items) {
    const fs = wanted.get(di.id);
    if (!fs) continue;
    for (const [finding, how] of fs) {
      if (undetermined.has(`${di.id}\u0000${finding}`)) continue;
      const value = summary.findings[di.id]?.[finding];
      if (value === undefined) continue;
      findings[di.id] = { ...findings[di.id], [finding]: value };
      const rows = tally.rowsOf(di.id, finding);
      const t = tally.totals[di.id]?.[finding];
      derived.push({
        item: di.id,
        finding,
        value,
        how,
        ...(how === 'percent' || how === 'deviation' ? { counted: t?.counted ?? 0 } : {}),
        total: rows.length,
        rows,
        ...(di.interpretation
          ? { interpretationZh: di.interpretation.readingZh, interpretation: di.interpretation.reading }
          : {}),
      });
    }
  }
  const tables: DerivedFindings['tables'] = [];
  for (const [table, file] of files)
    tables.push({ table, file: label(file), rows: counts.get(table) ?? 0, sha256: await fileHash(file) });
  return {
    institution: o.institution,
    year: o.year,
    asOf: asOfIso,
    ...(o.usersNeeded !== undefined ? { usersNeeded: o.usersNeeded } : {}),
    ruleset: { id: o.ruleset.id, hash: o.ruleset.hash },
    tables,
    findings,
    derived,
    notDerived,
  };
}

function fileHash(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}
