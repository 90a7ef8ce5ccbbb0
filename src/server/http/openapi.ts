// Service: the API description made fit for client generators. The routes are described from the
// repo's draft-07 schemas; this pass turns that into plain OpenAPI 3.1 (JSON Schema 2020-12): one
// component per type named by its title, no $ref into another schema's properties, no keyword outside
// 2020-12, and the negotiation (406) and response headers every route really has.
type Json = Record<string, unknown>;

const schemaPrefix = '#/components/schemas/';

/** forGenerators applies every pass below to a generated description (in place) and returns it. */
export function forGenerators(doc: Json): Json {
  hoistPropertyRefs(doc);
  toJsonSchema2020(doc);
  nameByTitle(doc);
  dropUnusedSchemas(doc);
  declareHeadersAndNegotiation(doc);
  return doc;
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function walk(node: unknown, visit: (o: Json) => void): void {
  if (Array.isArray(node)) for (const n of node) walk(n, visit);
  else if (isObject(node)) {
    visit(node);
    for (const v of Object.values(node)) walk(v, visit);
  }
}

function schemasOf(doc: Json): Record<string, Json> {
  if (!isObject(doc.components)) doc.components = {};
  const components = doc.components as Json;
  if (!isObject(components.schemas)) components.schemas = {};
  return components.schemas as Record<string, Json>;
}

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/**
 * hoistPropertyRefs: a `$ref` into another schema's properties (`…/RulesetMeta/properties/effective`)
 * becomes a component of its own (`RulesetMetaEffective`), which both places refer to.
 */
export function hoistPropertyRefs(doc: Json): void {
  const schemas = schemasOf(doc);
  const hoisted = new Map<string, string>();
  walk(doc, (o) => {
    const ref = o.$ref;
    if (typeof ref !== 'string' || !ref.startsWith(schemaPrefix)) return;
    const [owner, ...pointer] = ref.slice(schemaPrefix.length).split('/');
    if (!pointer.length) return;
    let name = hoisted.get(ref);
    if (!name) {
      let target: unknown = schemas[owner];
      for (const step of pointer)
        target = isObject(target) ? target[step.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
      if (!isObject(target)) return;
      name = pascal(`${owner} ${pointer.filter((p) => p !== 'properties').join(' ')}`);
      schemas[name] = { ...structuredClone(target), title: name };
      hoisted.set(ref, name);
      // The owner refers to the hoisted component too, so the type has one name.
      let parent: unknown = schemas[owner];
      for (const step of pointer.slice(0, -1)) parent = isObject(parent) ? parent[step] : undefined;
      if (isObject(parent)) parent[pointer[pointer.length - 1]] = { $ref: `${schemaPrefix}${name}` };
    }
    o.$ref = `${schemaPrefix}${name}`;
  });
}

/**
 * toJsonSchema2020: draft-07's `dependencies` becomes `dependentRequired` (lists) and
 * `dependentSchemas` (schemas); an `enum` or `const` of one JSON type without a `type` gets that type
 * (`{"enum":[true]}` → `type: boolean`), which generators need to pick a class.
 */
export function toJsonSchema2020(doc: Json): void {
  walk(doc.components, (o) => {
    if (isObject(o.dependencies) && !('type' in o.dependencies && typeof o.dependencies.type === 'string')) {
      const required: Json = {};
      const schemas: Json = {};
      for (const [k, v] of Object.entries(o.dependencies)) (Array.isArray(v) ? required : schemas)[k] = v;
      delete o.dependencies;
      if (Object.keys(required).length) o.dependentRequired = required;
      if (Object.keys(schemas).length) o.dependentSchemas = schemas;
    }
    const values = Array.isArray(o.enum) ? o.enum : 'const' in o ? [o.const] : undefined;
    if (values?.length && !('type' in o) && !('$ref' in o)) {
      const types = new Set(values.map(jsonType));
      if (types.size === 1) o.type = [...types][0];
    }
  });
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/**
 * nameByTitle: each component's key and title are one name (PascalCase: `ScoringTable-tier` becomes
 * `ScoringTableTier`), and every `$ref` follows the rename.
 */
export function nameByTitle(doc: Json): void {
  const schemas = schemasOf(doc);
  const renames = new Map<string, string>();
  const taken = new Set<string>();
  for (const key of Object.keys(schemas)) {
    let name = pascal(key);
    while (taken.has(name)) name = `${name}_`;
    taken.add(name);
    renames.set(key, name);
  }
  const renamed: Record<string, Json> = {};
  for (const [key, schema] of Object.entries(schemas)) {
    const name = renames.get(key)!;
    renamed[name] = { ...schema, title: name };
  }
  (doc.components as Json).schemas = renamed;
  const follow = (ref: string) => {
    const name = ref.startsWith(schemaPrefix) ? renames.get(ref.slice(schemaPrefix.length)) : undefined;
    return name ? `${schemaPrefix}${name}` : ref;
  };
  walk(doc, (o) => {
    if (typeof o.$ref === 'string') o.$ref = follow(o.$ref);
    const mapping = isObject(o.discriminator) ? o.discriminator.mapping : undefined;
    if (isObject(mapping))
      for (const [k, v] of Object.entries(mapping)) if (typeof v === 'string') mapping[k] = follow(v);
  });
}

/** dropUnusedSchemas removes components nothing refers to (the containers of $defs, once flattened). */
export function dropUnusedSchemas(doc: Json): void {
  const schemas = schemasOf(doc);
  for (;;) {
    const used = new Set<string>();
    walk({ ...doc, components: { ...(doc.components as Json), schemas: undefined } }, (o) => {
      if (typeof o.$ref === 'string' && o.$ref.startsWith(schemaPrefix)) used.add(o.$ref.slice(schemaPrefix.length));
    });
    for (const [name, schema] of Object.entries(schemas))
      walk(schema, (o) => {
        if (typeof o.$ref === 'string' && o.$ref.startsWith(schemaPrefix) && o.$ref.slice(schemaPrefix.length) !== name)
          used.add(o.$ref.slice(schemaPrefix.length));
      });
    const unused = Object.keys(schemas).filter((k) => !used.has(k));
    if (!unused.length) return;
    for (const k of unused) delete schemas[k];
  }
}

/** The headers the service sends, declared once. */
const headers: Record<string, Json> = {
  RequestId: {
    description: 'Names this request in the logs (the client’s own `x-request-id` when well-formed, else a UUID).',
    schema: { type: 'string' },
  },
  RetryAfter: { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 0 } },
  RateLimitLimit: { description: 'Requests the API key may make in the current window.', schema: { type: 'integer' } },
  RateLimitRemaining: {
    description: 'Requests the API key has left in the current window.',
    schema: { type: 'integer' },
  },
  RateLimitReset: { description: 'Seconds until the window starts again.', schema: { type: 'integer' } },
};

const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });

