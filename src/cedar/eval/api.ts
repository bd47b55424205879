// The engine's entry points: parse and compile a policy set once, read
// entities and requests, then authorize as many requests as needed.
import type { EntityUid, Schema } from '../schema/index.js';
import {
  parsePolicyText,
  validateRequest,
  type PolicyTextError,
  type ValidatorPolicy,
} from '../validator/index.js';
import { parseExpression } from '../syntax/index.js';
import { CompiledPolicySet, authorize, compilePolicy, type Decision } from './authorizer.js';
import {
  JsonValueError,
  contextFromInput,
  parseEntities,
  parseJsonText,
  valueFromTyped,
  type EntityStore,
} from './entities.js';
import { compileExpr, type Request } from './evaluator.js';
import { EntityRef, EvaluationError, RecordValue, type Value } from './values.js';

export interface PolicySet {
  readonly policies: readonly ValidatorPolicy[];
  readonly compiled: CompiledPolicySet;
}

export type PolicySetResult =
  | { readonly ok: true; readonly policySet: PolicySet }
  | { readonly ok: false; readonly errors: readonly PolicyTextError[] };

export interface ParsePolicySetOptions {
  /** Name policies by their `@id("...")` annotation, as the `cedar` command does. */
  readonly idAnnotation?: boolean;
}

/** Parses policy text and compiles every static policy; templates stay unlinked. */
export function parsePolicySet(text: string, options: ParsePolicySetOptions = {}): PolicySetResult {
  const parsed = parsePolicyText(text, options);
  if (!parsed.ok) return parsed;
  return { ok: true, policySet: policySetOf(parsed.policies) };
}

/** Whether a policy has slots, so that it must be linked before it can be evaluated. */
export function isTemplate(policy: ValidatorPolicy): boolean {
  const scopes = [policy.principal, policy.resource];
  return scopes.some((scope) =>
    scope.op === '==' || scope.op === 'in'
      ? scope.target.kind === 'slot'
      : scope.op === 'is' && scope.in?.kind === 'slot',
  );
}

export function policySetOf(policies: readonly ValidatorPolicy[]): PolicySet {
  return {
    policies,
    compiled: new CompiledPolicySet(
      policies.filter((policy) => !isTemplate(policy)).map((policy) => compilePolicy(policy)),
    ),
  };
}

export interface RequestInput {
  readonly principal: EntityUid;
  readonly action: EntityUid;
  readonly resource: EntityUid;
  /** The context in the entity JSON format (an object or its JSON text); absent means `{}`. */
  readonly context?: unknown;
}

export type RequestResult =
  | { readonly ok: true; readonly request: Request }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Reads a request. With a schema the request is validated and the context is
 * read against the action's context type, as Cedar does when given a schema.
 */
export function makeRequest(input: RequestInput, schema?: Schema): RequestResult {
  const uid = (value: EntityUid): EntityRef => new EntityRef(value.type, value.id);
  try {
    let context: RecordValue;
    if (schema === undefined) {
      context = contextFromInput(input.context);
    } else {
      const contextJson = typeof input.context === 'string' ? parseJsonText(input.context) : input.context;
      const checked = validateRequest(schema, { ...input, context: contextJson ?? {} });
      if (!checked.ok) return checked;
      const value = valueFromTyped(checked.value);
      if (!(value instanceof RecordValue)) return { ok: false, errors: ['context must be a record'] };
      context = value;
    }
    return {
      ok: true,
      request: {
        principal: uid(input.principal),
        action: uid(input.action),
        resource: uid(input.resource),
        context,
      },
    };
  } catch (error) {
    if (error instanceof JsonValueError || error instanceof EvaluationError || error instanceof SyntaxError) {
      return { ok: false, errors: [error.message] };
    }
    throw error;
  }
}

/** Decides a request against a compiled policy set and an entity store. */
export function isAuthorized(policySet: PolicySet, request: Request, entities: EntityStore): Decision {
  return authorize(policySet.compiled, request, entities);
}

export { parseEntities };

// An expression is read as the condition of a policy, which the reader already knows how to parse.
const EXPRESSION_PREFIX = 'permit(principal, action, resource) when { ';

export type ExpressionResult =
  | { readonly ok: true; readonly value: Value }
  | { readonly ok: false; readonly kind: 'parse'; readonly errors: readonly PolicyTextError[] }
  | { readonly ok: false; readonly kind: 'evaluation'; readonly message: string };

/** Parses and evaluates one Cedar expression against a request and entities, as `cedar evaluate` does. */
export function evaluateExpression(text: string, request: Request, entities: EntityStore): ExpressionResult {
  // Read on its own first, so that errors are Cedar's for an expression (`unexpected end of input` for
  // `1 +`), not for the rest of the policy around it.
  const alone = parseExpression(text);
  if (!alone.ok) return { ok: false, kind: 'parse', errors: alone.errors };
  const parsed = parsePolicyText(`${EXPRESSION_PREFIX}${text}\n};`);
  if (!parsed.ok) {
    const shift = (offset: number): number =>
      Math.min(Math.max(0, offset - EXPRESSION_PREFIX.length), text.length);
    return {
      ok: false,
      kind: 'parse',
      errors: parsed.errors.map((error) => ({
        message: error.message,
        span: { start: shift(error.span.start), end: shift(error.span.end) },
      })),
    };
  }
  const [policy] = parsed.policies;
  const [condition] = policy?.conditions ?? [];
  if (parsed.policies.length !== 1 || condition === undefined) {
    return {
      ok: false,
      kind: 'parse',
      errors: [{ message: 'expected one expression', span: { start: 0, end: text.length } }],
    };
  }
  try {
    return { ok: true, value: compileExpr(condition.body)({ ...request, entities }) };
  } catch (error) {
    if (error instanceof EvaluationError) return { ok: false, kind: 'evaluation', message: error.message };
    throw error;
  }
}
