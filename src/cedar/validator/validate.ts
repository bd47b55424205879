// Strict validation of policies against a schema: names used must exist, the
// scope must fit some action's `appliesTo`, and the policy must typecheck in
// every request environment the schema allows. A policy that is false in
// every environment is valid but draws an "impossible policy" warning.
import { uidKey, type EntityUid, type Schema, type SourceSpan } from '../schema/index.js';
import {
  policyCondition,
  type EntityTarget,
  type Expr,
  type ScopeConstraint,
  type ValidatorPolicy,
} from './expr.js';
import { Typechecker, type RequestEnv, type TypeErrorKind, type Typed } from './typechecker.js';
import { fromSchemaType, isSubtype, ANY_BOOL, showType, type RecordTypeT, type Type } from './types.js';
import { policyTextWarnings, type TextWarningKind } from './text-checks.js';

export type ValidationErrorKind =
  TypeErrorKind | 'unrecognizedActionId' | 'invalidEnumEntity' | 'invalidActionApplication';

export type ValidationWarningKind = 'impossiblePolicy' | TextWarningKind;

export interface ValidationError {
  readonly policyId: string;
  readonly kind: ValidationErrorKind;
  readonly message: string;
  /** Cedar's hint, such as the attribute that was probably meant. */
  readonly help?: string;
  /** Where in the policy text, when the policy was read from text. */
  readonly span?: SourceSpan;
}

export interface ValidationWarning {
  readonly policyId: string;
  readonly kind: ValidationWarningKind;
  readonly message: string;
  readonly span?: SourceSpan;
}

export interface ValidationResult {
  readonly errors: readonly ValidationError[];
  readonly warnings: readonly ValidationWarning[];
}

/** Every request environment of an action: its principal types times its resource types. */
export function requestEnvironments(schema: Schema): RequestEnv[] {
  const envs: RequestEnv[] = [];
  for (const action of schema.actions.values()) {
    const appliesTo = action.appliesTo;
    if (appliesTo === undefined) continue;
    const context = fromSchemaType(appliesTo.context) as RecordTypeT;
    for (const principal of appliesTo.principalTypes) {
      for (const resource of appliesTo.resourceTypes)
        envs.push({ principal, action: action.uid, resource, context });
    }
  }
  return envs;
}

/** Every subexpression, in preorder, with a stack of its own so that no chain exhausts the call stack. */
function* subexpressions(root: Expr): Generator<Expr> {
  const pending: Expr[] = [root];
  for (let expr = pending.pop(); expr !== undefined; expr = pending.pop()) {
    yield expr;
    // Children are pushed last first, so that they come out in order.
    pending.push(...children(expr).reverse());
  }
}

function children(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'lit':
    case 'var':
    case 'slot':
      return [];
    case 'ite':
      return [expr.cond, expr.then, expr.else];
    case 'and':
    case 'or':
    case 'binary':
      return [expr.left, expr.right];
    case 'not':
    case 'neg':
    case 'isEmpty':
    case 'like':
    case 'is':
    case 'getAttr':
    case 'hasAttr':
      return [expr.arg];
    case 'set':
      return [...expr.elements];
    case 'record':
      return expr.fields.map(([, value]) => value);
    case 'call':
      return [...expr.args];
    default: {
      const unreachable: never = expr;
      return unreachable;
    }
  }
}

class PolicyValidator {
  readonly errors: ValidationError[] = [];
  readonly warnings: ValidationWarning[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly schema: Schema,
    private readonly envs: readonly RequestEnv[],
  ) {}

