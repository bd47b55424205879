// parsePolicy: policy JSON text → the typed model of model.ts, with a location
// on every element. Never throws on user input: every problem is a value that
// names the issue code Access Analyzer uses for it and where it is.
import { parseTree, printParseErrorCode, type Node, type ParseError as JsonError } from 'jsonc-parser';
import { operatorInfo, operatorTable, parseOperatorName, type OperatorInfo } from '../conditions.js';
import type {
  ActionElement,
  Condition,
  ConditionOperator,
  ConditionValue,
  Effect,
  Location,
  PathElement,
  Pattern,
  PatternEntry,
  Policy,
  PolicyVersion,
  PrincipalElement,
  PrincipalEntry,
  PrincipalValue,
  ResourceElement,
  Statement,
} from '../model.js';
import { parseCleanPolicy, policyElements, principalTypes, statementElements } from './clean.js';
import { literalPattern, parsePattern, type PatternSyntax, type VariableIssueCode } from './patterns.js';
import { PositionIndex } from './positions.js';

/** Problems that make the document unusable as a policy: the model cannot be trusted. */
export type ParseErrorCode =
  | 'JSON_SYNTAX_ERROR'
  | 'DATA_TYPE_MISMATCH'
  | 'INVALID_POLICY_ELEMENT'
  | 'DUPLICATE_KEYS_WITH_DIFFERENT_CASE'
  | 'INVALID_VERSION'
  | 'MISSING_STATEMENT'
  | 'MISSING_EFFECT'
  | 'INVALID_EFFECT'
  | 'MISSING_ACTION'
  | 'UNSUPPORTED_ELEMENT_COMBINATION'
  | 'INVALID_PRINCIPAL_KEY'
  | 'INVALID_PRINCIPAL_FORMAT'
  | 'INVALID_CONDITION_OPERATOR'
  | VariableIssueCode;

/** Shapes that are legal but worth telling the author about; the model stays faithful. */
export type ParseNoteCode =
  | 'EMPTY_ARRAY_ACTION'
  | 'EMPTY_ARRAY_RESOURCE'
  | 'EMPTY_ARRAY_PRINCIPAL'
  | 'EMPTY_OBJECT_PRINCIPAL'
  | 'EMPTY_ARRAY_CONDITION'
  | 'EMPTY_ARRAY_CONDITION_FORALLVALUES'
  | 'EMPTY_ARRAY_CONDITION_FORANYVALUE'
  | 'EMPTY_ARRAY_CONDITION_IFEXISTS'
  | 'EMPTY_OBJECT_CONDITION'
  | 'INVALID_CONDITION_DATA_TYPE'
  | 'INVALID_VARIABLE_FOR_OPERATOR';

export interface ParseProblem<Code extends string> {
  readonly code: Code;
  readonly message: string;
  readonly location: Location;
}

export type ParseError = ParseProblem<ParseErrorCode>;
export type ParseNote = ParseProblem<ParseNoteCode>;

export type ParseResult =
  | { readonly ok: true; readonly policy: Policy; readonly notes: readonly ParseNote[] }
  | {
      readonly ok: false;
      readonly errors: readonly ParseError[];
      readonly notes: readonly ParseNote[];
      /** The statements that parsed cleanly, when the document is a JSON object at all. */
      readonly partial?: Policy;
    };

const versions: readonly PolicyVersion[] = ['2012-10-17', '2008-10-17'];

/**
 * Reads a policy document. A clean document (no error, no note) takes the
 * fast path of clean.ts, whose spans are computed when first read; any other
 * goes through the full reader, which explains every problem.
 */
export function parsePolicy(text: string): ParseResult {
  // Callers from JavaScript (or JSON they read) may hand over a parsed object: say so rather than crash.
  if (typeof text !== 'string') return notText(text);
  const clean = parseCleanPolicy(text);
  return clean === undefined ? parsePolicyInFull(text) : { ok: true, policy: clean, notes: [] };
}

function notText(value: unknown): ParseResult {
  const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  const start = { line: 1, column: 0, offset: 0 };
  const location = { path: [], span: { start, end: start } };
  const message = `the policy document must be JSON text (a string), not ${what}`;
  return { ok: false, errors: [{ code: 'DATA_TYPE_MISMATCH', message, location }], notes: [] };
}

