// Diff stage: grading (第十四条 to 第十七条, 第九条): bands, circumstances, downgrade and zero-score
// triggers with their thresholds, the measures of each result, and the not-rated rule.
import type { Grading, RuleSet } from '../rules/ruleset.js';
import { type Changes, keyed, type Place } from './compare.js';
import type { ChangeKind } from './model.js';

type Trigger = Grading['downgrade']['triggers'][number];

/** diffGrading adds every change of grading.yaml. */
export function diffGrading(a: RuleSet, b: RuleSet, out: Changes): void {
  for (const diff of [diffBands, diffCircumstances, diffDowngrade, diffZeroScore, diffMeasures, diffNotRated])
    diff(a.grading, b.grading, out);
}

/** diffBands: the grade bands, their clause and reading. */
function diffBands(ga: Grading, gb: Grading, out: Changes): void {
  const bands: Place = { section: 'grading', path: 'bands' };
  clauseAndReading(bands, 'band', ga.bands, gb.bands, out);
  keyed(ga.bands.grades, gb.bands.grades, (g) => g.grade, {
    removed: (g, id) => out.removed(bands, 'band', `[${id}]`, g, g.clause),
    added: (g, id) => out.added(bands, 'band', `[${id}]`, g, g.clause),
    both: (x, y, id) => {
      const clause = { from: x.clause, to: y.clause };
      out.value(bands, 'band', `[${id}].from`, x.from, y.from, clause);
      out.value(bands, 'band', `[${id}].to`, x.to, y.to, clause);
      out.value(bands, 'band', `[${id}].clause`, x.clause, y.clause);
      out.value(bands, 'band', `[${id}].description`, x.description, y.description);
    },
  });
}

/** diffCircumstances: the circumstances the triggers count. */
function diffCircumstances(ga: Grading, gb: Grading, out: Changes): void {
  const circumstances: Place = { section: 'grading', path: 'circumstances' };
  keyed(Object.entries(ga.circumstances), Object.entries(gb.circumstances), ([name]) => name, {
    removed: ([, c], name) => out.removed(circumstances, 'circumstance', name, c),
    added: ([, c], name) => out.added(circumstances, 'circumstance', name, c),
    both: ([, x], [, y], name) => {
      out.value(circumstances, 'circumstance', `${name}.type`, x.type, y.type);
      out.value(circumstances, 'circumstance', `${name}.description`, x.description, y.description);
    },
  });
}

/** diffDowngrade: the downgrade and its triggers. */
function diffDowngrade(ga: Grading, gb: Grading, out: Changes): void {
  const downgrade: Place = { section: 'grading', path: 'downgrade' };
  const dClause = { from: ga.downgrade.clause, to: gb.downgrade.clause };
  out.value(downgrade, 'trigger', 'clause', ga.downgrade.clause, gb.downgrade.clause);
  out.value(downgrade, 'trigger', 'steps', ga.downgrade.steps, gb.downgrade.steps, dClause);
  out.value(
    downgrade,
    'trigger',
    'floorInterpretation',
    ga.downgrade.floorInterpretation,
    gb.downgrade.floorInterpretation,
    dClause,
  );
  out.value(
    downgrade,
    'trigger',
    'onceInterpretation',
    ga.downgrade.onceInterpretation,
    gb.downgrade.onceInterpretation,
    dClause,
  );
  diffTriggers(ga.downgrade.triggers, gb.downgrade.triggers, downgrade, out);
}

/** diffZeroScore: the zero score and its triggers. */
function diffZeroScore(ga: Grading, gb: Grading, out: Changes): void {
  const zero: Place = { section: 'grading', path: 'zeroScore' };
  clauseAndReading(zero, 'trigger', ga.zeroScore, gb.zeroScore, out);
  diffTriggers(ga.zeroScore.triggers, gb.zeroScore.triggers, zero, out);
}

/** diffMeasures: the measures of each result. */
function diffMeasures(ga: Grading, gb: Grading, out: Changes): void {
  const measures: Place = { section: 'grading', path: 'measures' };
  out.value(measures, 'measure', 'clause', ga.measures.clause, gb.measures.clause);
  keyed(Object.entries(ga.measures.results), Object.entries(gb.measures.results), ([k]) => k, {
    removed: ([, s], k) => out.removed(measures, 'measure', `[${k}]`, s, s.clause),
    added: ([, s], k) => out.added(measures, 'measure', `[${k}]`, s, s.clause),
    both: ([, x], [, y], k) => {
      const clause = { from: x.clause, to: y.clause };
      out.value(measures, 'measure', `[${k}].clause`, x.clause, y.clause);
      out.value(measures, 'measure', `[${k}].includes`, x.includes, y.includes, clause);
      keyed(x.measures, y.measures, (m) => m.id, {
        removed: (m, id) => out.removed(measures, 'measure', `[${k}].measures[${id}]`, m, x.clause),
        added: (m, id) => out.added(measures, 'measure', `[${k}].measures[${id}]`, m, y.clause),
        both: (m, n, id) => {
          out.value(measures, 'measure', `[${k}].measures[${id}].text`, m.text, n.text, clause);
          out.value(
            measures,
            'measure',
            `[${k}].measures[${id}].discretionary`,
            m.discretionary ?? false,
            n.discretionary ?? false,
            clause,
          );
        },
      });
    },
  });
}

/** diffNotRated: the not-rated rule (第九条). */
function diffNotRated(ga: Grading, gb: Grading, out: Changes): void {
  const notRated: Place = { section: 'grading', path: 'notRated' };
  clauseAndReading(notRated, 'not-rated', ga.notRated, gb.notRated, out);
}

/** clauseAndReading: a section's clause, and the interpretation it is read by. */
function clauseAndReading(
  place: Place,
  kind: ChangeKind,
  a: { clause: string; interpretation?: string },
  b: { clause: string; interpretation?: string },
  out: Changes,
): void {
  out.value(place, kind, 'clause', a.clause, b.clause);
  out.value(place, kind, 'interpretation', a.interpretation, b.interpretation, { from: a.clause, to: b.clause });
}

function diffTriggers(a: Trigger[], b: Trigger[], place: Place, out: Changes): void {
  keyed(a, b, (t) => t.id, {
    removed: (t, id) => out.removed(place, 'trigger', `triggers[${id}]`, t, t.clause),
    added: (t, id) => out.added(place, 'trigger', `triggers[${id}]`, t, t.clause),
    both: (x, y, id) => {
      const tp = `triggers[${id}]`;
      const clause = { from: x.clause, to: y.clause };
      out.value(place, 'trigger', `${tp}.clause`, x.clause, y.clause);
      out.ids(place, 'trigger', `${tp}.interpretations`, x.interpretations, y.interpretations, clause);
      keyed(x.conditions, y.conditions, (c) => c.circumstance, {
        removed: (c, name) => out.removed(place, 'trigger', `${tp}.conditions[${name}]`, c, x.clause),
        added: (c, name) => out.added(place, 'trigger', `${tp}.conditions[${name}]`, c, y.clause),
        both: (c, d, name) =>
          out.value(place, 'threshold', `${tp}.conditions[${name}].atLeast`, c.atLeast, d.atLeast, clause),
      });
    },
  });
}
