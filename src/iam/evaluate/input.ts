// The evaluators' inputs checked at the door. TypeScript types say what a
// request and a policy set are, but JavaScript callers, JSON read from disk
// and `as` casts can hand anything over; without these checks a wrong shape
// surfaces as a TypeError from deep inside matching, or worse, as a decision
// (a policy set with a misspelled kind would silently leave that kind out).
// Each check throws a TypeError whose message starts with the JSON path of
// the offending value, as validatePolicy's RangeError names its field.
import type { EvaluationPolicies } from './evaluate.js';
import type { EvaluationRequest } from './request.js';

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return typeof value === 'object' ? 'an object' : String(value);
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(path: string, expected: string, value: unknown): never {
  throw new TypeError(`${path}: expected ${expected}, got ${describe(value)}`);
}

const principalFields: Readonly<Record<string, string | undefined>> = {
  aws: 'arn',
  service: 'service',
  federated: 'provider',
  canonicalUser: 'id',
  anonymous: undefined,
};

function checkPrincipal(principal: unknown): void {
  if (typeof principal === 'string') return;
  const expected =
    'a principal string or an object with kind aws, service, federated, canonicalUser or anonymous';
  if (!isObject(principal) || typeof principal.kind !== 'string' || !(principal.kind in principalFields))
    fail('request.principal', expected, principal);
  const field = principalFields[principal.kind];
  if (field !== undefined && typeof principal[field] !== 'string')
    fail(`request.principal.${field}`, 'a string', principal[field]);
}

/**
 * The request's shape: its fields and the context object. Context values are
 * checked where they are read (checkContextValue): most requests read few of
 * their keys, and an evaluator that reads none should not pay for them.
 */
export function checkRequest(request: unknown): asserts request is EvaluationRequest {
  // Straight-line checks: this runs before every evaluation, however little the evaluation does.
  if (!isObject(request)) fail('request', 'an object with principal, action and resource', request);
  checkPrincipal(request.principal);
  if (typeof request.action !== 'string')
    fail('request.action', 'a string such as s3:GetObject', request.action);
  if (typeof request.resource !== 'string') fail('request.resource', 'an ARN or *', request.resource);
  const { context, resourceAccount, managementAccount } = request;
  if (context !== undefined && !isObject(context))
    fail('request.context', 'an object of condition keys', context);
  if (resourceAccount !== undefined && typeof resourceAccount !== 'string')
    fail('request.resourceAccount', 'an account id', resourceAccount);
  if (managementAccount !== undefined && typeof managementAccount !== 'string')
    fail('request.managementAccount', 'an account id', managementAccount);
}

const isScalar = (value: unknown): boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** A context value: a string, number or boolean, or an array of them (a multivalued key). */
export function checkContextValue(key: string, value: unknown): void {
  if (isScalar(value)) return;
  const path = `request.context[${JSON.stringify(key)}]`;
  const expected = 'a string, number or boolean';
  if (!Array.isArray(value)) fail(path, `${expected}, or an array of them`, value);
  value.forEach((item: unknown, index) => {
    if (!isScalar(item)) fail(`${path}[${index}]`, expected, item);
  });
}

const singleKinds = ['resourcePolicy', 'permissionsBoundary', 'vpcEndpointPolicy'] as const;
const listKinds = ['identityPolicies', 'sessionPolicies'] as const;
const levelKinds = ['serviceControlPolicies', 'resourceControlPolicies'] as const;
const kinds: readonly string[] = [...listKinds, ...singleKinds, ...levelKinds];

function checkPolicyInput(path: string, input: unknown): void {
  const expected = 'a parsed policy (parsePolicy(text).policy) or { name, policy }';
  if (!isObject(input)) {
    const hint = typeof input === 'string' ? ' (policy text: parse it first, or use evaluatePolicyText)' : '';
    fail(path, expected + hint, input);
  }
  if ('policy' in input) {
    if (typeof input.name !== 'string') fail(`${path}.name`, 'a string', input.name);
    checkPolicyInput(`${path}.policy`, input.policy);
    return;
  }
  if (!Array.isArray(input.statements)) {
    const hint = 'Statement' in input ? ' (a policy document: parse it with parsePolicy first)' : '';
    fail(path, expected + hint, input);
  }
}

function checkList(path: string, inputs: unknown, check: (path: string, input: unknown) => void): void {
  if (!Array.isArray(inputs)) fail(path, 'an array', inputs);
  inputs.forEach((input: unknown, index) => check(`${path}[${index}]`, input));
}

/** The policy set's shape: known kinds only, each a policy, a list of them, or levels of lists. */
export function checkPolicySet(policies: unknown): asserts policies is EvaluationPolicies {
  if (!isObject(policies)) fail('policies', 'an object such as { identityPolicies: [policy] }', policies);
  for (const [kind, value] of Object.entries(policies)) {
    const path = `policies.${kind}`;
    if (!kinds.includes(kind))
      throw new TypeError(`${path}: not a kind of policy; the kinds are ${kinds.join(', ')}`);
    if (value === undefined) continue;
    if ((singleKinds as readonly string[]).includes(kind)) checkPolicyInput(path, value);
    else if ((listKinds as readonly string[]).includes(kind)) checkList(path, value, checkPolicyInput);
    else checkList(path, value, (levelPath, level) => checkList(levelPath, level, checkPolicyInput));
  }
}