  private error(
    policyId: string,
    kind: ValidationErrorKind,
    message: string,
    span: SourceSpan | undefined,
    help?: string,
  ): void {
    const key = `${policyId}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.errors.push({
      policyId,
      kind,
      message,
      ...(span === undefined ? {} : { span }),
      ...(help === undefined ? {} : { help }),
    });
  }

  validate(policy: ValidatorPolicy): void {
    const condition = policyCondition(policy);
    this.checkNames(policy.id, condition);
    this.checkActionApplication(policy);
    this.typecheck(policy, condition);
  }

  private checkUid(policyId: string, uid: EntityUid, span: SourceSpan | undefined): void {
    if (this.schema.actions.has(uidKey(uid))) return;
    const entityType = this.schema.entityTypes.get(uid.type);
    if (entityType === undefined) {
      if (this.schema.actionEntityTypes.has(uid.type))
        this.error(policyId, 'unrecognizedActionId', `unrecognized action \`${uidKey(uid)}\``, span);
      else this.error(policyId, 'unrecognizedEntityType', `unrecognized entity type \`${uid.type}\``, span);
      return;
    }
    if (entityType.choices !== undefined && !entityType.choices.includes(uid.id)) {
      this.error(
        policyId,
        'invalidEnumEntity',
        `entity \`${uidKey(uid)}\` is of an enumerated entity type, but \`${JSON.stringify(uid.id)}\` is not one of its valid ids`,
        span,
      );
    }
  }

  private checkNames(policyId: string, condition: Expr): void {
    for (const expr of subexpressions(condition)) {
      if (expr.kind === 'lit' && expr.value.type === 'entity')
        this.checkUid(policyId, expr.value.uid, expr.span);
      if (
        expr.kind === 'is' &&
        !this.schema.entityTypes.has(expr.entityType) &&
        !this.schema.actionEntityTypes.has(expr.entityType)
      ) {
        this.error(
          policyId,
          'unrecognizedEntityType',
          `unrecognized entity type \`${expr.entityType}\``,
          expr.span,
        );
      }
    }
  }

  /** The entity types a scope constraint admits for its variable; `undefined` admits all. */
  private scopeTypes(constraint: ScopeConstraint): ReadonlySet<string> | undefined {
    const descendantsOf = (target: EntityTarget): ReadonlySet<string> | undefined => {
      if (target.kind === 'slot') return undefined;
      const ancestor = target.uid.type;
      return new Set(
        [...this.schema.entityTypes.values()]
          .filter((type) => type.name === ancestor || type.ancestorTypes.has(ancestor))
          .map((type) => type.name),
      );
    };
    switch (constraint.op) {
      case 'all':
        return undefined;
      case '==':
        return constraint.target.kind === 'slot' ? undefined : new Set([constraint.target.uid.type]);
      case 'in':
        return descendantsOf(constraint.target);
      case 'is': {
        if (constraint.in === undefined) return new Set([constraint.entityType]);
        const allowed = descendantsOf(constraint.in);
        return allowed === undefined || allowed.has(constraint.entityType)
          ? new Set([constraint.entityType])
          : new Set();
      }
      default: {
        const unreachable: never = constraint;
        return unreachable;
      }
    }
  }

  private actionsInScope(policy: ValidatorPolicy): EntityUid[] {
    const constraint = policy.action;
    const all = [...this.schema.actions.values()];
    switch (constraint.op) {
      case 'all':
        return all.map((action) => action.uid);
      case '==':
        return this.schema.actions.has(uidKey(constraint.uid)) ? [constraint.uid] : [];
      case 'in': {
        const groups = new Set(constraint.uids.map(uidKey));
        return all
          .filter(
            (action) =>
              groups.has(uidKey(action.uid)) ||
              [...action.ancestors].some((ancestor) => groups.has(ancestor)),
          )
          .map((action) => action.uid);
      }
      default: {
        const unreachable: never = constraint;
        return unreachable;
      }
    }
  }

  private checkActionApplication(policy: ValidatorPolicy): void {
    const principals = this.scopeTypes(policy.principal);
    const resources = this.scopeTypes(policy.resource);
    const applicable = this.actionsInScope(policy).some((uid) => {
      const appliesTo = this.schema.actions.get(uidKey(uid))?.appliesTo;
      if (appliesTo === undefined) return false;
      const fits = (allowed: ReadonlySet<string> | undefined, types: readonly string[]): boolean =>
        types.some((type) => allowed === undefined || allowed.has(type));
      return fits(principals, appliesTo.principalTypes) && fits(resources, appliesTo.resourceTypes);
    });
    if (!applicable)
      this.error(
        policy.id,
        'invalidActionApplication',
        'unable to find an applicable action given the policy scope constraints',
        policy.span,
      );
  }

  private typecheck(policy: ValidatorPolicy, condition: Expr): void {
    let possible = false;
    let failed = false;
    for (const env of this.envs) {
      const typed = typecheckIn(this.schema, env, condition);
      if (!typed.ok) {
        failed = true;
        this.error(policy.id, typed.error.kind, typed.error.message, typed.error.span, typed.error.help);
        continue;
      }
      if (!isSubtype(typed.type, ANY_BOOL)) {
        failed = true;
        this.error(
          policy.id,
          'unexpectedType',
          `unexpected type: expected Bool but saw ${showType(typed.type)}`,
          policy.span,
        );
        continue;
      }
      if (!isFalse(typed.type)) possible = true;
    }
    // A policy that does not typecheck is reported for that alone.
    if (!possible && !failed) {
      this.warnings.push({
        policyId: policy.id,
        kind: 'impossiblePolicy',
        message: 'policy is impossible: the policy expression evaluates to false for all valid requests',
        ...(policy.span === undefined ? {} : { span: policy.span }),
      });
    }
  }
}

