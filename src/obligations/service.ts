// Obligations stage: the pipeline for deadlines, top to bottom: validate the question, ask the
// policy which rule binds which reporter, count the days on the working-day calendar, ask the policy
// whether it was met, and join in the clauses, names and readings. The CLI and the HTTP routes call
// only this.
import type { ValidateFunction } from 'ajv';
import type {
  CalendarRef,
  DueRequest,
  DueResult,
  DueStatus,
  InferredRef,
  InterpretationRef,
  ObligationCalendar,
  ObligationRef,
  Party,
  PartyFlag,
} from '../../generated/types/obligations/api.js';
import { policiesDir, rulesetsDir, wasmPath } from '../artifacts/artifacts.js';
import { PolicyModule } from '../engine/engine.js';
import { RulesError } from '../diagnostics/diagnostics.js';
import { hashDigests, sha256 } from '../rules/hash.js';
import { loadRuleset } from '../rules/load.js';
import { Registry } from '../rules/registry.js';
import { ruleFiles, type RuleSet } from '../rules/ruleset.js';
import { addSchemaFile, createAjv } from '../validation/ajv.js';
import { type Explained, explained, explainMessages, inProblemOrder } from '../diagnostics/explain.js';
import { type Message, msg } from '../diagnostics/message.js';
import { renderMessage } from '../diagnostics/i18n.js';
import { WorkingCalendar } from './calendar.js';
import { compileNoticeData } from './compile.js';
import { civil, dayOf, formatIsoDate, parseIsoDate, parseLooseDate, today, type Day } from './dates.js';
import { ObligationError } from './errors.js';
import { loadObligations, type ObligationSet, type ReporterKind } from './load.js';
import { NoticePolicy, type DatePoint, type NameBasis, type ResolveProblem, type ResolvedRule } from './policy.js';
import { computeDeadline, describeRule, nominalDue, type Deadline } from './schedule.js';

export type { DueRequest, DueResult, ObligationCalendar };

export const calendarsDir = `${policiesDir}calendars/`;

/**
 * Answer: the answer to one question about obligations, or the problems that refused the question (never
 * both); each problem keeps its message's catalogue key and values beside the English text, for the CLI.
 */
export type Answer<T> = { ok: true; result: T } | { ok: false; problems: Explained[] };

export interface CalendarRequest {
  institution: string;
  branchOf?: string;
  reporter?: ReporterKind;
  year: number;
}

export interface ServiceOptions {
  /** The ruleset whose obligations.yaml and annex 1 list apply, as the registry loaded it. */
  ruleset?: RuleSet;
  /** Without `ruleset`: one ruleset folder; without either, the ruleset in force for `year` in policies/rulesets. */
  rulesetDir?: string;
  /** The year whose ruleset applies when neither `ruleset` nor `rulesetDir` is given (default: this year). */
  year?: number;
  calendarsDir?: string;
  wasmPath?: string;
}

/** ObligationService holds the obligations, the calendar and the policy, loaded once. */
export class ObligationService {
  private constructor(
    readonly set: ObligationSet,
    readonly calendar: WorkingCalendar,
    readonly policy: NoticePolicy,
    readonly hash: string,
    private readonly validateRequest: ValidateFunction,
  ) {}

  static async load(options: ServiceOptions = {}): Promise<ObligationService> {
    const ruleset = options.ruleset ?? (await rulesetFor(options.rulesetDir, options.year));
    const set = await loadObligations(ruleset.dir);
    const national = { institutions: ruleset.institutions };
    const { calendar, diagnostics, texts } = await WorkingCalendar.inspect(options.calendarsDir ?? calendarsDir);
    if (!calendar) throw new RulesError(diagnostics);
    const module = await PolicyModule.fromFile(options.wasmPath ?? wasmPath);
    const policy = new NoticePolicy(await module.instantiate(compileNoticeData(set, national.institutions)));
    const institutions = ruleset.files.find((f) => f.name === ruleFiles.institutions)!;
    const hash = hashDigests([
      { name: 'obligations.yaml', sha256: sha256(set.text) },
      institutions,
      ...texts.map((t) => ({ name: t.name, sha256: sha256(t.content) })),
    ]);
    const ajv = createAjv();
    addSchemaFile(ajv, 'obligations/api.schema.json');
    const validateRequest = ajv.getSchema(
      'https://credit-policy.local/schemas/obligations/api.schema.json#/definitions/request',
    )!;
    return new ObligationService(set, calendar, policy, hash, validateRequest);
  }

