// Evidence stage: the derivation pipeline, top to bottom: find the tables in a folder, read them as
// streams, join them by key and let the policy mark rows chunk by chunk (join.ts), sum the marks, and
// let the policy turn the totals into findings. Each finding keeps the rows behind it.
import { msg } from '../diagnostics/message.js';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import type { DerivedFindings } from '../../generated/types/evidence/findings.js';
import type { PolicyModule } from '../engine/engine.js';
import type { WorkingCalendar } from '../obligations/calendar.js';
import { dayOf, formatIsoDate, parseIsoDate } from '../obligations/dates.js';
import type { RuleSet } from '../rules/ruleset.js';
import { Collector, EvidenceError, problem } from './errors.js';
import { locateTables } from './files.js';
import { markTables } from './join.js';
import { Marker } from './marker.js';
import { Points } from './points.js';
import { type Context, DerivePolicy } from './policy.js';
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
  /**
   * From this many bytes of queries and authorizations the policy marks chunks on a worker thread
   * while the next are read (4 MiB when left out; 0: always; Infinity: never).
   */
  offloadFrom?: number;
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
  let streamed = 0;
  for (const t of ['queries', 'authorizations'] as const) {
    const f = files.get(t);
    if (f) streamed += (await stat(f)).size;
  }
  const marker = new Marker(
    policy,
    tally,
    streamed >= (o.offloadFrom ?? 4 * 2 ** 20) ? { module: o.module, derivation } : undefined,
  );
  let counts: Map<TableName, number>;
  try {
    counts = await markTables({
      files,
      specs: o.specs,
      label,
      errors,
      points,
      context,
      marker,
      tally,
      chunkSize: o.chunkSize,
      record: o.record,
    });
  } finally {
    await marker.close();
  }

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