/** The full reader over jsonc-parser's tree; exported so tests can hold the fast path to it. */
export function parsePolicyInFull(text: string): ParseResult {
  const index = new PositionIndex(text);
  const jsonErrors: JsonError[] = [];
  let root: Node | undefined;
  try {
    // Editors on Windows save a byte order mark; read it as the whitespace it stands for, keeping offsets.
    const source = text.startsWith('\uFEFF') ? ` ${text.slice(1)}` : text;
    root = parseTree(source, jsonErrors, { disallowComments: true, allowTrailingComma: false });
  } catch (error) {
    // jsonc-parser recurses per nesting level; absurd nesting exhausts the stack.
    if (!(error instanceof RangeError)) throw error;
    const location = index.location([], 0, text.length);
    return { ok: false, errors: [syntaxError('document nests too deeply', location)], notes: [] };
  }
  if (jsonErrors.length > 0 || root === undefined) {
    const errors =
      jsonErrors.length === 0
        ? [syntaxError('document is empty', index.location([], 0, text.length))]
        : // Later JSON errors are usually echoes of the first one.
          jsonErrors
            .slice(0, 1)
            .map((error) =>
              syntaxError(describeJsonError(error, text), index.location([], error.offset, error.length)),
            );
    return { ok: false, errors, notes: [] };
  }
  return new PolicyReader(text, index).read(root);
}

function syntaxError(message: string, location: Location): ParseError {
  return { code: 'JSON_SYNTAX_ERROR', message: `invalid JSON: ${message}`, location };
}

