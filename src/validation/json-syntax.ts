// Validation: the one reading of a JSON text that the CLI, the batch path and the service share. A text
// is accepted only when it has exactly one meaning: valid syntax, no key twice in one object (the
// validator, the decision log and the policy must never read one body two ways), only well-formed
// Unicode (a lone surrogate would reach the WASM engine), and at most `maxJsonDepth` levels of
// nesting, for valid and malformed texts alike. Refusals name a line, a column and the JSON path
// (V8's own message gives no position for most errors, and echoes the input instead).

/** JsonIssue: why a text was refused, where (offset, line, column) and at which JSON pointer. */
export interface JsonIssue {
  kind: 'syntax' | 'duplicate-key' | 'lone-surrogate' | 'too-deep';
  offset: number;
  line: number;
  column: number;
  /** JSON pointer of the value being read when the text was refused ('' for the document). */
  path: string;
  message: string;
}

/** JsonSyntaxError: kept as the name its callers use; every kind of issue is one. */
export type JsonSyntaxError = JsonIssue;

export type JsonSyntax =
  | { ok: true; value: unknown }
  | { ok: false; line: number; column: number; path: string; kind: JsonIssue['kind']; message: string };

/** maxJsonDepth: the most levels of nesting any JSON text may have (arrays and objects). */
export const maxJsonDepth = 512;

/** parseJsonText parses text with the checks above; a refusal comes back with its 1-based line and column. */
export function parseJsonText(text: string): JsonSyntax {
  const issue = findJsonSyntaxError(text);
  if (issue)
    return {
      ok: false,
      line: issue.line,
      column: issue.column,
      path: issue.path,
      kind: issue.kind,
      message: issue.kind === 'syntax' ? `not valid JSON: ${issue.message}` : issue.message,
    };
  return { ok: true, value: JSON.parse(text) };
}

/** describeIssue: the message of an issue with the JSON path it concerns, when there is one. */
export function describeIssue(issue: Pick<JsonIssue, 'kind' | 'path' | 'message'>): string {
  return issue.kind === 'syntax' || issue.path === '' ? issue.message : `${issue.message} (at ${issue.path})`;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly kind: JsonIssue['kind'],
    readonly message: string,
  ) {}
}

type Frame = { array: true; index: number } | { array: false; key: string | undefined; keys: Set<string> };

