// The authorization and parsing calls of `@cedar-policy/cedar-wasm` 4.13 with
// its argument and answer shapes: `isAuthorized`, `preparsePolicySet` with
// `statefulIsAuthorized`, and the `checkParse...` family.
import { CompiledPolicySet, authorize, compilePolicy } from './eval/authorizer.js';
import { isTemplate, makeRequest, parseEntities } from './eval/api.js';
import { entityRefOf } from './eval/entities.js';
import {
  detailedError,
  formatOf,
  reportedTextErrors,
  type CompatSchema,
  type DetailedError,
} from './schema/compat.js';
import { parseSchema, type EntityUid, type Schema } from './schema/index.js';
import { linkTemplate, type SlotId } from './syntax/index.js';
import { parsePolicyText, policiesFromEst, type ValidatorPolicy } from './validator/index.js';

export type CompatPolicy = string | object;

export interface CompatTemplateLink {
  templateId: string;
  newId: string;
  values: Record<string, unknown>;
}

export interface CompatAuthorizationPolicySet {
  staticPolicies?: string | CompatPolicy[] | Record<string, CompatPolicy>;
  templates?: Record<string, CompatPolicy>;
  templateLinks?: CompatTemplateLink[];
}

export interface AuthorizationCall {
  principal: unknown;
  action: unknown;
  resource: unknown;
  /** The context as a JSON value, or its JSON text (read without losing i64 precision). */
  context: unknown;
  schema?: CompatSchema;
  validateRequest?: boolean;
  policies: CompatAuthorizationPolicySet;
  /** The entities as a JSON value, or its JSON text (read without losing i64 precision). */
  entities: unknown;
}

export interface StatefulAuthorizationCall {
  principal: unknown;
  action: unknown;
  resource: unknown;
  context: unknown;
  preparsedSchemaName?: string;
  validateRequest?: boolean;
  preparsedPolicySetId: string;
  entities: unknown;
}

export interface AuthorizationError {
  policyId: string;
  error: DetailedError;
}

export type AuthorizationAnswer =
  | { type: 'failure'; errors: DetailedError[]; warnings: DetailedError[] }
  | {
      type: 'success';
      response: {
        decision: 'allow' | 'deny';
        diagnostics: { reason: string[]; errors: AuthorizationError[] };
      };
      warnings: DetailedError[];
    };

export type CheckParseAnswer = { type: 'success' } | { type: 'failure'; errors: DetailedError[] };

type Read<T> = { ok: true; value: T } | { ok: false; errors: DetailedError[] };

function errorsOf(messages: readonly string[]): DetailedError[] {
  return messages.map((message) => detailedError(message, null));
}

function readPolicies(id: string | undefined, policy: CompatPolicy, what: string): Read<ValidatorPolicy[]> {
  if (typeof policy !== 'string') {
    const read = policiesFromEst({ [id ?? 'policy0']: policy });
    return read.ok ? { ok: true, value: [...read.policies] } : { ok: false, errors: errorsOf(read.errors) };
  }
  const read = parsePolicyText(policy);
  if (!read.ok)
    return {
      ok: false,
      errors: reportedTextErrors(policy, read.errors, `failed to parse ${what} from string: `),
    };
  if (id === undefined) return { ok: true, value: [...read.policies] };
  if (read.policies.length !== 1) {
    return {
      ok: false,
      errors: errorsOf([`expected a single policy for \`${id}\`, found ${read.policies.length}`]),
    };
  }
  return { ok: true, value: read.policies.map((item) => ({ ...item, id })) };
}

/** The policies of a set, each with its id and what cedar-wasm calls it in a parse error. */
function entries(
  policies: string | CompatPolicy[] | Record<string, CompatPolicy> | undefined,
  kind: 'policy' | 'template',
): [string | undefined, CompatPolicy, string][] {
  if (policies === undefined) return [];
  if (typeof policies === 'string') return [[undefined, policies, 'policies']];
  if (Array.isArray(policies)) return policies.map((policy, index) => [`policy${index}`, policy, kind]);
  return Object.entries(policies).map(([id, policy]) => [id, policy, `${kind} with id \`${id}\``]);
}