function describeJsonError(error: JsonError, text: string): string {
  const found = text.slice(error.offset, error.offset + Math.max(error.length, 1));
  const expected = printParseErrorCode(error.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return found === '' ? `${expected} at end of document` : `${expected} at \`${found}\``;
}

interface Member {
  readonly name: string;
  readonly key: Node;
  readonly value: Node;
}

function childrenOf(node: Node): readonly Node[] {
  return node.children ?? [];
}

function jsonTypeOf(node: Node): string {
  return node.type === 'property' ? 'object' : node.type;
}

function stringOf(node: Node): string | undefined {
  return node.type === 'string' && typeof node.value === 'string' ? node.value : undefined;
}

class PolicyReader {
  private readonly errors: ParseError[] = [];
  private readonly notes: ParseNote[] = [];
  private version: PolicyVersion | undefined;

  constructor(
    private readonly text: string,
    private readonly index: PositionIndex,
  ) {}

  read(root: Node): ParseResult {
    const rootLocation = this.at([], root);
    if (root.type !== 'object') {
      this.error('DATA_TYPE_MISMATCH', `policy must be a JSON object, not ${jsonTypeOf(root)}`, rootLocation);
      return this.result(undefined);
    }
    const members = this.members(root, [], policyElements);
    const versionMember = members.get('Version');
    if (versionMember !== undefined) this.version = this.readVersion(versionMember);
    const idMember = members.get('Id');
    const id = idMember === undefined ? undefined : this.readString(idMember, [{ value: 'Id' }]);
    const statementMember = members.get('Statement');
    let statements: Statement[] = [];
    if (statementMember === undefined) {
      this.error('MISSING_STATEMENT', 'policy has no `Statement` element', rootLocation);
    } else {
      statements = this.readStatements(statementMember.value);
    }
    const policy: Policy = {
      ...(this.version === undefined ? {} : { version: this.version }),
      ...(id === undefined ? {} : { id }),
      statements,
      location: rootLocation,
    };
    return this.result(policy);
  }

  private result(policy: Policy | undefined): ParseResult {
    if (this.errors.length === 0 && policy !== undefined) return { ok: true, policy, notes: this.notes };
    return policy === undefined
      ? { ok: false, errors: this.errors, notes: this.notes }
      : { ok: false, errors: this.errors, notes: this.notes, partial: policy };
  }

  private readVersion(member: Member): PolicyVersion | undefined {
    const path: PathElement[] = [{ value: 'Version' }];
    const text = this.readString(member, path);
    if (text === undefined) return undefined;
    const version = versions.find((candidate) => candidate === text);
    if (version === undefined) {
      this.error(
        'INVALID_VERSION',
        `unknown policy version \`${text}\`: expected \`2012-10-17\` or \`2008-10-17\``,
        this.at(path, member.value),
      );
    }
    return version;
  }

  private readStatements(node: Node): Statement[] {
    const path: PathElement[] = [{ value: 'Statement' }];
    if (node.type === 'object') {
      const statement = this.readStatement(node, path, 0);
      return statement === undefined ? [] : [statement];
    }
    if (node.type !== 'array') {
      this.typeMismatch('`Statement`', 'an object or an array of objects', node, path);
      return [];
    }
    const items = childrenOf(node);
    if (items.length === 0) {
      this.error('MISSING_STATEMENT', '`Statement` is an empty array', this.at(path, node));
    }
    const statements: Statement[] = [];
    items.forEach((item, position) => {
      const itemPath = [...path, { index: position }];
      if (item.type !== 'object') {
        this.typeMismatch('a statement', 'an object', item, itemPath);
        return;
      }
      const statement = this.readStatement(item, itemPath, position);
      if (statement !== undefined) statements.push(statement);
    });
    return statements;
  }

  /** A statement with any error is left out, so the partial policy never misleads. */
  private readStatement(node: Node, path: readonly PathElement[], position: number): Statement | undefined {
    const errorsBefore = this.errors.length;
    const location = this.at(path, node);
    const members = this.members(node, path, statementElements);
    const sidMember = members.get('Sid');
    const sid = sidMember === undefined ? undefined : this.readString(sidMember, [...path, { value: 'Sid' }]);
    const effect = this.readEffect(members.get('Effect'), path, location);
    const principal = this.readPrincipalElement(members, path);
    const action = this.readActionElement(members, path, location);
    const resource = this.readResourceElement(members, path);
    const conditionMember = members.get('Condition');
    const conditions =
      conditionMember === undefined
        ? []
        : this.readConditions(conditionMember.value, [...path, { value: 'Condition' }]);
    if (this.errors.length > errorsBefore || effect === undefined || action === undefined) return undefined;
    return {
      index: position,
      ...(sid === undefined || sidMember === undefined
        ? {}
        : { sid, sidLocation: this.at([...path, { value: 'Sid' }], sidMember.value) }),
      effect,
      ...(principal === undefined ? {} : { principal }),
      action,
      ...(resource === undefined ? {} : { resource }),
      conditions,
      location,
    };
  }

  private readEffect(
    member: Member | undefined,
    path: readonly PathElement[],
    statement: Location,
  ): Effect | undefined {
    if (member === undefined) {
      this.error('MISSING_EFFECT', 'statement has no `Effect` element', statement);
      return undefined;
    }
    const effectPath = [...path, { value: 'Effect' }];
    const text = this.readString(member, effectPath);
    if (text === undefined) return undefined;
    if (text === 'Allow' || text === 'Deny') return text;
    this.error(
      'INVALID_EFFECT',
      `effect \`${text}\` is not \`Allow\` or \`Deny\``,
      this.at(effectPath, member.value),
    );
    return undefined;
  }

  /** Of two elements that exclude each other, the present one, or an error when both are. */
  private either(
    members: ReadonlyMap<string, Member>,
    path: readonly PathElement[],
    names: readonly [string, string],
  ): Member | undefined {
    const [first, second] = names;
    const firstMember = members.get(first);
    const secondMember = members.get(second);
    if (firstMember !== undefined && secondMember !== undefined) {
      this.error(
        'UNSUPPORTED_ELEMENT_COMBINATION',
        `statement has both \`${first}\` and \`${second}\``,
        this.at([...path, { key: second }], secondMember.key),
      );
      return undefined;
    }
    return firstMember ?? secondMember;
  }

  private readActionElement(
    members: ReadonlyMap<string, Member>,
    path: readonly PathElement[],
    statement: Location,
  ): ActionElement | undefined {
    if (!members.has('Action') && !members.has('NotAction')) {
      this.error('MISSING_ACTION', 'statement has no `Action` or `NotAction` element', statement);
      return undefined;
    }
    const member = this.either(members, path, ['Action', 'NotAction']);
    if (member === undefined) return undefined;
    const kind = member.name === 'Action' ? 'Action' : 'NotAction';
    const elementPath = [...path, { value: kind }];
    const entries = this.readPatternList(member.value, elementPath, kind, {
      wildcards: true,
      variables: false,
    });
    if (entries === undefined) return undefined;
    if (entries.length === 0) {
      this.note(
        'EMPTY_ARRAY_ACTION',
        `\`${kind}\` is an empty array: the statement matches no action`,
        elementPath,
        member.value,
      );
    }
    return { kind, entries, location: this.at(elementPath, member.value) };
  }

  private readResourceElement(
    members: ReadonlyMap<string, Member>,
    path: readonly PathElement[],
  ): ResourceElement | undefined {
    const member = this.either(members, path, ['Resource', 'NotResource']);
    if (member === undefined) return undefined;
    const kind = member.name === 'Resource' ? 'Resource' : 'NotResource';
    const elementPath = [...path, { value: kind }];
    const syntax = { wildcards: true, variables: this.version === '2012-10-17' };
    const entries = this.readPatternList(member.value, elementPath, kind, syntax);
    if (entries === undefined) return undefined;
    if (entries.length === 0) {
      this.note(
        'EMPTY_ARRAY_RESOURCE',
        `\`${kind}\` is an empty array: the statement matches no resource`,
        elementPath,
        member.value,
      );
    }
    return { kind, entries, location: this.at(elementPath, member.value) };
  }

  /** A string or an array of strings, each split into a pattern. */
  private readPatternList(
    node: Node,
    path: readonly PathElement[],
    element: string,
    syntax: PatternSyntax,
  ): PatternEntry[] | undefined {
    const items = this.stringOrStrings(node, path, `\`${element}\``);
    if (items === undefined) return undefined;
    const entries: PatternEntry[] = [];
    for (const item of items) {
      const pattern = this.pattern(item.text, syntax, item.location);
      if (pattern !== undefined) entries.push({ pattern, location: item.location });
    }
    return entries.length === items.length ? entries : undefined;
  }

  private pattern(raw: string, syntax: PatternSyntax, location: Location): Pattern | undefined {
    const parsed = parsePattern(raw, syntax);
    if (parsed.ok) return parsed.pattern;
    this.error(parsed.code, parsed.message, location);
    return undefined;
  }

  private stringOrStrings(
    node: Node,
    path: readonly PathElement[],
    what: string,
  ): { text: string; location: Location }[] | undefined {
    const single = stringOf(node);
    if (single !== undefined) return [{ text: single, location: this.at(path, node) }];
    if (node.type !== 'array') {
      this.typeMismatch(what, 'a string or an array of strings', node, path);
      return undefined;
    }
    const items: { text: string; location: Location }[] = [];
    let valid = true;
    childrenOf(node).forEach((child, position) => {
      const childPath = [...path, { index: position }];
      const text = stringOf(child);
      if (text === undefined) {
        this.typeMismatch(`an entry of ${what}`, 'a string', child, childPath);
        valid = false;
      } else {
        items.push({ text, location: this.at(childPath, child) });
      }
    });
    return valid ? items : undefined;
  }

  private readPrincipalElement(
    members: ReadonlyMap<string, Member>,
    path: readonly PathElement[],
  ): PrincipalElement | undefined {
    const member = this.either(members, path, ['Principal', 'NotPrincipal']);
    if (member === undefined) return undefined;
    const kind = member.name === 'Principal' ? 'Principal' : 'NotPrincipal';
    const elementPath = [...path, { value: kind }];
    const location = this.at(elementPath, member.value);
    const value = this.readPrincipalValue(member.value, elementPath, kind);
    return value === undefined ? undefined : { kind, value, location };
  }

  private readPrincipalValue(
    node: Node,
    path: readonly PathElement[],
    kind: string,
  ): PrincipalValue | undefined {
    const location = this.at(path, node);
    const text = stringOf(node);
    if (text !== undefined) {
      if (text === '*') return { kind: 'everyone', location };
      this.error(
        'INVALID_PRINCIPAL_FORMAT',
        `\`${kind}\` must be \`"*"\` or an object such as \`{"AWS": "${text}"}\`, not the string \`${text}\``,
        location,
      );
      return undefined;
    }
    if (node.type !== 'object') {
      this.typeMismatch(`\`${kind}\``, '`"*"` or an object', node, path);
      return undefined;
    }
    const members = this.members(node, path, principalTypes, 'INVALID_PRINCIPAL_KEY');
    if (members.size === 0 && childrenOf(node).length === 0) {
      this.note(
        'EMPTY_OBJECT_PRINCIPAL',
        `\`${kind}\` is an empty object: it matches no principal`,
        path,
        node,
      );
    }
    const entries: PrincipalEntry[] = [];
    for (const type of principalTypes) {
      const member = members.get(type);
      if (member === undefined) continue;
      const typePath = [...path, { value: type }];
      const items = this.stringOrStrings(member.value, typePath, `\`${kind}\` \`${type}\``);
      if (items === undefined) continue;
      if (items.length === 0) {
        this.note(
          'EMPTY_ARRAY_PRINCIPAL',
          `\`${type}\` in \`${kind}\` is an empty array`,
          typePath,
          member.value,
        );
      }
      for (const item of items) entries.push({ type, value: item.text, location: item.location });
    }
    return { kind: 'entries', entries, location };
  }

  private readConditions(node: Node, path: readonly PathElement[]): Condition[] {
    if (node.type !== 'object') {
      this.typeMismatch('`Condition`', 'an object', node, path);
      return [];
    }
    if (childrenOf(node).length === 0) {
      this.note('EMPTY_OBJECT_CONDITION', '`Condition` is an empty object', path, node);
    }
    const conditions: Condition[] = [];
    for (const member of this.members(node, path, undefined).values()) {
      const operatorPath = [...path, { value: member.name }];
      const operator = parseOperatorName(member.name);
      if (operator === undefined) {
        this.error(
          'INVALID_CONDITION_OPERATOR',
          `unknown condition operator \`${member.name}\`${operatorHint(member.name)}`,
          this.at([...path, { key: member.name }], member.key),
        );
        continue;
      }
      if (member.value.type !== 'object') {
        this.typeMismatch(
          `condition operator \`${member.name}\``,
          'an object of condition keys',
          member.value,
          operatorPath,
        );
        continue;
      }
      if (childrenOf(member.value).length === 0) {
        this.note(
          'EMPTY_OBJECT_CONDITION',
          `condition operator \`${member.name}\` has no condition keys`,
          operatorPath,
          member.value,
        );
      }
      const keys = this.members(member.value, operatorPath, undefined, undefined, true);
      for (const keyMember of keys.values()) {
        const keyPath = [...operatorPath, { value: keyMember.name }];
        const values = this.readConditionValues(keyMember.value, keyPath, operator);
        if (values === undefined) continue;
        conditions.push({
          operator,
          key: keyMember.name,
          values,
          location: this.at(keyPath, keyMember.value),
        });
      }
    }
    return conditions;
  }

  private readConditionValues(
    node: Node,
    path: readonly PathElement[],
    operator: ConditionOperator,
  ): ConditionValue[] | undefined {
    const operatorName = operator.name;
    const syntax = operatorInfo(operator);
    const single = node.type !== 'array';
    const items = single
      ? [{ node, path }]
      : childrenOf(node).map((child, position) => ({ node: child, path: [...path, { index: position }] }));
    if (!single && items.length === 0) {
      this.note(emptyValuesCode(operator), emptyValuesMessage(operator), path, node);
    }
    const values: ConditionValue[] = [];
    const types = new Set<string>();
    for (const item of items) {
      const value = this.readConditionValue(item.node, item.path, operatorName, syntax);
      if (value === undefined) continue;
      types.add(typeof value.value);
      values.push(value);
    }
    if (values.length !== items.length) return undefined;
    if (types.size > 1) {
      this.note(
        'INVALID_CONDITION_DATA_TYPE',
        `condition values for \`${operatorName}\` mix JSON types: use one type for all values`,
        path,
        node,
      );
    }
    return values;
  }

  private readConditionValue(
    node: Node,
    path: readonly PathElement[],
    operatorName: string,
    syntax: OperatorInfo,
  ): ConditionValue | undefined {
    const location = this.at(path, node);
    switch (node.type) {
      case 'string': {
        const value = stringOf(node) ?? '';
        const variables = syntax.variables && this.version === '2012-10-17';
        if (!syntax.variables && this.version === '2012-10-17' && /\$\{[^}]+\}/.test(value)) {
          this.note(
            'INVALID_VARIABLE_FOR_OPERATOR',
            `condition operator \`${operatorName}\` does not support policy variables: \`${value}\` is compared as written`,
            path,
            node,
          );
        }
        const pattern = this.pattern(value, { wildcards: syntax.wildcards, variables }, location);
        return pattern === undefined ? undefined : { value, pattern, location };
      }
      case 'number':
      case 'boolean': {
        const raw = this.text.slice(node.offset, node.offset + node.length);
        const value: number | boolean = node.type === 'number' ? Number(node.value) : node.value === true;
        return { value, pattern: literalPattern(raw), location };
      }
      case 'null':
      case 'object':
      case 'array':
      case 'property':
        this.typeMismatch(
          `a condition value of \`${operatorName}\``,
          'a string, number or boolean',
          node,
          path,
        );
        return undefined;
      default: {
        const unreachable: never = node.type;
        return unreachable;
      }
    }
  }

  /**
   * The members of an object by name. Exact duplicate names are a syntax
   * error; names outside `known` are unknown elements. Keys of a condition
   * operator compare case-insensitively, so there case variants collide too.
   */
  private members(
    node: Node,
    path: readonly PathElement[],
    known: readonly string[] | undefined,
    unknownCode: 'INVALID_POLICY_ELEMENT' | 'INVALID_PRINCIPAL_KEY' = 'INVALID_POLICY_ELEMENT',
    caseInsensitive = false,
  ): Map<string, Member> {
    const members = new Map<string, Member>();
    const seenFolded = new Map<string, string>();
    for (const property of childrenOf(node)) {
      const [key, value] = childrenOf(property);
      const name = key === undefined ? undefined : stringOf(key);
      if (key === undefined || value === undefined || name === undefined) continue;
      const keyLocation = this.at([...path, { key: name }], key);
      if (members.has(name)) {
        this.error('JSON_SYNTAX_ERROR', `duplicate key \`${name}\``, keyLocation);
        continue;
      }
      const folded = name.toLowerCase();
      const earlier = seenFolded.get(folded);
      if (caseInsensitive && earlier !== undefined) {
        this.error(
          'DUPLICATE_KEYS_WITH_DIFFERENT_CASE',
          `condition key \`${name}\` repeats \`${earlier}\`: keys are case-insensitive`,
          keyLocation,
        );
        continue;
      }
      seenFolded.set(folded, name);
      if (known !== undefined && !known.includes(name)) {
        const suggestion = known.find((candidate) => candidate.toLowerCase() === folded);
        const hint = suggestion === undefined ? '' : `: did you mean \`${suggestion}\``;
        const what = unknownCode === 'INVALID_PRINCIPAL_KEY' ? 'principal type' : 'policy element';
        this.error(unknownCode, `unknown ${what} \`${name}\`${hint}`, keyLocation);
        continue;
      }
      members.set(name, { name, key, value });
    }
    return members;
  }

  private readString(member: Member, path: readonly PathElement[]): string | undefined {
    const text = stringOf(member.value);
    if (text === undefined) this.typeMismatch(`\`${member.name}\``, 'a string', member.value, path);
    return text;
  }

  private typeMismatch(what: string, expected: string, node: Node, path: readonly PathElement[]): void {
    this.error(
      'DATA_TYPE_MISMATCH',
      `${what} must be ${expected}, not ${jsonTypeOf(node)}`,
      this.at(path, node),
    );
  }

  private at(path: readonly PathElement[], node: Node): Location {
    return this.index.location(path, node.offset, node.length);
  }

  private error(code: ParseErrorCode, message: string, location: Location): void {
    this.errors.push({ code, message, location });
  }

  private note(code: ParseNoteCode, message: string, path: readonly PathElement[], node: Node): void {
    this.notes.push({ code, message, location: this.at(path, node) });
  }
}

