// Diagnostics: the closed set of diagnostic codes. Every code any stage emits is declared here once,
// with its default severity, a title and what a policy editor does about it; docs/codes.md documents
// the same list, and test/check/codes.test.ts fails when code, declaration and docs disagree.

/** Severity: an error refuses (and makes `check` exit 1); a warning is shown and refuses nothing. */
export type Severity = 'error' | 'warning';

/** CodeInfo: what one diagnostic code means and what to do about it. */
export interface CodeInfo {
  severity: Severity;
  title: string;
  /** What the person who edits the file does to clear it. */
  help: string;
}

export const codes = {
  RULE001: {
    severity: 'error',
    title: 'YAML syntax error',
    help: 'Fix the YAML at the position given: indentation, a missing colon or quote, or a key written twice in one mapping.',
  },
  RULE002: {
    severity: 'error',
    title: 'File cannot be read',
    help: 'Check that the file or folder exists and is readable, and that `source` in ruleset.yaml names the source text beside it.',
  },
  RULE003: {
    severity: 'error',
    title: 'Rule file does not match its schema',
    help: 'Use only the keys the message lists as allowed, write numbers without quotes, and add every required key; the schemas are under schemas/rules/.',
  },
  RULE010: {
    severity: 'error',
    title: 'Duplicate id',
    help: 'Give every item, rule, trigger, grade, measure and interpretation an id used nowhere else in its ruleset.',
  },
  RULE011: {
    severity: 'error',
    title: 'Rule refers to something that does not fit',
    help: 'Make the rule read a finding its item declares, of a type its kind reads (counts for perOccurrence, flags for fixed and bonus, percents or numbers for tiers, choices for choice), give a zeroIf rule on a count its atLeast, and keep bonus rules in the bonus item.',
  },
  RULE012: {
    severity: 'error',
    title: 'Unknown interpretation',
    help: 'Refer to an interpretation id defined in interpretations.yaml, or add the interpretation there with its quote, reading and reason.',
  },
  RULE013: {
    severity: 'error',
    title: 'Points more precise than hundredths',
    help: 'Write points with at most two decimal places; the policy counts whole hundredths of a point.',
  },
  RULE014: {
    severity: 'error',
    title: 'Finding read by no rule',
    help: 'Add the rule that reads the finding, or remove the finding from the item.',
  },
  RULE020: {
    severity: 'error',
    title: 'Points do not add up',
    help: "Make the items' maxPoints add up to their indicator, the indicators' to their dimension, and the dimensions' to the total.",
  },
  RULE021: {
    severity: 'error',
    title: "Cap above the item's maxPoints",
    help: "Lower the cap to at most the item's maxPoints (a deduction can never take more than the item has).",
  },
  RULE022: {
    severity: 'error',
    title: 'Tiers leave a gap or overlap',
    help: 'Adjust the gte/gt/lte/lt bounds so that every reachable value falls in exactly one tier, and give each tier exactly one of score, deduct or zero.',
  },
  RULE023: {
    severity: 'error',
    title: 'Tier or option does not fit its item',
    help: "Keep every score and deduction within the item's maxPoints, and give a choice rule one option for each value its finding allows.",
  },
  RULE030: {
    severity: 'error',
    title: 'Grade bands leave a gap or overlap',
    help: 'Make the bands run from 0 to the total without overlapping; where whole-number bands leave fractional scores between them, say in bands.interpretation which band takes them.',
  },
  RULE031: {
    severity: 'error',
    title: 'Measures missing for a result',
    help: 'Give measures.results an entry for every grade and for "zero", and let includes name an existing entry.',
  },
  RULE040: {
    severity: 'error',
    title: 'Trigger condition does not fit its circumstance',
    help: 'Name a circumstance declared under circumstances; give atLeast to a count and never to a flag.',
  },
  RULE051: {
    severity: 'error',
    title: 'Interpretation not used',
    help: 'Refer to the interpretation from the rule, item, band or trigger it reads, or remove it.',
  },
  RULE060: {
    severity: 'warning',
    title: 'Criteria text and maxPoints disagree',
    help: 'A reviewer confirms the reading: the interpretations the message names say which number wins. Nothing to change when the reading is recorded.',
  },
  RULE061: {
    severity: 'error',
    title: 'Clause not in the source verbatim',
    help: 'Copy the clause exactly from source.txt (same punctuation and spaces); a clause is a quotation, never a paraphrase.',
  },
  RULE070: {
    severity: 'error',
    title: 'Ruleset id differs from its folder',
    help: 'Make id in ruleset.yaml equal the name of the folder that holds it.',
  },
  RULE071: {
    severity: 'error',
    title: 'No ruleset folder',
    help: 'Put at least one ruleset folder (with ruleset.yaml) under policies/rulesets/.',
  },
  RULE072: {
    severity: 'error',
    title: 'Rulesets overlap',
    help: 'Give rulesets of the same region rating years that do not overlap: end the older one (effective.untilYear) before the newer one starts.',
  },
  RULE080: {
    severity: 'error',
    title: 'Extended ruleset cannot be loaded',
    help: 'Let extends name a ruleset folder beside this one, by its id, and fix the errors of that ruleset first.',
  },
  RULE081: {
    severity: 'error',
    title: 'Override path names nothing',
    help: 'Name what the override changes by ids, starting from items[ID], table, grading, institutions or interpretations (e.g. items[5.2].rules[5.2:user-not-registered].points), and only things the base ruleset has; use add for something new.',
  },
  RULE082: {
    severity: 'error',
    title: 'Override operation does not fit',
    help: 'Give each override exactly one of set, add or remove: set changes what is there, add appends to a list or adds a new key, remove deletes.',
  },
  RULE083: {
    severity: 'error',
    title: 'Rulesets extend each other in a circle',
    help: 'Let the chain of extends end in a ruleset that extends none.',
  },
  RULE084: {
    severity: 'error',
    title: 'Overlay covers years its base does not',
    help: "Keep the overlay's effective years within those of the ruleset it extends.",
  },
  TEST001: {
    severity: 'error',
    title: 'Rule test file does not match its schema',
    help: 'Write tests/*.yaml as `tests:` with name, input and expect per test, using only the expectation keys the message lists as allowed; the schema is schemas/rules/rule-tests.schema.json.',
  },
  TEST002: {
    severity: 'error',
    title: 'Rule test failed',
    help: 'The rules no longer give the outcome the test works out from the text: correct the rule that moved, or, if the text was read wrongly, the expectation.',
  },
  TEST003: {
    severity: 'error',
    title: 'Rule test could not run',
    help: "Rating the test's input stopped with an error instead of a result or a refusal (the message says why): usually the compiled policy and the rule files no longer fit each other; rebuild generated/ (`npm run generate`) or fix the rule file the message names, then run the tests again.",
  },
  REGO001: {
    severity: 'error',
    title: 'Rego does not compile (opa check --strict)',
    help: 'Fix the Rego at the position given; `opa check --strict policies/rating` reproduces it.',
  },
  REGO002: {
    severity: 'error',
    title: 'Rego not formatted (opa fmt)',
    help: 'Run `opa fmt -w` on the file, with the pinned OPA.',
  },
  REGO003: {
    severity: 'error',
    title: 'Rego test failed (opa test)',
    help: 'Fix the policy or its test; `opa test -t rego` and `opa test -t wasm` on the folder reproduce it.',
  },
  REGO004: {
    severity: 'warning',
    title: 'Rego lint (Regal)',
    help: "Follow the linked Regal rule's advice, or set its level in a Regal configuration file; `regal lint` on the folder reproduces it.",
  },
  COV001: {
    severity: 'error',
    title: 'Not exercised by any rule test',
    help: "Add a rule test in the ruleset's tests/ folder whose input reaches the rule, tier, option, cap, trigger, grade, measure or not-rated case named.",
  },
  OBL002: {
    severity: 'error',
    title: 'Source text of the obligations cannot be read',
    help: 'Let `source` in obligations.yaml name the source text beside it (source.txt), relative to the ruleset folder; the clauses are checked against it.',
  },
  OBL003: {
    severity: 'error',
    title: 'obligations.yaml does not match its schema',
    help: 'Use only the keys the message lists as allowed, pick a value the message lists (a schedule kind, a unit, a reporter), write numbers without quotes, and add every required key; the schema is schemas/obligations/obligations.schema.json.',
  },
  OBL010: {
    severity: 'error',
    title: 'Duplicate obligation or interpretation id',
    help: 'Give every obligation and every interpretation of obligations.yaml an id used nowhere else in the file.',
  },
  OBL011: {
    severity: 'error',
    title: 'Obligation refers to something not declared',
    help: 'Name an interpretation defined under interpretations, an event declared under events and a recipient declared under recipients (the message lists those declared), or declare the new one there.',
  },
  OBL012: {
    severity: 'error',
    title: 'Obligation interpretation not used',
    help: 'Refer to the interpretation from the obligation, reporter rule or report form that relies on it, or remove it.',
  },
  OBL013: {
    severity: 'error',
    title: 'Schedule numbers do not fit the schedule',
    help: 'Give an annual schedule exactly one of day or lastDay, and a day its month has in every year; give a reporter a day of the month only under a monthly or quarterly schedule, and a count only under an after schedule.',
  },
  OBL020: {
    severity: 'error',
    title: 'Obligation text not in the source verbatim',
    help: "Copy the clause, title, heading or quote exactly from the ruleset's source.txt (same punctuation and spaces; only the source's line breaks are ignored); a clause is a quotation, never a paraphrase.",
  },
  OBL021: {
    severity: 'error',
    title: 'Report form event types differ from the report schema',
    help: "List monthlyReport.eventTypes with the keys of the counts of schemas/obligations/monthly-report.schema.json, all of them and in the form's order; a new column changes the schema in the same pull request.",
  },
  CAL002: {
    severity: 'error',
    title: 'Calendars folder cannot be read',
    help: 'Check that policies/calendars exists and is readable; it holds one `<year>.yaml` per year.',
  },
  CAL003: {
    severity: 'error',
    title: 'Calendar file does not match its schema',
    help: 'Use only the keys the message lists as allowed, write dates as YYYY-MM-DD, and give every holiday its name, clause, off { from, to } and workdays (an empty list when none); the schema is schemas/obligations/calendar.schema.json.',
  },
  CAL004: {
    severity: 'error',
    title: 'Calendar dates do not fit their year',
    help: "Name the file after its year, keep every date in that year, let each off range run forwards without overlapping another holiday's, and list as workdays only the Saturdays and Sundays the notice makes working days (调休上班).",
  },
  KEY001: {
    severity: 'error',
    title: 'Keys file is not valid JSON or YAML',
    help: 'Fix the syntax at the position given; a keys file is JSON (YAML is accepted too), as written by `credit-policy keys add`.',
  },
  KEY002: {
    severity: 'error',
    title: 'Keys file does not match its schema',
    help: 'Give every key a name, a `sha256:` hash of its secret and scopes from evaluate, read and admin; store no secret in the file (make keys with `credit-policy keys add`).',
  },
  KEY003: {
    severity: 'error',
    title: 'Two keys with one name',
    help: 'Give each user or service its own name; remove or rename the second key (`credit-policy keys remove`).',
  },
  KEY004: {
    severity: 'error',
    title: 'Two keys with one secret',
    help: 'Keys are not shared: make a new key for one of the two users or services with `credit-policy keys add` and remove the shared one.',
  },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof codes;

/** codeList: every declared code in order, with its description. */
export const codeList: readonly ({ code: Code } & CodeInfo)[] = (Object.keys(codes) as Code[]).map((code) => ({
  code,
  ...codes[code],
}));
