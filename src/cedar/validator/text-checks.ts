// Cedar's warnings about text that may not read as it runs (the
// `unicode-security` checks of UTS #39 that Cedar's validator applies):
// bidirectional control characters, strings and identifiers mixing scripts,
// and identifier characters outside the General Security Profile.
//
// Identifier_Status (UTS #39) is not among the properties JavaScript exposes
// and no npm package ships it, so `identifierAllowed` derives it from the
// properties that define most of it (see its comment): it misses characters of
// otherwise allowed scripts that UTS #39 types Technical, Uncommon_Use,
// Obsolete, Exclusion or Limited_Use.
import type { Expr, ValidatorPolicy } from './expr.js';
import type { EntityUid, ScopeConstraint, SourceSpan } from '../syntax/index.js';
import { UNICODE_SCRIPTS } from './unicode-scripts.js';

export type TextWarningKind =
  | 'bidiCharsInString'
  | 'mixedScriptString'
  | 'bidiCharsInIdentifier'
  | 'mixedScriptIdentifier'
  | 'confusableIdentifier';

export interface TextProblem {
  readonly kind: TextWarningKind;
  readonly message: string;
}

// The direction embeddings, overrides and isolates, as rustc's lint lists them.
const BIDI_CONTROLS = /[\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069]/u;
const ASCII = /^[\x00-\x7F]*$/;

/** Script sets after UTS #39's augmentation; `undefined` is the set of every script. */
type ScriptSet = ReadonlySet<string> | undefined;

let scriptTests: readonly (readonly [string, RegExp])[] | undefined;

/** One test per script the running engine knows (an older engine may lack the newest scripts). */
function scriptRegExps(): readonly (readonly [string, RegExp])[] {
  scriptTests ??= UNICODE_SCRIPTS.flatMap((name) => {
    try {
      return [[name, new RegExp(`^\\p{Script_Extensions=${name}}$`, 'u')] as const];
    } catch {
      return [];
    }
  });
  return scriptTests;
}

const COMMON_OR_INHERITED = /^[\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}]$/u;
const UNASSIGNED = /^\p{Script=Unknown}$/u;
const scriptSetCache = new Map<string, ScriptSet>();

/** A character's Script_Extensions, augmented as UTS #39 says (Han is also Hanb, Jpan and Kore, ...). */
function augmentedScripts(character: string): ScriptSet {
  if (scriptSetCache.has(character)) return scriptSetCache.get(character);
  let result: ScriptSet;
  if (COMMON_OR_INHERITED.test(character)) result = undefined;
  else if (UNASSIGNED.test(character)) result = new Set();
  else {
    const scripts = new Set(
      scriptRegExps()
        .filter(([, test]) => test.test(character))
        .map(([name]) => name),
    );
    if (scripts.has('Han')) scripts.add('Hanb').add('Jpan').add('Kore');
    if (scripts.has('Hiragana') || scripts.has('Katakana')) scripts.add('Jpan');
    if (scripts.has('Hangul')) scripts.add('Kore');
    if (scripts.has('Bopomofo')) scripts.add('Hanb');
    result = scripts;
  }
  scriptSetCache.set(character, result);
  return result;
}

/** UTS #39's single-script test: the characters' augmented script sets have a common member. */
export function isSingleScript(text: string): boolean {
  if (ASCII.test(text)) return true;
  let common: ScriptSet;
  for (const character of text) {
    const scripts = augmentedScripts(character);
    if (scripts === undefined) continue;
    common = common === undefined ? scripts : new Set([...common].filter((script) => scripts.has(script)));
    if (common.size === 0) return false;
  }
  return true;
}

// UAX #31's characters allowed in identifiers although not XID_Continue or
// default-ignorable (Identifier_Type Inclusion, ASCII left out).
const INCLUSIONS = new Set([
  '\u00B7',
  '\u0375',
  '\u058A',
  '\u05F3',
  '\u05F4',
  '\u0F0B',
  '\u200C',
  '\u200D',
  '\u2010',
  '\u2019',
  '\u2027',
  '\u30A0',
  '\u30FB',
]);
const NOT_IDENTIFIER_CHARACTER =
  /^[^\p{XID_Continue}]$|^[\p{Default_Ignorable_Code_Point}\p{Deprecated}\p{Cn}\p{Co}\p{Cs}]$/u;

/**
 * Identifier_Status=Allowed, derived: Allowed characters are XID_Continue,
 * unchanged by NFKC, neither default-ignorable nor deprecated, or one of the
 * Inclusion characters.
 */
function identifierAllowed(character: string): boolean {
  if (INCLUSIONS.has(character)) return true;
  return !NOT_IDENTIFIER_CHARACTER.test(character) && character.normalize('NFKC') === character;
}

const NOT_PRINTABLE = /^(?! )[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;
const GRAPHEME_EXTEND = /^\p{Grapheme_Extend}$/u;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '\\0',
  '\t': '\\t',
  '\r': '\\r',
  '\n': '\\n',
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
};

