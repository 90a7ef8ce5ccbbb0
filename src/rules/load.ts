// Rules stage: reads one ruleset folder (YAML kept with positions), validates every file against its
// schema and the ruleset as a whole, and returns a RuleSet, or every problem found at once.
import { readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { compileSchema } from '../validation/ajv.js';
import { explainErrors, pointerSegments } from '../validation/explain.js';
import { hasErrors, RulesError, type Diagnostic } from './diagnostics.js';
import { hashFiles } from './hash.js';
import { indexItems, indexRules, ruleFiles, type RuleFileKey, type RuleSet } from './ruleset.js';
import { checkRuleset, type RulesetParts } from './semantic.js';
import { readYamlSource, type JsonPath, type YamlSource } from './yaml-source.js';

const schemaOf: Record<RuleFileKey, string> = {
  meta: 'rules/ruleset.schema.json',
  table: 'rules/scoring-table.schema.json',
  grading: 'rules/grading.schema.json',
  institutions: 'rules/institutions.schema.json',
  interpretations: 'rules/interpretations.schema.json',
};

const validators = new Map<RuleFileKey, ValidateFunction>();
function validatorFor(key: RuleFileKey): ValidateFunction {
  let v = validators.get(key);
  if (!v) validators.set(key, (v = compileSchema(schemaOf[key])));
  return v;
}

/** inspectRuleset loads a folder and returns the RuleSet (when it has no errors) and all diagnostics. */
export async function inspectRuleset(dir: string, displayRoot = process.cwd()): Promise<{ ruleset?: RuleSet; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const sources = {} as Record<RuleFileKey, YamlSource>;
  for (const key of Object.keys(ruleFiles) as RuleFileKey[]) {
    const path = join(dir, ruleFiles[key]);
    const { source, diagnostics: found } = await readYamlSource(path, relative(displayRoot, path) || basename(path));
    diagnostics.push(...found);
    if (!source) continue;
    const validate = validatorFor(key);
    if (validate(source.data)) sources[key] = source;
    else diagnostics.push(...explainErrors(validate.errors, source.data).map((p) => positioned(source, 'RULE003', pointerSegments(p.path), p.message)));
  }
  if (hasErrors(diagnostics)) return { diagnostics };

  const parts = {
    meta: sources.meta.data,
    table: sources.table.data,
    grading: sources.grading.data,
    institutions: sources.institutions.data,
    interpretations: (sources.interpretations.data as { interpretations: unknown }).interpretations,
  } as RulesetParts;
  if (parts.meta.source) {
    try {
      parts.sourceText = await readFile(join(dir, parts.meta.source), 'utf8');
    } catch (err) {
      diagnostics.push(positioned(sources.meta, 'RULE002', ['source'], `names a source text that cannot be read: ${(err as Error).message}`));
    }
  }
  for (const p of checkRuleset(parts)) diagnostics.push(positioned(sources[p.file], p.code, p.path, p.message, p.severity));
  if (hasErrors(diagnostics)) return { diagnostics };

  const files = (Object.keys(ruleFiles) as RuleFileKey[]).map((k) => ({ name: ruleFiles[k], content: sources[k].text }));
  const ruleset: RuleSet = {
    id: parts.meta.id,
    dir,
    hash: hashFiles(files),
    files: files.map((f) => ({ name: f.name, sha256: hashFiles([f]).slice('sha256:'.length) })),
    ...parts,
    items: indexItems(parts.table),
    rules: indexRules(parts.table),
  };
  return { ruleset, diagnostics };
}

/** loadRuleset loads a folder or throws RulesError with every problem found. */
export async function loadRuleset(dir: string): Promise<RuleSet> {
  const { ruleset, diagnostics } = await inspectRuleset(dir);
  if (!ruleset) throw new RulesError(diagnostics);
  return ruleset;
}

function positioned(source: YamlSource, code: string, path: JsonPath, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  const unknownKey = message.startsWith('unknown key');
  const { line, column } = source.locate(path, unknownKey);
  return { code, severity, file: source.file, line, column, path: readablePath(source.data, unknownKey ? path.slice(0, -1) : path), message };
}

/**
 * readablePath names list entries by their id (rules by their number) and starts at the innermost `items` list, so a policy
 * editor reads `items[5.6].rules[0].points` rather than `/dimensions/1/indicators/1/items/5/...`.
 */
export function readablePath(data: unknown, path: JsonPath): string {
  let cur: unknown = data;
  const parts: string[] = [];
  let parentKey = '';
  for (const step of path) {
    const next = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[String(step)] : undefined;
    if (Array.isArray(cur) && /^\d+$/.test(String(step))) {
      const id = next !== null && typeof next === 'object' ? (next as { id?: unknown; grade?: unknown }).id ?? (next as { grade?: unknown }).grade : undefined;
      // Rules are numbered in their item, like the table's 1. 2. 3.; everything else goes by its id.
      parts.push(`[${typeof id === 'string' && parentKey !== 'rules' ? id : step}]`);
    } else {
      parts.push(parts.length ? `.${step}` : String(step));
    }
    parentKey = String(step);
    cur = next;
  }
  const joined = parts.join('');
  const at = joined.lastIndexOf('items[');
  return at > 0 ? joined.slice(at) : joined;
}
