// Obligations stage: reads obligations.yaml of a ruleset folder (kept with positions), validates it
// against its schema and against the source text, and returns the ObligationSet, or every problem
// found at once, each at its line and column.
import { basename } from 'node:path';
import type {
  EventTypeColumn,
  Obligation,
  ObligationInterpretation,
  ObligationsFile,
  ReporterRule,
} from '../../generated/types/obligations/obligations.js';
import { hasErrors, RulesError, type Diagnostic } from '../diagnostics/diagnostics.js';
import { positioned as at } from '../diagnostics/positioned.js';
import type { JsonPath } from '../diagnostics/yaml-source.js';
import { msg } from '../diagnostics/message.js';
import { readSchema } from '../validation/ajv.js';
import { daysInMonth } from './dates.js';
import { type DutyChecks, dutyChecks, type Report, readDutyFile } from './rule-file.js';

export type { EventTypeColumn, Obligation, ObligationInterpretation, ObligationsFile, ReporterRule };

export const obligationsFile = 'obligations.yaml';

/** ReporterKind: who owes a deadline (the keys of `reporters` in obligations.yaml). */
export type ReporterKind = keyof ObligationsFile['reporters'];

/** ObligationSet: obligations.yaml of one ruleset, validated and indexed. */
export interface ObligationSet {
  /** The ruleset folder's name, e.g. yinfa-2018-102. */
  id: string;
  file: string;
  text: string;
  doc: ObligationsFile;
  byId: Map<string, Obligation>;
  interpretations: Map<string, ObligationInterpretation>;
}

/** inspectObligations loads a ruleset folder's obligations.yaml with all its diagnostics. */
export async function inspectObligations(
  rulesetDir: string,
  displayRoot = process.cwd(),
): Promise<{ set?: ObligationSet; diagnostics: Diagnostic[] }> {
  const { file, diagnostics } = await readDutyFile<ObligationsFile>(
    rulesetDir,
    obligationsFile,
    'obligations/obligations.schema.json',
    displayRoot,
  );
  if (!file) return { diagnostics };
  const { source, doc, sourceText } = file;
  checkObligations(doc, sourceText, (code, path, message) => diagnostics.push(at(source, code, path, message)));
  if (hasErrors(diagnostics)) return { diagnostics };
  return {
    set: {
      id: basename(rulesetDir),
      file: source.file,
      text: source.text,
      doc,
      byId: new Map(doc.obligations.map((o) => [o.id, o])),
      interpretations: new Map(doc.interpretations.map((i) => [i.id, i])),
    },
    diagnostics,
  };
}

/** loadObligations loads obligations.yaml or throws RulesError with every problem found. */
export async function loadObligations(rulesetDir: string): Promise<ObligationSet> {
  const { set, diagnostics } = await inspectObligations(rulesetDir);
  if (!set) throw new RulesError(diagnostics);
  return set;
}

// What the schema cannot say: every id resolves, every reading is used, numbers fit their
// schedule, every quote is in the source, and the form's columns are the report schema's counts.
function checkObligations(doc: ObligationsFile, sourceText: string | undefined, report: Report): void {
  const checks = dutyChecks(doc, sourceText, report);
  checkForm(doc.monthlyReport, checks, report);
  checks.quoted(doc.parties.operator.clause, ['parties', 'operator', 'clause']);
  checks.use([doc.parties.interpretation], ['parties', 'interpretation']);
  const seen = new Set<string>();
  doc.obligations.forEach((o, n) => {
    const op: JsonPath = ['obligations', n];
    if (seen.has(o.id)) report('OBL010', [...op, 'id'], msg('diag.obligations.duplicateObligation', { id: o.id }));
    seen.add(o.id);
    checkObligation(doc, o, op, checks, report);
  });
  checks.interpretations(msg('diag.obligations.usedBy.obligations'));
}