  /** due answers when one obligation falls due for one reporter, and whether it was met. */
  due(request: unknown): Answer<DueResult> {
    if (!this.validateRequest(request))
      return { ok: false, problems: explainMessages(this.validateRequest.errors, request).map(inProblemOrder) };
    const q = request as DueRequest;
    const dates = parseDates(q);
    if (!dates.ok) return dates;
    const resolved = this.policy.resolve(q.obligation, { reporter: q.reporter, institution: q.institution });
    if (!resolved.ok) return { ok: false, problems: resolved.problems.map((p) => this.resolveProblem(q, p)) };
    const rule = resolved.rule;
    const flags =
      q.reporter || !q.institution ? [] : this.flags(this.policy.plan({ institution: q.institution }).basis);
    try {
      const deadline = computeDeadline(rule, dates.start, this.calendar, this.eventName(rule));
      const result: DueResult = {
        ruleset: { id: this.set.id, hash: this.hash },
        obligation: this.obligationRef(rule),
        reporter: { id: rule.kind, name: this.set.doc.reporters[rule.kind].name },
        recipient: this.recipient(rule),
        ...this.extras(rule),
        start: { date: formatIsoDate(dates.start), event: rule.start, name: this.eventName(rule) },
        ...(deadline.covers
          ? { covers: { from: formatIsoDate(deadline.covers.from), to: formatIsoDate(deadline.covers.to) } }
          : {}),
        ...ruleFields(deadline.rule),
        nominalDue: formatIsoDate(deadline.nominal),
        due: formatIsoDate(deadline.due),
        moved: movedFields(deadline.moved),
        interpretations: this.interpretations(rule.interpretations),
        calendars: [],
        ...(flags.length ? { flags } : {}),
      };
      if (dates.submitted !== undefined || dates.asOf !== undefined)
        result.status = this.status(rule, deadline, dates.submitted, dates.asOf ?? today());
      // The calendars consulted: from the first day counted (a count of working days) or the last day
      // as counted (a move to a working day) to the due date, and the day judged against it.
      const counted = rule.schedule.kind === 'after' && rule.schedule.unit === 'workingDays';
      const first = Math.min(
        counted ? dates.start + 1 : deadline.nominal,
        result.status ? (dates.submitted ?? dates.asOf ?? today()) : Infinity,
      );
      const last = Math.max(deadline.due, result.status ? (dates.submitted ?? dates.asOf ?? today()) : 0);
      result.calendars = deadline.workingDayReckoned ? this.calendarsUsed(first, last) : [];
      return { ok: true, result };
    } catch (err) {
      if (err instanceof ObligationError) return { ok: false, problems: [explained(err.path || '/start', err.said)] };
      throw err;
    }
  }

  /** calendarFor lists an institution's due dates in a year, and its deadlines that run from events. */
  calendarFor(request: CalendarRequest): Answer<ObligationCalendar> {
    if (!Number.isInteger(request.year) || request.year < 2000 || request.year > 2200)
      return {
        ok: false,
        problems: [explained('/year', msg('diag.obligations.notYear', { year: JSON.stringify(request.year) }))],
      };
    const institution = { name: request.institution, ...(request.branchOf ? { branchOf: request.branchOf } : {}) };
    const plan = this.policy.plan(request.reporter ? { reporter: request.reporter } : { institution });
    const result: ObligationCalendar = {
      ruleset: { id: this.set.id, hash: this.hash },
      institution: {
        ...institution,
        kind: plan.kind,
        kindName: this.set.doc.reporters[plan.kind].name,
        basis: plan.basis,
      },
      year: request.year,
      dated: [],
      triggered: [],
      undated: [],
      interpretations: [],
      calendars: [],
    };
    const flags = this.flags(plan.basis);
    if (flags.length) result.flags = flags;
    const readings: string[] =
      plan.basis === 'unlisted' || plan.basis === 'pboc-name' ? [this.set.doc.parties.interpretation] : [];
    try {
      for (const rule of plan.rules) {
        const s = rule.schedule;
        const obligation = this.obligationRef(rule);
        const recipient = this.recipient(rule);
        readings.push(...rule.interpretations);
        const extras = this.extras(rule);
        if (s.kind === 'undated') result.undated.push({ obligation, frequency: s.frequency, recipient, ...extras });
        else if (s.kind === 'after')
          result.triggered.push({
            obligation,
            ...ruleFields(describeRule(rule, this.eventName(rule))),
            start: { event: rule.start, name: this.eventName(rule) },
            recipient,
            ...extras,
          });
        else result.dated.push(...this.datedIn(rule, request.year, obligation, recipient, extras));
      }
    } catch (err) {
      if (err instanceof ObligationError) return { ok: false, problems: [explained('/year', err.said)] };
      throw err;
    }
    result.dated.sort((a, b) => compare(a.due, b.due) || compare(a.obligation.id, b.obligation.id));
    result.interpretations = this.interpretations(readings);
    result.calendars = result.dated.length
      ? this.calendarsUsed(dayOf(request.year, 1, 1), dayOf(request.year, 12, 31))
      : [];
    return { ok: true, result };
  }