/**
 * declareHeadersAndNegotiation: every response names `x-request-id`; 429 and 503 `Retry-After`; the
 * answers to a key-holding caller the rate-limit headers; and every operation its 406, which the
 * service sends when the Accept header allows none of the media types the operation declares.
 */
export function declareHeadersAndNegotiation(doc: Json): void {
  const components = doc.components as Json;
  components.headers = { ...((components.headers as Json) ?? {}), ...headers };
  const errorSchema = Object.keys(schemasOf(doc)).includes('ErrorResponse')
    ? { $ref: `${schemaPrefix}ErrorResponse` }
    : { type: 'object' };
  for (const methods of Object.values((doc.paths ?? {}) as Record<string, Record<string, Json>>))
    for (const op of Object.values(methods)) {
      if (!isObject(op.responses)) continue;
      const responses = op.responses as Record<string, Json>;
      responses['406'] ??= {
        description:
          '`not-acceptable`: the Accept header allows none of the media types this operation answers with (listed in `message`).',
        content: { 'application/json': { schema: errorSchema } },
      };
      const keyed = Array.isArray(op.security) && op.security.length > 0;
      for (const [status, response] of Object.entries(responses)) {
        const h: Json = { ...((response.headers as Json) ?? {}), 'x-request-id': headerRef('RequestId') };
        if (status === '429' || status === '503') h['retry-after'] = headerRef('RetryAfter');
        if (keyed && status !== '401' && status !== '403') {
          h['x-ratelimit-limit'] = headerRef('RateLimitLimit');
          h['x-ratelimit-remaining'] = headerRef('RateLimitRemaining');
          h['x-ratelimit-reset'] = headerRef('RateLimitReset');
        }
        response.headers = h;
      }
    }
}