/** checkForm: the monthly report form quotes its source, and its columns are the report schema's counts. */
function checkForm(form: ObligationsFile['monthlyReport'], { quoted, use }: DutyChecks, report: Report): void {
  quoted(form.title, ['monthlyReport', 'title']);
  quoted(form.periodTemplate, ['monthlyReport', 'periodTemplate']);
  quoted(form.clause, ['monthlyReport', 'clause']);
  quoted(form.zeroReport.clause, ['monthlyReport', 'zeroReport', 'clause']);
  use([form.zeroReport.interpretation], ['monthlyReport', 'zeroReport', 'interpretation']);
  use(form.interpretations, ['monthlyReport', 'interpretations']);
  form.notes.forEach((n, i) => {
    quoted(n, ['monthlyReport', 'notes', i]);
  });
  form.eventTypes.forEach((t, i) => {
    quoted(t.name, ['monthlyReport', 'eventTypes', i, 'name']);
    quoted(t.column, ['monthlyReport', 'eventTypes', i, 'column']);
  });
  const counts = (
    readSchema('obligations/monthly-report.schema.json') as { definitions: { counts: { required: string[] } } }
  ).definitions.counts.required;
  const keys = form.eventTypes.map((t) => t.key);
  if (keys.join() !== counts.join())
    report(
      'OBL021',
      ['monthlyReport', 'eventTypes'],
      msg('diag.obligations.eventTypes', { keys: keys.join(', '), counts: counts.join(', ') }),
    );
  // The form's own words; 小计 and 合计 (the sums this project adds) are not on the form.
  const formHeadings = Object.entries(form.headings).filter(([k]) => k !== 'subtotal' && k !== 'total');
  for (const [k, v] of formHeadings)
    for (const text of Array.isArray(v) ? v : [v]) quoted(text, ['monthlyReport', 'headings', k]);
  for (const [k, v] of Object.entries(form.signatories)) quoted(v, ['monthlyReport', 'signatories', k]);
}

/** checkObligation: one obligation's quotes, readings, event, schedule and reporters resolve and fit. */
function checkObligation(
  doc: ObligationsFile,
  o: Obligation,
  op: JsonPath,
  { quoted, use }: DutyChecks,
  report: Report,
): void {
  const recipients = Object.keys(doc.recipients);
  const events = Object.keys(doc.events);
  quoted(o.clause, [...op, 'clause']);
  if (o.routeClause) quoted(o.routeClause, [...op, 'routeClause']);
  use(o.interpretations, [...op, 'interpretations']);
  if (o.inferred) use([o.inferred], [...op, 'inferred']);
  if (!events.includes(o.start))
    report(
      'OBL011',
      [...op, 'start'],
      msg('diag.obligations.unknownEvent', { name: o.start, declared: events.join(', ') }),
    );
  const s = o.schedule;
  if (s.kind === 'annual') {
    if ((s.day === undefined) === (s.lastDay === undefined))
      report('OBL013', [...op, 'schedule'], msg('diag.obligations.annualDay'));
    else if (s.day !== undefined && s.day > daysInMonth(2023, s.month))
      report('OBL013', [...op, 'schedule', 'day'], msg('diag.obligations.noSuchDay', { month: s.month, day: s.day }));
  }
  for (const [kind, rule] of Object.entries(o.reporters) as [ReporterKind, ReporterRule][]) {
    const rp: JsonPath = [...op, 'reporters', kind];
    if (rule.recipient !== null && !recipients.includes(rule.recipient))
      report(
        'OBL011',
        [...rp, 'recipient'],
        msg('diag.obligations.unknownRecipient', { name: rule.recipient, declared: recipients.join(', ') }),
      );
    if (rule.clause) quoted(rule.clause, [...rp, 'clause']);
    use(rule.interpretations, [...rp, 'interpretations']);
    if (rule.inferred) use([rule.inferred], [...rp, 'inferred']);
    (rule.alsoTo ?? []).forEach((id, i) => {
      if (!recipients.includes(id))
        report(
          'OBL011',
          [...rp, 'alsoTo', i],
          msg('diag.obligations.unknownRecipient', { name: id, declared: recipients.join(', ') }),
        );
    });
    if (rule.schedule?.day !== undefined && s.kind !== 'monthly' && s.kind !== 'quarterly')
      report('OBL013', [...rp, 'schedule', 'day'], msg('diag.obligations.dayNotMonthly', { kind: s.kind }));
    if (rule.schedule?.count !== undefined && s.kind !== 'after')
      report('OBL013', [...rp, 'schedule', 'count'], msg('diag.obligations.countNotAfter', { kind: s.kind }));
  }
}
