// Rating stage: the JSON Schema of an evaluation input, derived from the ruleset itself, so the input
// vocabulary (items, findings, circumstances) can never drift from the rules that read it.
import { readSchema } from '../validation/ajv.js';
import type { Item, RuleSet } from '../rules/ruleset.js';

type Schema = Record<string, unknown>;

const measured = new Set(['percent', 'number', 'choice']);

/** deriveInputSchema builds the complete input schema of one ruleset. */
export function deriveInputSchema(rs: RuleSet): Schema {
  const base = readSchema('rating/evaluation-input.schema.json');
  const findings: Record<string, Schema> = {};
  const requiredItems: string[] = [];
  for (const { item } of rs.items.values()) {
    const { schema, required } = itemSchema(item);
    findings[item.id] = schema;
    if (required.length) requiredItems.push(item.id);
  }
  const circumstances = Object.fromEntries(
    Object.entries(rs.grading.circumstances).map(([name, c]) => [
      name,
      c.type === 'flag'
        ? { type: 'boolean', description: c.description }
        : { type: 'integer', minimum: 0, maximum: 1_000_000, description: c.description },
    ]),
  );
  const { effective } = rs.meta;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://credit-policy.local/rulesets/${rs.id}/input.schema.json`,
    title: `Evaluation input for ${rs.id}`,
    description: `${rs.meta.title}. Findings are keyed by item id; a count or flag left out means none was found. Measured values (percentages, scores, assessed categories) are required for a rated institution.`,
    type: 'object',
    additionalProperties: false,
    required: ['institution', 'year'],
    properties: {
      ruleset: { type: 'string', enum: [rs.id] },
      institution: (base.definitions as Record<string, Schema>).institution,
      year: {
        type: 'integer',
        minimum: effective.fromYear,
        maximum: effective.untilYear ?? 2200,
        description: (base.properties as Record<string, Schema>).year.description,
      },
      findings: { type: 'object', additionalProperties: false, properties: findings },
      circumstances: { type: 'object', additionalProperties: false, properties: circumstances },
    },
    // 第九条: a newly connected institution is not rated, so it needs no measured values.
    if: {
      properties: { institution: { properties: { newlyConnected: { const: true } }, required: ['newlyConnected'] } },
    },
    // biome-ignore lint/suspicious/noThenProperty: `then` is JSON Schema's if/then/else keyword, not a thenable
    then: {},
    else: { required: ['findings'], properties: { findings: { required: requiredItems } } },
  };
}

function itemSchema(item: Item): { schema: Schema; required: string[] } {
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const [name, f] of Object.entries(item.findings)) {
    const description = f.description;
    switch (f.type) {
      case 'count':
        properties[name] = { type: 'integer', minimum: 0, maximum: f.maximum ?? 1_000_000, description };
        break;
      case 'flag':
        properties[name] = { type: 'boolean', description };
        break;
      case 'percent':
        properties[name] = {
          type: 'number',
          minimum: f.minimum ?? 0,
          ...(f.maximum === null ? {} : { maximum: f.maximum ?? 100 }),
          description,
        };
        break;
      case 'number':
        properties[name] = {
          type: 'number',
          ...(f.minimum == null ? {} : { minimum: f.minimum }),
          ...(f.maximum == null ? {} : { maximum: f.maximum }),
          description,
        };
        break;
      case 'choice':
        properties[name] = { type: 'string', enum: f.options ?? [], description };
        break;
    }
    if (measured.has(f.type)) required.push(name);
  }
  return {
    schema: { type: 'object', title: `${item.id} ${item.name}`, additionalProperties: false, required, properties },
    required,
  };
}