/** Operator names are case-sensitive; a near miss deserves the right spelling. */
function operatorHint(name: string): string {
  const folded = name.toLowerCase();
  const prefixes = ['', 'ForAllValues:', 'ForAnyValue:'];
  for (const prefix of prefixes) {
    for (const suffix of ['', 'IfExists']) {
      for (const base of Object.keys(operatorTable)) {
        const candidate = `${prefix}${base}${suffix}`;
        if (candidate.toLowerCase() === folded)
          return `: operator names are case-sensitive, did you mean \`${candidate}\``;
      }
    }
  }
  return '';
}

/** An empty value list means something different under each operator form. */
function emptyValuesCode(operator: ConditionOperator): ParseNoteCode {
  if (operator.setOperator === 'ForAllValues') return 'EMPTY_ARRAY_CONDITION_FORALLVALUES';
  if (operator.setOperator === 'ForAnyValue') return 'EMPTY_ARRAY_CONDITION_FORANYVALUE';
  return operator.ifExists ? 'EMPTY_ARRAY_CONDITION_IFEXISTS' : 'EMPTY_ARRAY_CONDITION';
}

function emptyValuesMessage(operator: ConditionOperator): string {
  const name = `\`${operator.name}\``;
  switch (emptyValuesCode(operator)) {
    case 'EMPTY_ARRAY_CONDITION_FORALLVALUES':
    case 'EMPTY_ARRAY_CONDITION_IFEXISTS':
      return `${name} with no values matches only when the key is absent: use \`Null\` with \`true\``;
    case 'EMPTY_ARRAY_CONDITION_FORANYVALUE':
      return `${name} with no values never matches`;
    default:
      return `condition values for ${name} are an empty array`;
  }
}