function escapeCharacter(character: string, first: boolean): string {
  const simple = SIMPLE_ESCAPES[character];
  if (simple !== undefined) return simple;
  const escape = NOT_PRINTABLE.test(character) || (first && GRAPHEME_EXTEND.test(character));
  return escape ? `\\u{${(character.codePointAt(0) ?? 0).toString(16)}}` : character;
}

/** Text as Rust's `escape_debug` writes it, which Cedar uses to show identifiers. */
export function escapeDebug(text: string): string {
  return [...text].map((character, index) => escapeCharacter(character, index === 0)).join('');
}

/** The warning Cedar gives about a string literal or a pattern, if any. */
export function stringProblem(text: string): TextProblem | undefined {
  if (BIDI_CONTROLS.test(text))
    return { kind: 'bidiCharsInString', message: `string \`"${text}"\` contains BIDI control characters` };
  if (!isSingleScript(text))
    return { kind: 'mixedScriptString', message: `string \`"${text}"\` contains mixed scripts` };
  return undefined;
}

/** The warning Cedar gives about an identifier (attribute, record key, name component, entity id), if any. */
export function identifierProblem(text: string): TextProblem | undefined {
  if (BIDI_CONTROLS.test(text)) {
    return {
      kind: 'bidiCharsInIdentifier',
      message: `identifier \`${text}\` contains BIDI control characters`,
    };
  }
  const confusable = [...text].find(
    (character) => character !== ' ' && !/^[\x21-\x7E]$/.test(character) && !identifierAllowed(character),
  );
  if (confusable !== undefined) {
    return {
      kind: 'confusableIdentifier',
      message: `identifier \`${escapeDebug(text)}\` contains the character \`${escapeDebug(confusable)}\` which is not a printable ASCII character and falls outside of the General Security Profile for Identifiers`,
    };
  }
  if (!isSingleScript(text))
    return { kind: 'mixedScriptIdentifier', message: `identifier \`${text}\` contains mixed scripts` };
  return undefined;
}

export interface TextWarning extends TextProblem {
  readonly span?: SourceSpan;
}

/**
 * The text warnings of one policy, over the same text as Cedar: string
 * literals and patterns; attribute names, record keys, function names, and the
 * name components and ids of entity literals. Entities of the scope carry no
 * location, as in Cedar; each occurrence is its own warning.
 */
export function policyTextWarnings(policy: ValidatorPolicy): TextWarning[] {
  const warnings: TextWarning[] = [];
  const check = (problem: TextProblem | undefined, span: SourceSpan | undefined): void => {
    if (problem !== undefined) warnings.push(span === undefined ? problem : { ...problem, span });
  };
  const uid = (entity: EntityUid, span: SourceSpan | undefined): void => {
    for (const component of entity.type.split('::')) check(identifierProblem(component), span);
    check(identifierProblem(entity.id), span);
  };
  const scope = (constraint: ScopeConstraint): void => {
    const target =
      constraint.op === 'is' ? constraint.in : constraint.op === 'all' ? undefined : constraint.target;
    if (target?.kind === 'entity') uid(target.uid, undefined);
  };
  scope(policy.principal);
  if (policy.action.op === '==') uid(policy.action.uid, undefined);
  if (policy.action.op === 'in') for (const action of policy.action.uids) uid(action, undefined);
  scope(policy.resource);
  const pending: Expr[] = policy.conditions.map((condition) => condition.body).reverse();
  for (let expr = pending.pop(); expr !== undefined; expr = pending.pop()) {
    const span = expr.span;
    switch (expr.kind) {
      case 'lit':
        if (expr.value.type === 'string') check(stringProblem(expr.value.value), span);
        if (expr.value.type === 'entity') uid(expr.value.uid, span);
        break;
      case 'var':
      case 'slot':
        break;
      case 'ite':
        pending.push(expr.else, expr.then, expr.cond);
        break;
      case 'and':
      case 'or':
      case 'binary':
        pending.push(expr.right, expr.left);
        break;
      case 'not':
      case 'neg':
      case 'isEmpty':
      case 'is':
        pending.push(expr.arg);
        break;
      case 'like':
        check(stringProblem(patternText(expr.pattern)), span);
        pending.push(expr.arg);
        break;
      case 'getAttr':
      case 'hasAttr':
        check(identifierProblem(expr.attr), span);
        pending.push(expr.arg);
        break;
      case 'set':
        pending.push(...[...expr.elements].reverse());
        break;
      case 'record':
        for (const [key] of expr.fields) check(identifierProblem(key), span);
        pending.push(...expr.fields.map(([, value]) => value).reverse());
        break;
      case 'call':
        for (const component of expr.fn.split('::')) check(identifierProblem(component), span);
        pending.push(...[...expr.args].reverse());
        break;
      default: {
        const unreachable: never = expr;
        return unreachable;
      }
    }
  }
  return warnings;
}

/** A pattern as Cedar prints it: `*` for a wildcard, `\*` for a literal star. */
function patternText(pattern: Extract<Expr, { kind: 'like' }>['pattern']): string {
  return pattern
    .map((element) => (element.kind === 'wildcard' ? '*' : element.text.replaceAll('*', '\\*')))
    .join('');
}
