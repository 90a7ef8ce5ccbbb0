// Evidence stage: the joins and the marking. Reads each table as a stream (the small ones held, the
// large ones, queries and authorizations, chunk by chunk), checks the keys between them, joins what
// each row's input needs by key, and hands the chunks to the policy for marking.
import { msg } from '../diagnostics/message.js';
import type { Collector } from './errors.js';
import { type IdleSource, QueryDays, stretchDetail, userStretches } from './idle.js';
import { problem } from './errors.js';
import type { Marker } from './marker.js';
import type { Points } from './points.js';
import type { Context } from './policy.js';
import { defaultChunkSize, readRows, type Row } from './read.js';
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
import type { Tally } from './tally.js';

/** JoinSetup: the located tables and what marking them needs. */
export interface JoinSetup {
  files: Map<TableName, string>;
  specs: Map<TableName, TableSpec>;
  label: (file: string) => string;
  errors: Collector;
  points: Points;
  context: Context;
  marker: Marker;
  /** The tally the marker sums into, given the rows behind an idle stretch's mark. */
  tally?: Tally;
  chunkSize?: number;
  record?: (entrypoint: 'marks' | 'summary', input: unknown) => void;
}

/** markTables reads, joins and marks every supplied table; it gives the row count of each. */
export async function markTables(s: JoinSetup): Promise<Map<TableName, number>> {
  const { files, errors, label, points, context } = s;
  const counts = new Map<TableName, number>();
  const mark = (table: TableName, chunk: Row[], inputs: unknown[]) => {
    s.record?.('marks', { table, context, rows: inputs });
    return s.marker.mark(table, context, chunk, inputs);
  };
  const read = async function* (table: TableName) {
    const file = files.get(table);
    if (!file) return;
    let n = 0;
    for await (const chunk of readRows(file, label(file), s.specs.get(table)!, errors, s.chunkSize)) {
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
    await mark('authorizations', chunk, chunk.map(authorizationInput));
  }
  errors.throwIfAny();

  // Each query's user and day, kept compactly: the idle stretches of 5.4 need every query, in any order.
  const userIndex = new Map(users.map((u, i) => [u.key, i]));
  const log = files.has('queries') ? new QueryDays(userIndex) : undefined;
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
      log!.add(user, points.of(q.values.time as string).day, q.row, q.key);
      known.push(q);
    }
    if (errors.count === 0)
      await mark(
        'queries',
        known,
        known.map((q) => queryInput(q, points, auths)),
      );
  }
  errors.throwIfAny();

  // The held tables go to the policy in chunks too: the policy's memory grows to its largest input.
  const idle: IdleSource = {
    log,
    users: userIndex,
    points,
    from: context.from,
    to: context.to,
    asOf: (context.asOf as { day: number }).day,
  };
  // A stretch the policy marks is named by its index; the findings file gets its bounding rows.
  if (s.tally) s.tally.detail = (table, r, m) => (table === 'users' ? stretchDetail(idle, r, m) : undefined);
  // A user's input grows with its idle stretches (hundreds for a busy user), so its chunks are
  // bounded by rows and stretches together, like a chunk of queries: the policy's memory stays small.
  let chunk: Row[] = [];
  let inputs: unknown[] = [];
  let weight = 0;
  for (const u of users) {
    const stretches = userStretches(idle, u);
    chunk.push(u);
    inputs.push(userInput(u, points, staff, stretches));
    weight += 1 + stretches.length;
    if (weight >= (s.chunkSize ?? defaultChunkSize)) {
      await mark('users', chunk, inputs);
      chunk = [];
      inputs = [];
      weight = 0;
    }
  }
  if (chunk.length) await mark('users', chunk, inputs);
  for (const chunk of chunked([...(staff?.values() ?? [])], s.chunkSize))
    await mark(
      'staff',
      chunk,
      chunk.map((s) => staffInput(s, points, trainings.get(s.key))),
    );
  for await (const chunk of read('disputes'))
    await mark(
      'disputes',
      chunk,
      chunk.map((d) => disputeInput(d, points)),
    );
  for await (const chunk of read('filings'))
    await mark(
      'filings',
      chunk,
      chunk.map((f) => filingInput(f, points)),
    );
  for await (const _ of read('incidents'));
  await s.marker.drain();
  errors.throwIfAny();
  return counts;
}

function* chunked<T>(rows: T[], size = defaultChunkSize): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}
