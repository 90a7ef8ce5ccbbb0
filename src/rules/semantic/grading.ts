// Rules stage (semantic checks): grading.yaml: the grade bands cover every score once, triggers name
// declared circumstances, and every result has its supervisory measures.
import type { JsonPath } from '../../diagnostics/yaml-source.js';
import { duplicates, type SemanticContext } from './context.js';

/** checkGrading checks the bands, the downgrade and zero-score triggers, and the measures. */
export function checkGrading(ctx: SemanticContext): void {
  checkBands(ctx);
  checkTriggers(ctx);
  checkMeasures(ctx);
}

function checkBands(ctx: SemanticContext): void {
  const g = ctx.parts.grading;
  const total = ctx.parts.table.total.points;
  ctx.quoted(g.bands.clause, 'grading', ['bands', 'clause']);
  ctx.use(g.bands.interpretation, 'grading', ['bands', 'interpretation']);
  const bands = g.bands.grades.map((b, n) => ({ ...b, n })).sort((a, b) => b.from - a.from);
  g.bands.grades.forEach((b, n) => {
    ctx.quoted(b.clause, 'grading', ['bands', 'grades', n, 'clause']);
    if (b.description) ctx.quoted(b.description, 'grading', ['bands', 'grades', n, 'description']);
    if (b.from > b.to)
      ctx.report('RULE030', 'grading', ['bands', 'grades', n], 'diag.rules.bandReversed', {
        grade: b.grade,
        from: b.from,
        to: b.to,
      });
  });
  if (bands.length && bands[0].to < total)
    ctx.report('RULE030', 'grading', ['bands', 'grades', bands[0].n, 'to'], 'diag.rules.bandsTop', {
      to: bands[0].to,
      total,
    });
  const lowest = bands[bands.length - 1];
  if (bands.length && lowest.from > 0)
    ctx.report('RULE030', 'grading', ['bands', 'grades', lowest.n, 'from'], 'diag.rules.bandsBottom', {
      from: lowest.from,
    });
  for (let i = 0; i + 1 < bands.length; i++) {
    const upper = bands[i];
    const lower = bands[i + 1];
    const path: JsonPath = ['bands', 'grades', lower.n, 'to'];
    const pair = { lower: lower.grade, to: lower.to, upper: upper.grade, from: upper.from };
    if (lower.to >= upper.from) ctx.report('RULE030', 'grading', path, 'diag.rules.bandsOverlap', pair);
    else if (upper.from - lower.to > 1) ctx.report('RULE030', 'grading', path, 'diag.rules.bandsGap', pair);
    else if (upper.from > lower.to && !g.bands.interpretation)
      ctx.report('RULE030', 'grading', path, 'diag.rules.bandsGapBetween', { ...pair, example: lower.to + 0.5 });
  }
  duplicates(
    ctx,
    g.bands.grades.map((b, n) => [b.grade, ['bands', 'grades', n, 'grade']]),
    'grading',
    'grade',
  );
}

function checkTriggers(ctx: SemanticContext): void {
  const g = ctx.parts.grading;
  const circumstances = g.circumstances;
  const triggerIds: [string, JsonPath][] = [];
  for (const [section, list] of [
    ['downgrade', g.downgrade.triggers],
    ['zeroScore', g.zeroScore.triggers],
  ] as const) {
    ctx.quoted(g[section].clause, 'grading', [section, 'clause']);
    list.forEach((t, n) => {
      const tp: JsonPath = [section, 'triggers', n];
      triggerIds.push([t.id, [...tp, 'id']]);
      ctx.quoted(t.clause, 'grading', [...tp, 'clause']);
      (t.interpretations ?? []).forEach((id, k) => {
        ctx.use(id, 'grading', [...tp, 'interpretations', k]);
      });
      t.conditions.forEach((c, k) => {
        const cp: JsonPath = [...tp, 'conditions', k];
        const decl = circumstances[c.circumstance];
        const name = c.circumstance;
        if (!decl)
          ctx.report('RULE040', 'grading', [...cp, 'circumstance'], 'diag.rules.unknownCircumstance', {
            name,
            declared: Object.keys(circumstances).join(', '),
          });
        else if (decl.type === 'count' && c.atLeast === undefined)
          ctx.report('RULE040', 'grading', cp, 'diag.rules.countNeedsAtLeast', { name });
        else if (decl.type === 'flag' && c.atLeast !== undefined)
          ctx.report('RULE040', 'grading', [...cp, 'atLeast'], 'diag.rules.flagAtLeast', { name });
      });
    });
  }
  duplicates(ctx, triggerIds, 'grading', 'trigger');
  ctx.use(g.downgrade.floorInterpretation, 'grading', ['downgrade', 'floorInterpretation']);
  ctx.use(g.downgrade.onceInterpretation, 'grading', ['downgrade', 'onceInterpretation']);
  ctx.use(g.zeroScore.interpretation, 'grading', ['zeroScore', 'interpretation']);
  ctx.use(g.notRated.interpretation, 'grading', ['notRated', 'interpretation']);
  ctx.quoted(g.notRated.clause, 'grading', ['notRated', 'clause']);
}

function checkMeasures(ctx: SemanticContext): void {
  const g = ctx.parts.grading;
  ctx.quoted(g.measures.clause, 'grading', ['measures', 'clause']);
  const results = g.measures.results;
  for (const grade of [...g.bands.grades.map((b) => b.grade), 'zero'])
    if (!results[grade]) ctx.report('RULE031', 'grading', ['measures', 'results'], 'diag.rules.noMeasures', { grade });
  const measureIds: [string, JsonPath][] = [];
  for (const [key, set] of Object.entries(results)) {
    ctx.quoted(set.clause, 'grading', ['measures', 'results', key, 'clause']);
    if (set.includes !== undefined && !results[set.includes])
      ctx.report('RULE031', 'grading', ['measures', 'results', key, 'includes'], 'diag.rules.unknownIncludes', {
        name: set.includes,
        entries: Object.keys(results).join(', '),
      });
    set.measures.forEach((m, n) => {
      measureIds.push([m.id, ['measures', 'results', key, 'measures', n, 'id']]);
    });
  }
  duplicates(ctx, measureIds, 'grading', 'measure');
}
