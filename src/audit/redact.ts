// Audit stage: what a decision log keeps of an input. Fields named by JSON pointer (RFC 6901) are
// dropped or masked before the input is written; the input hash is always of the whole input.

/** masked is what a masked value is replaced with. */
export const masked = '[masked]';

/** redact returns a copy of the input without the dropped fields and with the masked ones replaced. */
export function redact(
  input: unknown,
  rules: { drop?: readonly string[]; mask?: readonly string[] },
): { value: unknown; dropped: string[]; masked: string[] } {
  // Nothing to leave out: the input itself (it is only read), without a copy.
  if (!rules.drop?.length && !rules.mask?.length) return { value: input, dropped: [], masked: [] };
  const value = structuredClone(input);
  const out = { value, dropped: [] as string[], masked: [] as string[] };
  for (const pointer of rules.drop ?? []) if (apply(value, pointer, 'drop')) out.dropped.push(pointer);
  for (const pointer of rules.mask ?? []) if (apply(value, pointer, 'mask')) out.masked.push(pointer);
  return out;
}

/** parsePointer splits an RFC 6901 pointer into its reference tokens. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`"${pointer}" is not a JSON pointer: it must be empty or start with /`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

// Drops or masks the value at pointer; false when there is nothing there.
function apply(root: unknown, pointer: string, action: 'drop' | 'mask'): boolean {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return false;
  let cur: unknown = root;
  for (const t of tokens.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, t)) return false;
    cur = (cur as Record<string, unknown>)[t];
  }
  const last = tokens[tokens.length - 1];
  if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, last)) return false;
  if (action === 'mask') (cur as Record<string, unknown>)[last] = masked;
  else if (Array.isArray(cur)) cur.splice(Number(last), 1);
  else delete (cur as Record<string, unknown>)[last];
  return true;
}
