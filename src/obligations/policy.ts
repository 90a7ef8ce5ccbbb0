// Obligations stage: the compact answers of the Rego in policies/obligations, and one typed call per
// entrypoint. Rego returns ids, codes, kinds and whole numbers; the host joins in names and clauses.
import { obligationEntrypoints as entrypoints } from '../artifacts/artifacts.js';
import type { PolicyInstance } from '../engine/engine.js';
import type { Schedule } from '../../generated/types/obligations/obligations.js';
import type { DueStatus, Span } from '../../generated/types/obligations/api.js';
import type { ReporterKind } from './load.js';

/** ResolvedRule: one obligation as it binds one kind of reporter (its numbers laid over the schedule). */
export interface ResolvedRule {
  id: string;
  kind: ReporterKind;
  nature: 'duty' | 'right';
  start: string;
  schedule: Schedule;
  onNonWorkingDay: 'nextWorkingDay' | 'stays';
  recipient: string | null;
  interpretations: string[];
  /** Further recipients of the same filing (有关部门). */
  alsoTo: string[];
  /** The reading that supplies a due date or recipient the text does not state, or null. */
  inferred: string | null;
}

/** NameBasis: why a name was read as its kind of party; "unlisted" and "pboc-name" are flagged. */
export type NameBasis =
  | 'given'
  | 'only-kind'
  | 'operator-name'
  | 'branch-of-national'
  | 'branch-of-other'
  | 'annex-1'
  | 'branch-name'
  | 'pboc-name'
  | 'plainly-local'
  | 'unlisted';

export interface ResolveProblem {
  code: 'unknown-obligation' | 'not-applicable' | 'reporter-needed';
  kind?: ReporterKind;
  allowed: string[];
}

export type Resolved = { ok: true; rule: ResolvedRule } | { ok: false; problems: ResolveProblem[] };

/** A date as the status rule reads it: its day number and, when counted, its working-day ordinal. */
export interface DatePoint {
  day: number;
  wo?: number;
}

export interface StatusCheck {
  key: string;
  nature: 'duty' | 'right';
  due: DatePoint;
  /** Either the submission, or the day at which its absence is judged. */
  submitted?: DatePoint;
  asOf?: DatePoint;
}

/** CompactStatus: the status rule's answer for one check; the status and spans are the API's (api.schema.json). */
export interface CompactStatus {
  key: string;
  status: DueStatus['status'];
  early?: Span;
  late?: Span;
  overdue?: Span;
  left?: Span;
}

export interface ReportProblem {
  code:
    | 'remarks-missing'
    | 'remarks-without-events'
    | 'period-not-over'
    | 'duplicate-id'
    | 'duplicate-month'
    | 'correction-unknown'
    | 'correction-of-itself'
    | 'correction-mismatch'
    | 'correction-conflict'
    | 'correction-without-original'
    | 'month-missing';
  severity: 'error' | 'warning';
  report: number;
  eventType?: string;
  first?: number;
  target?: number | string;
  asOfPeriod?: string;
}

export interface CompactCheck {
  problems: ReportProblem[];
  /** Indexes of the reports that stand: those no other report corrects. */
  effective: number[];
}

export interface CompactAggregate {
  regions: { region: string; rows: number[]; total: Record<string, number> }[];
  total: Record<string, number>;
  /** National head offices' reports, apart from the regions and the 合计 (head-office-reports-apart). */
  headOffices: { rows: number[]; total: Record<string, number> };
}

/** NoticePolicy: the obligations entrypoints of the compiled policy, bound to one data document. */
export class NoticePolicy {
  constructor(private readonly instance: PolicyInstance) {}

  resolve(
    obligation: string,
    who: { reporter?: ReporterKind; institution?: { name: string; branchOf?: string } },
  ): Resolved {
    return this.instance.evaluate({ obligation, ...who }, entrypoints.resolve) as Resolved;
  }

  plan(who: { reporter?: ReporterKind; institution?: { name: string; branchOf?: string } }): {
    kind: ReporterKind;
    basis: NameBasis;
    rules: ResolvedRule[];
  } {
    return this.instance.evaluate(who, entrypoints.plan) as {
      kind: ReporterKind;
      basis: NameBasis;
      rules: ResolvedRule[];
    };
  }

  status(checks: StatusCheck[]): CompactStatus[] {
    return this.instance.evaluate({ checks }, entrypoints.status) as CompactStatus[];
  }

  check(reports: unknown[], asOfPeriod?: string): CompactCheck {
    return this.instance.evaluate(
      { reports, ...(asOfPeriod ? { asOfPeriod } : {}) },
      entrypoints.check,
    ) as CompactCheck;
  }

  aggregate(reports: unknown[]): CompactAggregate {
    return this.instance.evaluate({ reports }, entrypoints.aggregate) as CompactAggregate;
  }
}
