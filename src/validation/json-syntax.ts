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
  const reader = new Reader(text, maxDepth);
  try {
    reader.document();
    return undefined;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    const before = text.slice(0, err.offset).split('\n');
    return {
      kind: err.kind,
      offset: err.offset,
      line: before.length,
      column: before[before.length - 1].length + 1,
      path: pointerOf(reader.stack),
      message: err.message,
    };
  }
}

/** Reader reads one text from its start, throwing a Stop at the first reason to refuse it. */
class Reader {
  i = 0;
  /** The containers open at `i`, outermost first. */
  readonly stack: Frame[] = [];

  constructor(
    readonly text: string,
    readonly maxDepth: number,
  ) {}

  /** document reads the whole text: each turn reads one value, then closes every container that ends after it. */
  document(): void {
    for (;;) {
      if (this.value()) continue;
      if (this.afterValue()) return;
    }
  }

  /** value reads one value; true when it opened a container whose first element comes next. */
  private value(): boolean {
    this.ws();
    const ch = this.text[this.i];
    if (ch === '{' || ch === '[') return this.open(ch);
    if (ch === '"') this.string(false);
    else if (ch === 't') this.literal('true');
    else if (ch === 'f') this.literal('false');
    else if (ch === 'n') this.literal('null');
    else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) this.number();
    else throw this.syntax('a value');
    return false;
  }

  /** open reads a container's opener; an empty container is read whole (and false returned). */
  private open(ch: '{' | '['): boolean {
    if (this.stack.length >= this.maxDepth)
      throw new Stop(this.i, 'too-deep', `the document nests deeper than ${this.maxDepth} levels, the most accepted`);
    this.i++;
    this.ws();
    if (this.text[this.i] === (ch === '[' ? ']' : '}')) {
      this.i++;
      return false;
    }
    if (ch === '[') this.stack.push({ array: true, index: 0 });
    else {
      const frame: Frame = { array: false, key: undefined, keys: new Set() };
      this.stack.push(frame);
      this.key(frame);
    }
    return true;
  }

  /**
   * afterValue: a comma continues its container (false: a value comes next), a closer ends it (and
   * maybe its parents); true at the end of the document.
   */
  private afterValue(): boolean {
    for (;;) {
      this.ws();
      const top = this.stack[this.stack.length - 1];
      if (!top) {
        if (this.i !== this.text.length) throw this.syntax('the end of the document');
        return true;
      }
      const close = top.array ? ']' : '}';
      if (this.text[this.i] === ',') {
        this.i++;
        if (top.array) top.index++;
        else this.key(top);
        return false;
      }
      if (this.text[this.i] !== close) throw this.syntax(`"," or "${close}"`);
      this.i++;
      this.stack.pop();
    }
  }

  private syntax(expected: string, at = this.i): Stop {
    const found = at >= this.text.length ? 'the end of the input' : JSON.stringify(this.text[at]);
    return new Stop(at, 'syntax', `expected ${expected}, found ${found}`);
  }

  private ws(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else return;
    }
  }

  /** string reads a string from its opening quote; with `decode`, it returns its value. */
  private string(decode: boolean): string | undefined {
    const { text } = this;
    if (text[this.i] !== '"') throw this.syntax('a string');
    const start = this.i;
    this.i++;
    let escaped = false;
    for (;;) {
      plain.lastIndex = this.i;
      plain.test(text);
      this.i = plain.lastIndex;
      if (this.i >= text.length) throw this.syntax('a closing quote');
      const c = text.charCodeAt(this.i);
      if (c === 34) {
        this.i++;
        if (!decode) return undefined;
        return escaped ? (JSON.parse(text.slice(start, this.i)) as string) : text.slice(start + 1, this.i - 1);
      }
      if (c < 32) throw this.syntax('an escaped control character');
      if (c >= 0xd800 && c <= 0xdfff) this.surrogatePair(c);
      else {
        // A backslash.
        escaped = true;
        this.escape();
      }
    }
  }

  /** surrogatePair reads a raw surrogate, which must be the high half of a pair. */
  private surrogatePair(c: number): void {
    const next = this.text.charCodeAt(this.i + 1);
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) this.i += 2;
    else throw loneSurrogate(this.i, c);
  }

  /** escape reads one backslash escape; a `\u` surrogate must be half of an escaped pair. */
  private escape(): void {
    const { text, i } = this;
    const e = text[i + 1];
    if (e === 'u') {
      const code = this.escapeAt(i);
      if (code >= 0xdc00 && code <= 0xdfff) throw loneSurrogate(i, code);
      if (code >= 0xd800 && code <= 0xdbff) {
        const low = text[i + 6] === '\\' && text[i + 7] === 'u' ? this.escapeAt(i + 6) : -1;
        if (low < 0xdc00 || low > 0xdfff) throw loneSurrogate(i, code);
        this.i += 12;
      } else this.i += 6;
      return;
    }
    if (e === undefined || !'"\\/bfnrt'.includes(e)) throw this.syntax('a valid escape', i + 1);
    this.i += 2;
  }

  /** escapeAt reads the code unit of the `\uXXXX` escape at `at`. */
  private escapeAt(at: number): number {
    const digits = this.text.slice(at + 2, at + 6);
    if (!hex4.test(digits)) {
      let k = at + 2;
      while (k < at + 6 && /[0-9a-fA-F]/.test(this.text[k] ?? '')) k++;
      throw this.syntax('a hexadecimal digit', k);
    }
    return Number.parseInt(digits, 16);
  }

  private literal(word: string): void {
    for (const ch of word) {
      if (this.text[this.i] !== ch) throw this.syntax(`"${word}"`);
      this.i++;
    }
  }

  private number(): void {
    const { text, i } = this;
    numberRe.lastIndex = i;
    const m = numberRe.exec(text);
    const end = m ? numberRe.lastIndex : i;
    if (end === i || (end === i + 1 && text[i] === '-'))
      throw this.syntax(text[i] === '-' ? 'a digit' : 'a value', end);
    // A number stopped early by a malformed fraction or exponent ("1.", "1e").
    const after = text[end];
    if (after === '.' || after === 'e' || after === 'E') {
      let k = end + 1;
      if ((after === 'e' || after === 'E') && (text[k] === '+' || text[k] === '-')) k++;
      throw this.syntax('a digit', k);
    }
    this.i = end;
  }

  /** key reads an object's key and its colon, refusing a key the object already has. */
  private key(frame: Extract<Frame, { array: false }>): void {
    frame.key = undefined;
    this.ws();
    const at = this.i;
    const name = this.string(true) as string;
    frame.key = name;
    if (frame.keys.has(name))
      throw new Stop(
        at,
        'duplicate-key',
        `the key ${JSON.stringify(name)} appears twice in one object; a key may be given once`,
      );
    frame.keys.add(name);
    this.ws();
    if (this.text[this.i] !== ':') throw this.syntax('":"');
    this.i++;
  }
}

/** loneSurrogate: the refusal of half a surrogate pair, which is not a character. */
function loneSurrogate(at: number, code: number): Stop {
  return new Stop(
    at,
    'lone-surrogate',
    `a string holds a lone surrogate (${hexCode(code)}), which is not a character: text must be well-formed Unicode`,
  );
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
