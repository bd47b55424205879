// Splitting a string as written in a policy into literal text, wildcards and
// policy variables. Variables exist only in Version 2012-10-17 policies and
// only in the elements and operators AWS documents; elsewhere `${...}` is text.
import type { Pattern, PatternPart } from '../model.js';

export interface PatternSyntax {
  /** `*` and `?` are wildcards rather than text. */
  readonly wildcards: boolean;
  /** `${...}` is a policy variable rather than text. */
  readonly variables: boolean;
}

export type VariableIssueCode =
  | 'MISSING_BRACE_IN_VARIABLE'
  | 'EMPTY_VARIABLE'
  | 'UNSUPPORTED_SPACE_IN_VARIABLE'
  | 'MISSING_QUOTE_IN_VARIABLE'
  | 'UNSUPPORTED_SYMBOL_IN_VARIABLE';

export type PatternResult =
  | { readonly ok: true; readonly pattern: Pattern }
  | { readonly ok: false; readonly code: VariableIssueCode; readonly message: string };

/** `${*}`, `${?}` and `${$}` stand for the character itself, never a wildcard. */
const escapes: ReadonlySet<string> = new Set(['*', '?', '$']);
/** Characters a variable key may contain: service prefixes, tag keys, dots in federated keys. */
const keyCharacter = /^[A-Za-z0-9_:/.+=@-]$/;
const keyText = /^[A-Za-z0-9_:/.+=@-]*$/;

export function literalPattern(raw: string): Pattern {
  return { raw, parts: raw === '' ? [] : [{ kind: 'literal', text: raw }] };
}

/** `*` alone, the most common pattern by far, is read once and shared. */
const anything: Pattern = { raw: '*', parts: [{ kind: 'wildcard', wildcard: '*' }] };

/** Is the text all literal under this syntax: no wildcard, no variable? */
export function isLiteral(raw: string, syntax: PatternSyntax): boolean {
  return !(
    (syntax.wildcards && (raw.includes('*') || raw.includes('?'))) ||
    (syntax.variables && raw.includes('$'))
  );
}

/** Reads a pattern, or says what is wrong with its variables. */
export function parsePattern(raw: string, syntax: PatternSyntax): PatternResult {
  const pattern = patternOf(raw, syntax);
  // Read again for the problem: malformed variables are rare.
  return pattern === undefined ? readPattern(raw, syntax) : { ok: true, pattern };
}

/**
 * The pattern of a text, or undefined when its variables are malformed. A
 * parse reads every Action, Resource and condition string, so text without
 * any special character (most condition values, many ARNs) is found with a
 * few indexOf calls and made a literal directly.
 */
export function patternOf(raw: string, syntax: PatternSyntax): Pattern | undefined {
  if (syntax.wildcards && raw === '*') return anything;
  if (isLiteral(raw, syntax)) return literalPattern(raw);
  const read = readPattern(raw, syntax);
  return read.ok ? read.pattern : undefined;
}

/**
 * The pattern of a text as patternOf reads it, shared with every earlier
 * read of the text under the same syntax. A pattern is immutable and a
 * function of its text and syntax, and versions of one policy repeat nearly
 * all their strings: shared, a big document's thousands of patterns are
 * objects already in the old generation rather than young ones the
 * collector must copy while the document is in use. The look-up costs more
 * than making a pattern (a probe of a large map, ~0.25 µs against ~0.05),
 * so only big documents, whose patterns are what the collector copies,
 * share them.
 */
export function sharedPattern(raw: string, syntax: PatternSyntax): Pattern | undefined {
  if (syntax.wildcards && raw === '*') return anything;
  const known = readPatterns[syntaxIndex(syntax)];
  const shared = known.get(raw);
  if (shared !== undefined) return shared;
  const pattern = patternOf(raw, syntax);
  if (pattern === undefined) return undefined;
  // Bounded: a map that reaches the limit starts again.
  if (known.size >= READ_PATTERNS_LIMIT) known.clear();
  known.set(raw, pattern);
  return pattern;
}

/** Patterns read before, by syntax (see syntaxIndex) and text. */
const readPatterns = [
  new Map<string, Pattern>(),
  new Map<string, Pattern>(),
  new Map<string, Pattern>(),
  new Map<string, Pattern>(),
] as const;
const READ_PATTERNS_LIMIT = 1 << 15;

function syntaxIndex(syntax: PatternSyntax): 0 | 1 | 2 | 3 {
  return syntax.wildcards ? (syntax.variables ? 3 : 2) : syntax.variables ? 1 : 0;
}