  /** datedIn: the due dates of a periodic rule whose nominal day falls in `year`, each with what it covers. */
  private datedIn(
    rule: ResolvedRule,
    year: number,
    obligation: ObligationCalendar['dated'][number]['obligation'],
    recipient: ObligationCalendar['dated'][number]['recipient'],
    extras: ReturnType<ObligationService['extras']>,
  ): ObligationCalendar['dated'] {
    const s = rule.schedule;
    if (s.kind === 'undated' || s.kind === 'after') return [];
    const atLeast = this.set.byId.get(rule.id)?.atLeast;
    const out: ObligationCalendar['dated'] = [];
    for (const start of periodStarts(s.kind, year)) {
      if (civil(nominalDue(rule, start, this.calendar).nominal).year !== year) continue;
      const d = computeDeadline(rule, start, this.calendar, this.eventName(rule));
      out.push({
        due: formatIsoDate(d.due),
        nominalDue: formatIsoDate(d.nominal),
        moved: movedFields(d.moved),
        obligation,
        covers: { from: formatIsoDate(d.covers!.from), to: formatIsoDate(d.covers!.to) },
        recipient,
        ...ruleFields(d.rule),
        ...extras,
        ...(atLeast ? { atLeast } : {}),
      });
    }
    return out;
  }

  /** status classifies a submission, or its absence by `asOf` (ignored when there is one), against a deadline. */
  status(rule: Pick<ResolvedRule, 'nature'>, deadline: Deadline, submitted: Day | undefined, asOf: Day): DueStatus {
    const other = submitted ?? asOf;
    const origin = civil(Math.min(deadline.due, other)).year;
    const point = (day: Day): DatePoint =>
      deadline.workingDayReckoned ? { day, wo: this.calendar.ordinal(day, origin) } : { day };
    const [compact] = this.policy.status([
      {
        key: 'due',
        nature: rule.nature,
        due: point(deadline.due),
        ...(submitted !== undefined ? { submitted: point(submitted) } : { asOf: point(asOf) }),
      },
    ]);
    const out: DueStatus = {
      status: compact.status,
      ...(submitted !== undefined ? { submitted: formatIsoDate(submitted) } : { asOf: formatIsoDate(asOf) }),
    };
    for (const k of ['early', 'late', 'overdue', 'left'] as const) if (compact[k]) out[k] = compact[k];
    return out;
  }

  /** extras: the further recipients of a rule and the reading that supplies a date or route the text does not state. */
  extras(rule: Pick<ResolvedRule, 'alsoTo' | 'inferred'>): { alsoTo?: Party[]; inferred?: InferredRef } {
    const out: { alsoTo?: Party[]; inferred?: InferredRef } = {};
    if (rule.alsoTo?.length) out.alsoTo = rule.alsoTo.map((id) => ({ id, name: this.set.doc.recipients[id].name }));
    if (rule.inferred) {
      const i = this.set.interpretations.get(rule.inferred);
      if (i) out.inferred = { id: i.id, readingZh: i.readingZh, reading: i.reading };
    }
    return out;
  }

  /** flags: why a kind read from a name deserves a second look (parties in obligations.yaml). */
  flags(basis: NameBasis): PartyFlag[] {
    if (basis === 'unlisted') return [flag('unlisted-name', msg('diag.obligations.flag.unlistedName'))];
    if (basis === 'pboc-name') return [flag('pboc-name', msg('diag.obligations.flag.pbocName'))];
    return [];
  }

  obligationRef(rule: Pick<ResolvedRule, 'id' | 'kind'>): ObligationRef {
    const o = this.set.byId.get(rule.id)!;
    const reporterClause = o.reporters[rule.kind]?.clause;
    return {
      id: o.id,
      title: o.title,
      ...(o.titleZh ? { titleZh: o.titleZh } : {}),
      section: o.section,
      clause: o.clause,
      ...(reporterClause ? { reporterClause } : {}),
      ...(o.routeClause ? { routeClause: o.routeClause } : {}),
      nature: o.nature,
    };
  }

  recipient(rule: Pick<ResolvedRule, 'recipient'>): Party | null {
    return rule.recipient === null ? null : { id: rule.recipient, name: this.set.doc.recipients[rule.recipient].name };
  }