/** Reads, links and compiles a policy set; ids must be unique across policies, templates and links. */
function compilePolicySet(set: CompatAuthorizationPolicySet): Read<CompiledPolicySet> {
  const errors: DetailedError[] = [];
  const statics: ValidatorPolicy[] = [];
  const templates = new Map<string, ValidatorPolicy>();
  for (const [id, policy, what] of entries(set.staticPolicies, 'policy')) {
    const read = readPolicies(id, policy, what);
    if (read.ok) statics.push(...read.value);
    else errors.push(...read.errors);
  }
  for (const [id, template, what] of entries(set.templates, 'template')) {
    const read = readPolicies(id, template, what);
    if (read.ok) for (const policy of read.value) templates.set(policy.id, policy);
    else errors.push(...read.errors);
  }
  const ids = new Set<string>();
  const claim = (id: string): void => {
    if (ids.has(id)) errors.push(detailedError(`duplicate policy id \`${id}\``, null));
    ids.add(id);
  };
  for (const policy of statics) {
    claim(policy.id);
    if (isTemplate(policy) && typeof set.staticPolicies !== 'string') {
      errors.push(
        detailedError(`expected a static policy, got a template containing slots: \`${policy.id}\``, null),
      );
    }
  }
  if (typeof set.staticPolicies === 'string' && statics.some(isTemplate))
    errors.push(detailedError('static policy set includes a template', null));
  for (const id of templates.keys()) claim(id);
  if (errors.length > 0) return { ok: false, errors };
  const compiled = statics.map((policy) => compilePolicy(policy));
  for (const link of set.templateLinks ?? []) {
    const template = templates.get(link.templateId);
    const problem =
      template === undefined
        ? `failed to find a template with id \`${link.templateId}\``
        : ids.has(link.newId)
          ? `template-linked policy id \`${link.newId}\` conflicts with an existing policy id`
          : undefined;
    ids.add(link.newId);
    if (template === undefined || problem !== undefined) {
      errors.push(detailedError(`unable to link template: ${problem}`, null));
      continue;
    }
    const values: { [slot in SlotId]?: EntityUid } = {};
    for (const [slot, value] of Object.entries(link.values)) {
      const uid = entityRefOf(value);
      if (uid === undefined || (slot !== '?principal' && slot !== '?resource'))
        errors.push(detailedError(`invalid entity for slot \`${slot}\``, null));
      else values[slot] = uid;
    }
    const linked = linkTemplate(template, values, link.newId);
    if (linked.ok) compiled.push(compilePolicy(linked.policy));
    else errors.push(detailedError(`unable to link template: ${linked.message}`, null));
  }
  return errors.length === 0 ? { ok: true, value: new CompiledPolicySet(compiled) } : { ok: false, errors };
}

function readSchema(schema: CompatSchema | undefined): Read<Schema | undefined> {
  if (schema === undefined) return { ok: true, value: undefined };
  const parsed = parseSchema(schema, formatOf(schema));
  return parsed.ok
    ? { ok: true, value: parsed.value }
    : { ok: false, errors: parsed.errors.map((error) => detailedError(error.message, null, error.span)) };
}

function uidOrError(json: unknown, role: string): Read<EntityUid> {
  const uid = entityRefOf(json);
  return uid === undefined
    ? {
        ok: false,
        errors: errorsOf([`invalid ${role}: expected an entity uid \`{"type": ..., "id": ...}\``]),
      }
    : { ok: true, value: uid };
}

interface RequestPart {
  principal: unknown;
  action: unknown;
  resource: unknown;
  context: unknown;
  validateRequest?: boolean;
  entities: unknown;
}