/** The wildcard parts, shared: parts are immutable, and a parse makes many. */
const wildcards = {
  '*': { kind: 'wildcard', wildcard: '*' },
  '?': { kind: 'wildcard', wildcard: '?' },
} as const satisfies Record<string, PatternPart>;

/**
 * Parts are gathered in the first slots here, then copied to an array of
 * their exact number (an array grown by push reserves 17 slots). Slots past
 * the count hold parts of earlier patterns until overwritten: immutable,
 * small, harmless. readPattern does not reenter itself.
 */
const gathered: PatternPart[] = [];

function readPattern(raw: string, syntax: PatternSyntax): PatternResult {
  let count = 0;
  let literal = '';
  let index = 0;
  while (index < raw.length) {
    // Text between special characters is copied in one slice: most patterns are mostly text.
    const special = nextSpecial(raw, index, syntax);
    if (special > index) {
      literal += raw.slice(index, special);
      index = special;
      continue;
    }
    const char = raw[index] ?? '';
    if (syntax.variables && char === '$' && raw[index + 1] === '{') {
      const close = raw.indexOf('}', index + 2);
      if (close < 0)
        return failure('MISSING_BRACE_IN_VARIABLE', `variable in \`${raw}\` has no closing brace`);
      const body = raw.slice(index + 2, close);
      if (escapes.has(body)) {
        literal += body;
      } else {
        const variable = parseVariableBody(body, raw);
        if (!variable.ok) return variable;
        if (literal !== '') gathered[count++] = { kind: 'literal', text: literal };
        literal = '';
        gathered[count++] = variable.part;
      }
      index = close + 1;
    } else if (syntax.wildcards && (char === '*' || char === '?')) {
      if (literal !== '') gathered[count++] = { kind: 'literal', text: literal };
      literal = '';
      gathered[count++] = wildcards[char];
      index++;
    } else {
      literal += char;
      index++;
    }
  }
  if (literal !== '') gathered[count++] = { kind: 'literal', text: literal };
  return { ok: true, pattern: { raw, parts: gathered.slice(0, count) } };
}

/** The offset of the next character that may start a wildcard or a variable, or the end of the text. */
function nextSpecial(raw: string, from: number, syntax: PatternSyntax): number {
  for (let index = from; index < raw.length; index++) {
    const char = raw.charCodeAt(index);
    // `*`, `?`, `$`
    if ((syntax.wildcards && (char === 42 || char === 63)) || (syntax.variables && char === 36)) return index;
  }
  return raw.length;
}

type VariableResult =
  { readonly ok: true; readonly part: PatternPart } | Extract<PatternResult, { ok: false }>;

/** Parses `key` or `key, 'default'` from inside `${...}`. */
function parseVariableBody(body: string, raw: string): VariableResult {
  const comma = body.indexOf(',');
  const key = (comma < 0 ? body : body.slice(0, comma)).trim();
  if (key === '') return failure('EMPTY_VARIABLE', `empty variable in \`${raw}\``);
  if (/\s/.test(comma < 0 ? body : body.slice(0, comma))) {
    return failure('UNSUPPORTED_SPACE_IN_VARIABLE', `variable \`\${${body}}\` contains a space`);
  }
  // One test of the whole key first: nearly every key is well formed.
  const badCharacter = keyText.test(key) ? undefined : [...key].find((char) => !keyCharacter.test(char));
  if (badCharacter !== undefined) {
    return failure(
      'UNSUPPORTED_SYMBOL_IN_VARIABLE',
      `variable \`\${${body}}\` contains the unsupported character \`${badCharacter}\``,
    );
  }
  if (comma < 0) return { ok: true, part: { kind: 'variable', key } };
  const defaultText = body.slice(comma + 1).trim();
  if (defaultText.length < 2 || !defaultText.startsWith("'") || !defaultText.endsWith("'")) {
    return failure(
      'MISSING_QUOTE_IN_VARIABLE',
      `default value of variable \`\${${body}}\` must be in single quotes`,
    );
  }
  return { ok: true, part: { kind: 'variable', key, defaultValue: defaultText.slice(1, -1) } };
}

function failure(code: VariableIssueCode, message: string): Extract<PatternResult, { ok: false }> {
  return { ok: false, code, message };
}

/** Does the text contain something shaped like a policy variable? */
export function looksLikeVariable(raw: string): boolean {
  return /\$\{[^}]*\}/.test(raw);
}
