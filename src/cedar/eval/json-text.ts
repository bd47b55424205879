// Reads JSON text the way Cedar's JSON formats need it, in one pass: every
// integer exact, and the same answers as `serde_json` (which Cedar reads its
// JSON with) where JavaScript's `JSON.parse` would lose information — big
// integers, `1.0` against `1`, duplicate keys, nesting without bound.
import { LosslessNumber } from 'lossless-json';

/**
 * A syntax error in JSON text; the message ends with the line and column, as
 * `serde_json` reports them. `problem` is the message without the place, and
 * `offset` the UTF-16 offset of the place, for a code frame.
 */
export class JsonSyntaxError extends SyntaxError {
  constructor(
    readonly problem: string,
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Parses JSON text. Integer literals become numbers when they are safe
 * integers and bigints otherwise; any other number (`1.5`, `1.0`, `1e3`, and
 * `-0`, which `serde_json` reads as a float) stays as written, a
 * `LosslessNumber`. A key that occurs twice in one object is an error, as in
 * Cedar.
 */
export function parseJsonText(text: string): unknown {
  const reader = new JsonReader(text);
  reader.skipWhitespace();
  const value = reader.value(0);
  reader.skipWhitespace();
  if (reader.position < text.length) reader.fail('trailing characters');
  return value;
}

/** Whether a number as written is an integer literal that Cedar reads as one (so not `-0`). */
export function isIntegerLiteral(literal: string): boolean {
  return INTEGER_LITERAL.test(literal) && literal !== '-0';
}

const INTEGER_LITERAL = /^-?(?:0|[1-9][0-9]*)$/;

// `serde_json`'s default: the 128th nested array or object is refused.
const MAX_DEPTH = 127;

// The longest digit strings that are always safe integers (2^53 has 16 digits).
export const SAFE_DIGITS = 15;

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
export const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
export const MINUS = 0x2d;
const DOT = 0x2e;
export const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
export const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
export const CLOSE_BRACKET = 0x5d;
const LOWER_E = 0x65;
export const LOWER_F = 0x66;
export const LOWER_N = 0x6e;
export const LOWER_T = 0x74;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;

export function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

/**
 * A reader positioned in JSON text. `value` reads any value as a tree; the
 * lower-level steps are there for readers that build what they need straight
 * from the text (see entities-text.ts).
 */
export class JsonReader {
  position = 0;

  constructor(protected readonly text: string) {}

  fail(problem: string, at: number = this.position): never {
    let line = 1;
    let lineStart = 0;
    for (
      let index = this.text.indexOf('\n');
      index !== -1 && index < at;
      index = this.text.indexOf('\n', index + 1)
    ) {
      line += 1;
      lineStart = index + 1;
    }
    throw new JsonSyntaxError(problem, at, `${problem} at line ${line} column ${at - lineStart + 1}`);
  }

  skipWhitespace(): void {
    const text = this.text;
    let position = this.position;
    for (;;) {
      const code = text.charCodeAt(position);
      if (code !== SPACE && code !== LINE_FEED && code !== CARRIAGE_RETURN && code !== TAB) break;
      position += 1;
    }
    this.position = position;
  }

  /** Reads a value; whitespace before it has been skipped. */
  value(depth: number): unknown {
    const code = this.text.charCodeAt(this.position);
    switch (code) {
      case OPEN_BRACE:
        return this.object(depth + 1);
      case OPEN_BRACKET:
        return this.array(depth + 1);
      case QUOTE:
        return this.string();
      case LOWER_T:
        return this.literal('true', true);
      case LOWER_F:
        return this.literal('false', false);
      case LOWER_N:
        return this.literal('null', null);
      default:
        if (code === MINUS || isDigit(code)) return this.number();
        return this.fail(Number.isNaN(code) ? 'EOF while parsing a value' : 'expected value');
    }
  }

  protected literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.position)) this.fail('expected value');
    this.position += word.length;
    return value;
  }

  /** The code unit at the position (`NaN` at the end of the text). */
  protected peek(): number {
    return this.text.charCodeAt(this.position);
  }

  /**
   * Steps into an array or object at `depth`, past its opening bracket and the
   * whitespace after it; when it is empty, past its closing bracket too, and
   * says so.
   */
  protected open(depth: number, close: number): boolean {
    if (depth > MAX_DEPTH) this.fail('recursion limit exceeded');
    this.position += 1;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.position) !== close) return false;
    this.position += 1;
    return true;
  }

  /**
   * After an element or a member: steps past a `,` and says there is more, or
   * past the closing bracket and says there is not.
   */
  protected more(close: number): boolean {
    this.skipWhitespace();
    const code = this.text.charCodeAt(this.position);
    this.position += 1;
    if (code === close) return false;
    if (code !== COMMA) {
      const eof = close === CLOSE_BRACKET ? 'EOF while parsing a list' : 'EOF while parsing an object';
      const expected = close === CLOSE_BRACKET ? 'expected `,` or `]`' : 'expected `,` or `}`';
      this.fail(Number.isNaN(code) ? eof : expected, this.position - 1);
    }
    this.skipWhitespace();
    return true;
  }

  /** Reads a member's key and the `:` after it, up to its value. */
  protected key(): string {
    const keyAt = this.position;
    if (this.text.charCodeAt(keyAt) !== QUOTE) {
      this.fail(keyAt >= this.text.length ? 'EOF while parsing an object' : 'key must be a string');
    }
    const key = this.string();
    this.skipWhitespace();
    if (this.text.charCodeAt(this.position) !== COLON) {
      this.fail(this.position >= this.text.length ? 'EOF while parsing an object' : 'expected `:`');
    }
    this.position += 1;
    this.skipWhitespace();
    return key;
  }

  protected duplicateKey(key: string, keyAt: number): never {
    return this.fail(`the key \`${key}\` occurs two or more times in the same JSON object`, keyAt);
  }

  private array(depth: number): unknown[] {
    const elements: unknown[] = [];
    if (this.open(depth, CLOSE_BRACKET)) return elements;
    do elements.push(this.value(depth));
    while (this.more(CLOSE_BRACKET));
    return elements;
  }

  private object(depth: number): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    if (this.open(depth, CLOSE_BRACE)) return object;
    do {
      const keyAt = this.position;
      const key = this.key();
      const value = this.value(depth);
      if (Object.hasOwn(object, key)) this.duplicateKey(key, keyAt);
      // Assigning `__proto__` would set the prototype instead of adding the key.
      if (key === '__proto__')
        Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
    } while (this.more(CLOSE_BRACE));
    return object;
  }

  /** Reads a string; the position is at its opening quote. */
  protected string(): string {
    const text = this.text;
    const start = this.position + 1;
    let position = start;
    for (;;) {
      const code = text.charCodeAt(position);
      if (code === QUOTE) {
        this.position = position + 1;
        return text.slice(start, position);
      }
      // An escape, a control character or the end of the text.
      if (code === BACKSLASH || code < SPACE || Number.isNaN(code)) return this.escapedString(start);
      position += 1;
    }
  }

  private escapedString(start: number): string {
    const text = this.text;
    let result = '';
    let chunkStart = start;
    let position = start;
    for (;;) {
      const code = text.charCodeAt(position);
      if (code === QUOTE) {
        this.position = position + 1;
        return result + text.slice(chunkStart, position);
      }
      if (Number.isNaN(code)) this.fail('EOF while parsing a string', position);
      if (code < SPACE)
        this.fail('control character (\\u0000-\\u001F) found while parsing a string', position);
      if (code !== BACKSLASH) {
        position += 1;
        continue;
      }
      result += text.slice(chunkStart, position);
      const escape = text.charAt(position + 1);
      if (escape === 'u') {
        const hex = text.slice(position + 2, position + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid escape', position);
        result += String.fromCharCode(Number.parseInt(hex, 16));
        position += 6;
      } else {
        const replacement = ESCAPES[escape];
        if (replacement === undefined) this.fail('invalid escape', position);
        result += replacement;
        position += 2;
      }
      chunkStart = position;
    }
  }

  /**
   * Steps over a number and says whether it is written as an integer (no
   * fraction, no exponent; `-0` is one here); the position is at its first character.
   */
  protected scanNumber(): boolean {
    const text = this.text;
    let position = this.position;
    if (text.charCodeAt(position) === MINUS) position += 1;
    if (text.charCodeAt(position) === ZERO) position += 1;
    else if (isDigit(text.charCodeAt(position))) {
      while (isDigit(text.charCodeAt(position))) position += 1;
    } else this.fail('invalid number', position);
    let integer = true;
    if (text.charCodeAt(position) === DOT) {
      integer = false;
      position += 1;
      if (!isDigit(text.charCodeAt(position))) this.fail('invalid number', position);
      while (isDigit(text.charCodeAt(position))) position += 1;
    }
    const code = text.charCodeAt(position);
    if (code === LOWER_E || code === UPPER_E) {
      integer = false;
      position += 1;
      const sign = text.charCodeAt(position);
      if (sign === PLUS || sign === MINUS) position += 1;
      if (!isDigit(text.charCodeAt(position))) this.fail('invalid number', position);
      while (isDigit(text.charCodeAt(position))) position += 1;
    }
    this.position = position;
    return integer;
  }

  private number(): number | bigint | LosslessNumber {
    const start = this.position;
    const integer = this.scanNumber();
    const literal = this.text.slice(start, this.position);
    if (!integer || literal === '-0') return new LosslessNumber(literal);
    const digits = literal.length - (literal.charCodeAt(0) === MINUS ? 1 : 0);
    if (digits <= SAFE_DIGITS) return Number(literal);
    const big = BigInt(literal);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(big)
      : big;
  }
}