  eventName(rule: Pick<ResolvedRule, 'start'>): string {
    return this.set.doc.events[rule.start].name;
  }

  /** interpretations resolves reading ids, in order, each once. */
  interpretations(ids: string[]): InterpretationRef[] {
    return [...new Set(ids)].map((id) => {
      const i = this.set.interpretations.get(id)!;
      return { id: i.id, about: i.about, readingZh: i.readingZh, reading: i.reading };
    });
  }

  private calendarsUsed(from: Day, to: Day): CalendarRef[] {
    const out: CalendarRef[] = [];
    for (let y = civil(from).year; y <= civil(to).year; y++) {
      const n = this.calendar.notice(y);
      out.push({ year: y, number: n.number, title: n.title });
    }
    return out;
  }

  private resolveProblem(q: DueRequest, p: ResolveProblem): Explained {
    const kinds = (ids: string[]) =>
      ids.map((k) => `${k} (${this.set.doc.reporters[k as ReporterKind].name})`).join(', ');
    switch (p.code) {
      case 'unknown-obligation':
        return explained(
          '/obligation',
          msg('diag.obligations.unknownObligation', { id: q.obligation, allowed: p.allowed.join(', ') }),
          p.allowed,
        );
      case 'not-applicable':
        return explained(
          q.reporter ? '/reporter' : '/institution',
          msg('diag.obligations.notBinding', {
            id: q.obligation,
            kind: p.kind!,
            name: this.set.doc.reporters[p.kind!].name,
            binds: kinds(p.allowed),
          }),
          p.allowed,
        );
      case 'reporter-needed':
        return explained(
          '/reporter',
          msg('diag.obligations.reporterNeeded', { id: q.obligation, binds: kinds(p.allowed) }),
          p.allowed,
        );
    }
  }
}

// The texts of an answer are English (what tools and the API have always read), each with its catalogue
// key and values beside it, from which the CLI says it in the reader's language.

/** ruleFields: a schedule in words (rule), with its key and values (ruleId, ruleParams). */
function ruleFields(rule: Message): { rule: string; ruleId: string; ruleParams?: Message['params'] } {
  return { rule: renderMessage(rule, 'en'), ruleId: rule.key, ...(rule.params ? { ruleParams: rule.params } : {}) };
}

/** movedFields: why a last day moved to a working day (because), with its key and values (becauseId, params). */
function movedFields(moved: Deadline['moved']): DueResult['moved'] {
  if (!moved) return null;
  const { key, params } = moved.because;
  return {
    from: formatIsoDate(moved.from),
    because: renderMessage(moved.because, 'en'),
    becauseId: key,
    ...(params ? { params } : {}),
  };
}

function flag(code: PartyFlag['code'], message: Message): PartyFlag {
  return { code, message: renderMessage(message, 'en'), messageId: message.key };
}

function parseDates(
  q: DueRequest,
): { ok: true; start: Day; submitted?: Day; asOf?: Day } | { ok: false; problems: Explained[] } {
  const problems: Explained[] = [];
  const start = parseLooseDate(q.start);
  if (start === undefined) problems.push(explained('/start', msg('diag.obligations.notStartDate', { text: q.start })));
  const exact = (text: string | undefined, path: string) => {
    if (text === undefined) return undefined;
    const d = parseIsoDate(text);
    if (d === undefined) problems.push(explained(path, msg('diag.obligations.notDay', { text })));
    return d;
  };
  const submitted = exact(q.submitted, '/submitted');
  const asOf = exact(q.asOf, '/asOf');
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    start: start!,
    ...(submitted !== undefined ? { submitted } : {}),
    ...(asOf !== undefined ? { asOf } : {}),
  };
}

// The first day of every period whose deadline can fall in `year`: the months, quarters and rating
// years of that year and the one before (their reports are due in the following month or year).
function periodStarts(kind: 'monthly' | 'quarterly' | 'annual', year: number): Day[] {
  const out: Day[] = [];
  if (kind === 'annual') return [dayOf(year - 1, 1, 1), dayOf(year, 1, 1)];
  const step = kind === 'monthly' ? 1 : 3;
  for (let y = year - 1; y <= year; y++) for (let m = 1; m <= 12; m += step) out.push(dayOf(y, m, 1));
  return out;
}

// A ruleset folder named on its own, or the ruleset the registry holds in force for the year: the
// obligations follow the rules in force, as ratings do.
async function rulesetFor(dir: string | undefined, year = civil(today()).year): Promise<RuleSet> {
  if (dir) return loadRuleset(dir);
  return (await Registry.load(rulesetsDir)).select(year);
}

/** compare orders two strings (ISO dates, ids) as text. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
