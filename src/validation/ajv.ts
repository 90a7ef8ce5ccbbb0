// Validation: the one ajv setup shared by rule files, evaluation inputs and the HTTP routes, so the
// CLI and the service accept and refuse exactly the same documents.
import { readFileSync } from 'node:fs';
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
  return ajv;
}

/** compileSchema compiles a schema file below `schemas/` with a fresh validator. */
export function compileSchema(relativePath: string): ValidateFunction {
  return createAjv().compile(readSchema(relativePath));
}