function typecheckIn(schema: Schema, env: RequestEnv, condition: Expr): Typed {
  return new Typechecker(schema, env).typeOf(substituteAction(condition, env.action), new Set());
}

function isFalse(type: Type): boolean {
  return type.kind === 'bool' && type.value === 'false';
}

/** The request environments in which a policy typechecks and can be satisfied, as Cedar's `getValidRequestEnvs` finds them. */
export function validRequestEnvironments(schema: Schema, policy: ValidatorPolicy): RequestEnv[] {
  const condition = policyCondition(policy);
  return requestEnvironments(schema).filter((env) => {
    const typed = typecheckIn(schema, env, condition);
    return typed.ok && isSubtype(typed.type, ANY_BOOL) && !isFalse(typed.type);
  });
}

/** Replaces the `action` variable by the environment's action, which makes action tests exact. */
function substituteAction(expr: Expr, action: EntityUid): Expr {
  const recur = (inner: Expr): Expr => substituteAction(inner, action);
  switch (expr.kind) {
    case 'var':
      return expr.name === 'action' ? { ...expr, kind: 'lit', value: { type: 'entity', uid: action } } : expr;
    case 'lit':
    case 'slot':
      return expr;
    case 'ite':
      return { ...expr, cond: recur(expr.cond), then: recur(expr.then), else: recur(expr.else) };
    case 'and':
    case 'or':
    case 'binary': {
      // A chain leans left, as deep as it is long: it is rebuilt with a loop.
      const spine: Extract<Expr, { kind: 'and' | 'or' | 'binary' }>[] = [];
      let leftmost: Expr = expr;
      while (leftmost.kind === 'and' || leftmost.kind === 'or' || leftmost.kind === 'binary') {
        spine.push(leftmost);
        leftmost = leftmost.left;
      }
      return spine.reduceRight<Expr>(
        (left, node) => ({ ...node, left, right: recur(node.right) }),
        recur(leftmost),
      );
    }
    case 'not':
    case 'neg':
    case 'isEmpty':
      return { ...expr, arg: recur(expr.arg) };
    case 'like':
      return { ...expr, arg: recur(expr.arg) };
    case 'is':
      return { ...expr, arg: recur(expr.arg) };
    case 'getAttr':
    case 'hasAttr':
      return { ...expr, arg: recur(expr.arg) };
    case 'set':
      return { ...expr, elements: expr.elements.map(recur) };
    case 'record':
      return { ...expr, fields: expr.fields.map(([name, value]) => [name, recur(value)] as const) };
    case 'call':
      return { ...expr, args: expr.args.map(recur) };
    default: {
      const unreachable: never = expr;
      return unreachable;
    }
  }
}

/** Validates policies against a schema in strict mode. */
export function validatePolicies(schema: Schema, policies: readonly ValidatorPolicy[]): ValidationResult {
  const validator = new PolicyValidator(schema, requestEnvironments(schema));
  for (const policy of policies) validator.validate(policy);
  const textWarnings = policies.flatMap((policy) =>
    policyTextWarnings(policy).map((warning) => ({ policyId: policy.id, ...warning })),
  );
  return { errors: validator.errors, warnings: [...validator.warnings, ...textWarnings] };
}