function decide(
  policies: CompiledPolicySet,
  schema: Schema | undefined,
  call: RequestPart,
): AuthorizationAnswer {
  const principal = uidOrError(call.principal, 'principal');
  const action = uidOrError(call.action, 'action');
  const resource = uidOrError(call.resource, 'resource');
  if (!principal.ok || !action.ok || !resource.ok) {
    const errors = [principal, action, resource].flatMap((read) => (read.ok ? [] : read.errors));
    return { type: 'failure', errors, warnings: [] };
  }
  const input = {
    principal: principal.value,
    action: action.value,
    resource: resource.value,
    context: call.context,
  };
  // Without request validation a schema still says how to read the context, when the request fits it.
  const validated = schema === undefined ? undefined : makeRequest(input, schema);
  const request =
    validated === undefined || (!validated.ok && call.validateRequest === false)
      ? makeRequest(input)
      : validated;
  if (!request.ok) return { type: 'failure', errors: errorsOf(request.errors), warnings: [] };
  const entities = parseEntities(call.entities, schema);
  if (!entities.ok) return { type: 'failure', errors: errorsOf(entities.errors), warnings: [] };
  const answer = authorize(policies, request.request, entities.entities);
  return {
    type: 'success',
    response: {
      decision: answer.decision,
      diagnostics: {
        reason: [...answer.reason],
        errors: answer.errors.map((error) => ({
          policyId: error.policyId,
          // cedar-wasm gives evaluation errors no severity.
          error: detailedError(error.message, null),
        })),
      },
    },
    warnings: [],
  };
}

export function isAuthorized(call: AuthorizationCall): AuthorizationAnswer {
  const schema = readSchema(call.schema);
  if (!schema.ok) return { type: 'failure', errors: schema.errors, warnings: [] };
  const policies = compilePolicySet(call.policies);
  if (!policies.ok) return { type: 'failure', errors: policies.errors, warnings: [] };
  return decide(policies.value, schema.value, call);
}

const preparsedPolicySets = new Map<string, CompiledPolicySet>();
const preparsedSchemas = new Map<string, Schema>();

/** Parses and compiles a policy set once, for `statefulIsAuthorized` to use under `id`. */
export function preparsePolicySet(id: string, policies: CompatAuthorizationPolicySet): CheckParseAnswer {
  const compiled = compilePolicySet(policies);
  if (!compiled.ok) return { type: 'failure', errors: compiled.errors };
  preparsedPolicySets.set(id, compiled.value);
  return { type: 'success' };
}

/** Parses a schema once, for `statefulIsAuthorized` to use under `name`. */
export function preparseSchema(name: string, schema: CompatSchema): CheckParseAnswer {
  const parsed = readSchema(schema);
  if (!parsed.ok) return { type: 'failure', errors: parsed.errors };
  if (parsed.value !== undefined) preparsedSchemas.set(name, parsed.value);
  return { type: 'success' };
}

export function statefulIsAuthorized(call: StatefulAuthorizationCall): AuthorizationAnswer {
  const policies = preparsedPolicySets.get(call.preparsedPolicySetId);
  if (policies === undefined) {
    return {
      type: 'failure',
      errors: errorsOf([`policy set \`${call.preparsedPolicySetId}\` has not been preparsed`]),
      warnings: [],
    };
  }
  const name = call.preparsedSchemaName;
  const schema = name === undefined ? undefined : preparsedSchemas.get(name);
  if (name !== undefined && schema === undefined) {
    return { type: 'failure', errors: errorsOf([`schema \`${name}\` has not been preparsed`]), warnings: [] };
  }
  return decide(policies, schema, call);
}

export function checkParsePolicySet(policies: CompatAuthorizationPolicySet): CheckParseAnswer {
  const compiled = compilePolicySet(policies);
  return compiled.ok ? { type: 'success' } : { type: 'failure', errors: compiled.errors };
}

export function checkParseEntities(call: {
  entities: unknown;
  schema?: CompatSchema | null;
}): CheckParseAnswer {
  const schema = readSchema(call.schema ?? undefined);
  if (!schema.ok) return { type: 'failure', errors: schema.errors };
  const entities = parseEntities(call.entities, schema.value);
  return entities.ok ? { type: 'success' } : { type: 'failure', errors: errorsOf(entities.errors) };
}
