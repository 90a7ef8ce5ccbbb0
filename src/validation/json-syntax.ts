// Validation: finds where a text stops being JSON, so a malformed input is answered with a line and
// a column (V8's own message gives no position for most errors, and echoes the input instead). Used
// by the CLI, the batch path and the service alike.

export type JsonParse = { ok: true; value: unknown } | { ok: false; line: number; column: number; message: string };

/** parseJsonText parses text; a syntax error comes back with its 1-based line and column. */
export function parseJsonText(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const e = findJsonSyntaxError(text) ?? { line: 1, column: 1, message: 'not accepted by the JSON parser' };
    return { ok: false, line: e.line, column: e.column, message: `not valid JSON: ${e.message}` };
  }
}

/** JsonSyntaxError: the first offset at which a text is not JSON, and what was expected there. */
export interface JsonSyntaxError {
  offset: number;
  line: number;
  column: number;
  message: string;
}

const maxDepth = 512;

class Stop {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {}
}

/** findJsonSyntaxError returns the first syntax error of `text`, or undefined when it is JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const expect = (what: string, ok: boolean) => {
    if (!ok) throw new Stop(i, what);
  };
  const literal = (word: string) => {
    for (const ch of word) {
      expect(`"${word}"`, text[i] === ch);
      i++;
    }
  };
  const string = () => {
    expect('a string', text[i] === '"');
    i++;
    for (;;) {
      expect('a closing quote', i < text.length);
      const ch = text[i];
      if (ch === '"') return void i++;
      expect('an escaped control character', ch >= ' ');
      if (ch === '\\') {
        i++;
        if (text[i] === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) expect('a hexadecimal digit', /[0-9a-fA-F]/.test(text[i] ?? ''));
          continue;
        }
        expect('a valid escape', '"\\/bfnrt'.includes(text[i] ?? 'x'));
      }
      i++;
    }
  };
  const digits = () => {
    const start = i;
    while (/[0-9]/.test(text[i] ?? '')) i++;
    expect('a digit', i > start);
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  let depth = 0;
  const value = (): void => {
    ws();
    expect(`at most ${maxDepth} levels of nesting`, depth < maxDepth);
    const ch = text[i];
    if (ch === '{') {
      members('}', () => {
        ws();
        string();
        ws();
        expect('":"', text[i] === ':');
        i++;
        value();
      });
      return;
    }
    if (ch === '[') return void members(']', value);
    if (ch === '"') return void string();
    if (ch === 't') return void literal('true');
    if (ch === 'f') return void literal('false');
    if (ch === 'n') return void literal('null');
    expect('a value', ch === '-' || /[0-9]/.test(ch ?? ''));
    number();
  };
  const members = (close: string, member: () => void) => {
    i++;
    ws();
    if (text[i] === close) return void i++;
    depth++;
    for (;;) {
      member();
      ws();
      if (text[i] === close) {
        depth--;
        return void i++;
      }
      expect(`"," or "${close}"`, text[i] === ',');
      i++;
    }
  };
  try {
    value();
    ws();
    expect('the end of the document', i === text.length);
    return undefined;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    const before = text.slice(0, err.offset).split('\n');
    const found = err.offset >= text.length ? 'the end of the input' : JSON.stringify(text[err.offset]);
    return {
      offset: err.offset,
      line: before.length,
      column: before[before.length - 1].length + 1,
      message: `expected ${err.expected}, found ${found}`,
    };
  }
}
