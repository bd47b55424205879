// Reads JSON text the way Cedar's JSON formats need it, in one pass: every
// integer exact, and the same answers as `serde_json` (which Cedar reads its
// JSON with) where JavaScript's `JSON.parse` would lose information — big
// integers, `1.0` against `1`, duplicate keys, nesting without bound.
import { LosslessNumber } from 'lossless-json';

/** A syntax error in JSON text; the message ends with the line and column, as `serde_json` reports them. */
export class JsonSyntaxError extends SyntaxError {}

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
const SAFE_DIGITS = 15;

// A string without escapes or control characters, up to and including its closing quote.
const PLAIN_STRING_REST = /[^"\\\u0000-\u001f]*"/y;

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
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_E = 0x65;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_T = 0x74;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

class JsonReader {
  position = 0;

  constructor(private readonly text: string) {}

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
    throw new JsonSyntaxError(`${problem} at line ${line} column ${at - lineStart + 1}`);
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

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.position)) this.fail('expected value');
    this.position += word.length;
    return value;
  }

  private enter(depth: number): void {
    if (depth > MAX_DEPTH) this.fail('recursion limit exceeded');
    this.position += 1;
    this.skipWhitespace();
  }

  private array(depth: number): unknown[] {
    this.enter(depth);
    const elements: unknown[] = [];
    if (this.text.charCodeAt(this.position) === CLOSE_BRACKET) {
      this.position += 1;
      return elements;
    }
    for (;;) {
      elements.push(this.value(depth));
      this.skipWhitespace();
      const code = this.text.charCodeAt(this.position);
      this.position += 1;
      if (code === CLOSE_BRACKET) return elements;
      if (code !== COMMA)
        this.fail(Number.isNaN(code) ? 'EOF while parsing a list' : 'expected `,` or `]`', this.position - 1);
      this.skipWhitespace();
    }
  }

  private object(depth: number): Record<string, unknown> {
    this.enter(depth);
    const object: Record<string, unknown> = {};
    if (this.text.charCodeAt(this.position) === CLOSE_BRACE) {
      this.position += 1;
      return object;
    }
    for (;;) {
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
      const value = this.value(depth);
      if (Object.hasOwn(object, key)) {
        this.fail(`the key \`${key}\` occurs two or more times in the same JSON object`, keyAt);
      }
      // Assigning `__proto__` would set the prototype instead of adding the key.
      if (key === '__proto__')
        Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
      this.skipWhitespace();
      const code = this.text.charCodeAt(this.position);
      this.position += 1;
      if (code === CLOSE_BRACE) return object;
      if (code !== COMMA)
        this.fail(
          Number.isNaN(code) ? 'EOF while parsing an object' : 'expected `,` or `}`',
          this.position - 1,
        );
      this.skipWhitespace();
    }
  }

  /** Reads a string; the position is at its opening quote. */
  private string(): string {
    const start = this.position + 1;
    PLAIN_STRING_REST.lastIndex = start;
    if (PLAIN_STRING_REST.test(this.text)) {
      this.position = PLAIN_STRING_REST.lastIndex;
      return this.text.slice(start, this.position - 1);
    }
    return this.escapedString(start);
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

  private number(): number | bigint | LosslessNumber {
    const text = this.text;
    const start = this.position;
    let position = start;
    if (text.charCodeAt(position) === MINUS) position += 1;
    const digitsStart = position;
    if (text.charCodeAt(position) === ZERO) position += 1;
    else if (isDigit(text.charCodeAt(position))) {
      while (isDigit(text.charCodeAt(position))) position += 1;
    } else this.fail('invalid number', position);
    const digits = position - digitsStart;
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
    const literal = text.slice(start, position);
    if (!integer || literal === '-0') return new LosslessNumber(literal);
    if (digits <= SAFE_DIGITS) return Number(literal);
    const big = BigInt(literal);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(big)
      : big;
  }
}
