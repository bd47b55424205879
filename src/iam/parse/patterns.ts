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

export function literalPattern(raw: string): Pattern {
  return { raw, parts: raw === '' ? [] : [{ kind: 'literal', text: raw }] };
}

/**
 * Patterns already read, one map per syntax: policies repeat the same
 * actions and ARNs (`*`, `s3:GetObject`) over and over, and a result is
 * immutable, so one object serves every policy that writes the text.
 */
const readPatterns: readonly Map<string, PatternResult>[] = [new Map(), new Map(), new Map(), new Map()];
const readPatternLimit = 50_000;

export function parsePattern(raw: string, syntax: PatternSyntax): PatternResult {
  const cache = readPatterns[(syntax.wildcards ? 2 : 0) + (syntax.variables ? 1 : 0)] as Map<
    string,
    PatternResult
  >;
  let result = cache.get(raw);
  if (result === undefined) {
    if (cache.size >= readPatternLimit) cache.clear();
    result = readPattern(raw, syntax);
    cache.set(raw, result);
  }
  return result;
}

function readPattern(raw: string, syntax: PatternSyntax): PatternResult {
  const parts: PatternPart[] = [];
  let literal = '';
  const flushLiteral = (): void => {
    if (literal !== '') parts.push({ kind: 'literal', text: literal });
    literal = '';
  };
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
        flushLiteral();
        parts.push(variable.part);
      }
      index = close + 1;
    } else if (syntax.wildcards && (char === '*' || char === '?')) {
      flushLiteral();
      parts.push({ kind: 'wildcard', wildcard: char });
      index++;
    } else {
      literal += char;
      index++;
    }
  }
  flushLiteral();
  return { ok: true, pattern: { raw, parts } };
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
  const badCharacter = [...key].find((char) => !keyCharacter.test(char));
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
