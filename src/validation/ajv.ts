// Validation: the one ajv setup shared by rule files, evaluation inputs and the HTTP routes, so the
// CLI and the service accept and refuse exactly the same documents.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** schemasDir is the repo's `schemas/` folder, the single source of every shape. */
export const schemasDir = fileURLToPath(new URL('../../schemas/', import.meta.url));

/** readSchema reads a schema below `schemas/` by its relative path. */
export function readSchema(relativePath: string): Record<string, unknown> {
  return JSON.parse(readFileSync(schemasDir + relativePath, 'utf8')) as Record<string, unknown>;
}

/**
 * createAjv builds a validator that never coerces types, fills defaults or removes unknown fields:
 * a misspelled key must be an error, never a silently lower deduction. `coerceTypes` is for URL query
 * strings only, whose values are all text: `year=2024` is the integer 2024, `year=twenty` is refused.
 */
export function createAjv(options: { coerceTypes?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false,
    strictTypes: false,
    discriminator: true,
    coerceTypes: options.coerceTypes ?? false,
    useDefaults: false,
    removeAdditional: false,
  });
  (addFormats as unknown as (a: Ajv) => Ajv)(ajv);
  // schemas/config names each setting's environment variable; it annotates, it does not validate.
  ajv.addKeyword({ keyword: 'x-env', schemaType: 'string' });
  return ajv;
}

/**
 * compileSchema compiles a schema file below `schemas/` with a fresh validator that also holds every
 * schema the file refers to (`../rules/scoring-table.schema.json`), by their `$id`.
 */
export function compileSchema(relativePath: string): ValidateFunction {
  const ajv = createAjv();
  const root = readSchema(relativePath);
  addReferenced(ajv, root, relativePath);
  return ajv.compile(root);
}

/** addSchemaFile adds a schema file below `schemas/` to a validator, with every schema it refers to. */
export function addSchemaFile(ajv: Ajv, relativePath: string): void {
  const root = readSchema(relativePath);
  ajv.addSchema(root);
  addReferenced(ajv, root, relativePath);
}

function addReferenced(ajv: Ajv, root: unknown, relativePath: string): void {
  for (const file of referencedFiles(root, relativePath))
    if (file !== relativePath && !ajv.getSchema(readSchema(file).$id as string)) ajv.addSchema(readSchema(file));
}

// The files a schema refers to, directly or through them, relative to `schemas/`.
function referencedFiles(root: unknown, file: string, seen = new Set<string>([file])): Set<string> {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) {
          const target = posix.join(posix.dirname(file), v.split('#')[0]);
          if (!seen.has(target)) {
            seen.add(target);
            referencedFiles(readSchema(target), target, seen);
          }
        } else visit(v);
      }
  };
  visit(root);
  return seen;
}