// Runs of characters a string may hold without a closer look (not a quote, a backslash, a control
// character or half of a surrogate pair).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON strings may not hold raw
const plain = /[^"\\\u0000-\u001f\ud800-\udfff]*/y;
const hex4 = /^[0-9a-fA-F]{4}$/;
const numberRe = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** hexCode names a code unit as U+XXXX. */
export function hexCode(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * findJsonSyntaxError returns the first reason `text` is refused, or undefined when it is accepted. It
 * reads iteratively (no recursion), so no depth of nesting can overflow the stack.
 */
export function findJsonSyntaxError(text: string, maxDepth = maxJsonDepth): JsonIssue | undefined {
  let i = 0;
  const stack: Frame[] = [];
  const found = () => (i >= text.length ? 'the end of the input' : JSON.stringify(text[i]));
  const syntax = (expected: string, at = i) => {
    const was = i;
    i = at;
    const f = found();
    i = was;
    return new Stop(at, 'syntax', `expected ${expected}, found ${f}`);
  };
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else return;
    }
  };
  /** string reads a string from its opening quote; with `decode`, it returns its value. */
  const string = (decode: boolean): string | undefined => {
    if (text[i] !== '"') throw syntax('a string');
    const start = i;
    i++;
    let escaped = false;
    for (;;) {
      plain.lastIndex = i;
      plain.test(text);
      i = plain.lastIndex;
      if (i >= text.length) throw syntax('a closing quote');
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        if (!decode) return undefined;
        return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
      }
      if (c < 32) throw syntax('an escaped control character');
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = text.charCodeAt(i + 1);
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i += 2;
        else throw loneSurrogate(i, c);
        continue;
      }
      // A backslash.
      escaped = true;
      const e = text[i + 1];
      if (e === 'u') {
        const code = escapeAt(i);
        if (code >= 0xdc00 && code <= 0xdfff) throw loneSurrogate(i, code);
        if (code >= 0xd800 && code <= 0xdbff) {
          const low = text[i + 6] === '\\' && text[i + 7] === 'u' ? escapeAt(i + 6) : -1;
          if (low < 0xdc00 || low > 0xdfff) throw loneSurrogate(i, code);
          i += 12;
        } else i += 6;
        continue;
      }
      if (e === undefined || !'"\\/bfnrt'.includes(e)) throw syntax('a valid escape', i + 1);
      i += 2;
    }
  };
  /** escapeAt reads the code unit of the `\uXXXX` escape at `at`. */
  const escapeAt = (at: number): number => {
    const digits = text.slice(at + 2, at + 6);
    if (!hex4.test(digits)) {
      let k = at + 2;
      while (k < at + 6 && /[0-9a-fA-F]/.test(text[k] ?? '')) k++;
      throw syntax('a hexadecimal digit', k);
    }
    return Number.parseInt(digits, 16);
  };
  const loneSurrogate = (at: number, code: number) =>
    new Stop(
      at,
      'lone-surrogate',
      `a string holds a lone surrogate (${hexCode(code)}), which is not a character: text must be well-formed Unicode`,
    );
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) throw syntax(`"${word}"`);
      i++;
    }
  };
  const number = () => {
    numberRe.lastIndex = i;
    const m = numberRe.exec(text);
    const end = m ? numberRe.lastIndex : i;
    if (end === i || (end === i + 1 && text[i] === '-')) throw syntax(text[i] === '-' ? 'a digit' : 'a value', end);
    // A number stopped early by a malformed fraction or exponent ("1.", "1e").
    const after = text[end];
    if (after === '.' || after === 'e' || after === 'E') {
      let k = end + 1;
      if ((after === 'e' || after === 'E') && (text[k] === '+' || text[k] === '-')) k++;
      throw syntax('a digit', k);
    }
    i = end;
  };
  /** key reads an object's key and its colon, refusing a key the object already has. */
  const key = (frame: Extract<Frame, { array: false }>) => {
    frame.key = undefined;
    ws();
    const at = i;
    const name = string(true)!;
    if (frame.keys.has(name)) {
      frame.key = name;
      throw new Stop(
        at,
        'duplicate-key',
        `the key ${JSON.stringify(name)} appears twice in one object; a key may be given once`,
      );
    }
    frame.keys.add(name);
    frame.key = name;
    ws();
    if (text[i] !== ':') throw syntax('":"');
    i++;
  };

  try {
    // Each turn reads one value, then closes every container that ends after it.
    for (;;) {
      ws();
      const ch = text[i];
      if (ch === '{' || ch === '[') {
        if (stack.length >= maxDepth)
          throw new Stop(i, 'too-deep', `the document nests deeper than ${maxDepth} levels, the most accepted`);
        i++;
        ws();
        if (ch === '[') {
          if (text[i] === ']') i++;
          else {
            stack.push({ array: true, index: 0 });
            continue;
          }
        } else if (text[i] === '}') i++;
        else {
          const frame: Frame = { array: false, key: undefined, keys: new Set() };
          stack.push(frame);
          key(frame);
          continue;
        }
      } else if (ch === '"') string(false);
      else if (ch === 't') literal('true');
      else if (ch === 'f') literal('false');
      else if (ch === 'n') literal('null');
      else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) number();
      else throw syntax('a value');
      // After a value: a comma continues its container, a closer ends it (and maybe its parents).
      let next = false;
      while (!next) {
        ws();
        const top = stack[stack.length - 1];
        if (!top) {
          if (i !== text.length) throw syntax('the end of the document');
          return undefined;
        }
        const close = top.array ? ']' : '}';
        if (text[i] === ',') {
          i++;
          if (top.array) top.index++;
          else key(top);
          next = true;
        } else if (text[i] === close) {
          i++;
          stack.pop();
        } else throw syntax(`"," or "${close}"`);
      }
    }
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    const before = text.slice(0, err.offset).split('\n');
    return {
      kind: err.kind,
      offset: err.offset,
      line: before.length,
      column: before[before.length - 1].length + 1,
      path: pointerOf(stack),
      message: err.message,
    };
  }
}

/** pointerOf is the JSON pointer of the value the stack is reading. */
function pointerOf(stack: Frame[]): string {
  return stack
    .map((f) => {
      // An object whose next key is not read yet is itself the place.
      if (!f.array && f.key === undefined) return '';
      const token = f.array ? String(f.index) : (f.key as string);
      return `/${token.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    })
    .join('');
}
