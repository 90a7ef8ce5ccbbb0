// Rules stage: checks that the schema cannot express: references resolve, numbers add up, tiers and
// bands leave no gap, every quoted clause is really in the source. Each problem names the file key
// and path, so the loader can give it a line and column; its message is a catalogue key and values.
import { duplicates, type RulesetParts, type SemanticProblem, semanticContext } from './semantic/context.js';
import { checkGrading } from './semantic/grading.js';
import { checkTable } from './semantic/table.js';

export type { RulesetParts, SemanticProblem } from './semantic/context.js';
export { inBounds } from './semantic/tiers.js';

/** checkRuleset returns every semantic problem of a ruleset's parts. */
export function checkRuleset(parts: RulesetParts): SemanticProblem[] {
  const out: SemanticProblem[] = [];
  const ctx = semanticContext(parts, out);
  checkTable(ctx);
  checkGrading(ctx);
  ctx.use(parts.meta.effective.interpretation, 'meta', ['effective', 'interpretation']);
  ctx.use(parts.institutions.interpretation, 'institutions', ['interpretation']);
  ctx.use(parts.institutions.branchInterpretation, 'institutions', ['branchInterpretation']);
  ctx.quoted(parts.institutions.clause, 'institutions', ['clause']);
  ctx.quoted(parts.institutions.listClause, 'institutions', ['listClause']);
  ctx.quoted(parts.meta.document.inForce.clause, 'meta', ['document', 'inForce', 'clause']);
  ctx.quoted(parts.meta.ratingPeriod.clause, 'meta', ['ratingPeriod', 'clause']);

  parts.interpretations.forEach((i, n) => {
    ctx.quoted(i.quote, 'interpretations', ['interpretations', n, 'quote']);
    if (!ctx.used.has(i.id))
      ctx.report('RULE051', 'interpretations', ['interpretations', n, 'id'], 'diag.rules.interpretationUnused', {
        id: i.id,
      });
  });
  duplicates(
    ctx,
    parts.interpretations.map((i, n) => [i.id, ['interpretations', n, 'id']]),
    'interpretations',
    'interpretation',
  );
  return out;
}
