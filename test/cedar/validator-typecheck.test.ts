import { describe, expect, it } from 'vitest';
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import { parseCedarSchema, type Schema } from '../../src/cedar/schema/index.js';
import { policyFromEst } from '../../src/cedar/validator/index.js';
import { validatePolicies, type ValidationResult } from '../../src/cedar/validator/validate.js';

const SCHEMA_TEXT = `
  entity Team;
  entity User in [Team] { name: String, age?: Long, email?: String, level: Long } tags String;
  entity Doc in [Team] { owner: User, public: Bool, labels: Set<String>, created: datetime, meta?: { size: Long, note?: String } };
  entity Color enum ["red", "green"];
  action view appliesTo { principal: [User], resource: [Doc], context: { ip: ipaddr, reason?: String } };
  action edit appliesTo { principal: [User], resource: [Doc, Team], context: { ip: ipaddr } };
  action manage in [edit];
`;

function schemaOf(text: string): Schema {
  const result = parseCedarSchema(text);
  if (!result.ok) throw new Error(result.errors.map((error) => error.message).join('; '));
  return result.value;
}

const SCHEMA = schemaOf(SCHEMA_TEXT);

/**
 * Policy text through Cedar's JSON policy format (cedar-wasm parses the text)
 * into the validator; every verdict is also checked against cedar-wasm's.
 */
function validate(text: string): ValidationResult {
  const json = wasm.policyToJson(text);
  if (json.type !== 'success') throw new Error(`policy does not parse: ${text}`);
  const policy = policyFromEst('policy0', json.json);
  if (!policy.ok) throw new Error(policy.message);
  const result = validatePolicies(SCHEMA, [policy.policy]);
  const oracle = wasm.validate({ schema: SCHEMA_TEXT, policies: { staticPolicies: text } });
  if (oracle.type !== 'success') throw new Error('cedar-wasm could not validate');
  // Cedar 4.10 reports a scope that fits no action as an error, 4.13 as a warning.
  const oracleValid =
    oracle.validationErrors.length === 0 &&
    !oracle.validationWarnings.some((warning) => warning.error.message.includes('applicable action'));
  expect(result.errors.length === 0, `verdict on ${text}`).toBe(oracleValid);
  return result;
}

function errors(text: string): string[] {
  return validate(text).errors.map((error) => `${error.kind}: ${error.message}`);
}

function when(condition: string, scope = 'principal, action == Action::"view", resource'): string {
  return `permit(${scope}) when { ${condition} };`;
}

describe('names a policy uses', () => {
  it('must be declared entity types, in the scope and in conditions', () => {
    expect(errors('permit(principal == Ghost::"a", action, resource);')).toContain(
      'unrecognizedEntityType: unrecognized entity type `Ghost`',
    );
    expect(errors(when('false && resource in Ghost::"g"'))).toEqual([
      'unrecognizedEntityType: unrecognized entity type `Ghost`',
    ]);
    expect(errors(when('resource is Ghost'))).toEqual([
      'unrecognizedEntityType: unrecognized entity type `Ghost`',
    ]);
  });

  it('must be declared actions', () => {
    expect(errors('permit(principal, action == Action::"delete", resource);')).toContain(
      'unrecognizedActionId: unrecognized action `Action::"delete"`',
    );
  });

  it('must be valid ids of enumerated entity types', () => {
    expect(errors(when('Color::"red" == Color::"blue"'))).toEqual([
      'invalidEnumEntity: entity `Color::"blue"` is of an enumerated entity type, but `"blue"` is not one of its valid ids',
    ]);
  });
});

describe('the policy scope', () => {
  it('must fit the principal and resource types of some action it names', () => {
    expect(errors('permit(principal, action == Action::"view", resource is Team);')).toEqual([
      'invalidActionApplication: unable to find an applicable action given the policy scope constraints',
    ]);
    expect(errors('permit(principal, action == Action::"edit", resource is Team);')).toEqual([]);
    expect(errors('permit(principal is User in Doc::"d", action, resource);')).toEqual([
      'invalidActionApplication: unable to find an applicable action given the policy scope constraints',
    ]);
  });

  it('counts actions through their action groups, and an action that applies to nothing fits no scope', () => {
    expect(errors('permit(principal, action in Action::"edit", resource is Team);')).toEqual([]);
    expect(errors('permit(principal, action == Action::"manage", resource);')).toEqual([
      'invalidActionApplication: unable to find an applicable action given the policy scope constraints',
    ]);
  });
});

describe('typing rules', () => {
  it('requires Booleans where conditions are expected and Longs for arithmetic', () => {
    expect(errors(when('principal.level'))).toEqual([
      'unexpectedType: unexpected type: expected Bool but saw Long',
    ]);
    expect(errors(when('principal.name + 1 > 0'))).toEqual([
      'unexpectedType: unexpected type: expected Long but saw String',
    ]);
  });

  it('rejects comparisons and branches of incompatible types, but lets different entity types compare as false', () => {
    expect(errors(when('principal.level == "1"'))).toEqual([
      'incompatibleTypes: the types Long and String are not compatible',
    ]);
    expect(errors(when('(if resource.public then 1 else "one") == 1'))).toEqual([
      'incompatibleTypes: the types Long and String are not compatible',
    ]);
    expect(errors(when('[1, "one"].contains(1)'))).toEqual([
      'incompatibleTypes: the types Long and String are not compatible',
    ]);
    const mixed = validate(when('principal == resource'));
    expect(mixed.errors).toEqual([]);
    expect(mixed.warnings.map((warning) => warning.kind)).toEqual(['impossiblePolicy']);
  });

  it('forbids empty set literals', () => {
    expect(errors(when('resource.labels.containsAll([])'))).toEqual([
      'emptySetForbidden: empty set literals are forbidden in policies',
    ]);
  });

  it('compares datetimes with datetimes and durations with durations only', () => {
    expect(errors(when('resource.created < datetime("2024-01-01")'))).toEqual([]);
    expect(errors(when('resource.created < duration("1h")'))).toEqual([
      'unexpectedType: unexpected type: expected datetime but saw duration',
    ]);
  });
});

describe('attributes', () => {
  it('must be declared', () => {
    expect(errors(when('principal.nickname == "x"'))).toEqual([
      'attributeNotFound: attribute `nickname` on entity type `User` not found',
    ]);
    expect(errors(when('context.port == 1'))).toEqual([
      'attributeNotFound: attribute `port` on record not found',
    ]);
  });

  it('must be tested with `has` before an optional one is read', () => {
    expect(errors(when('principal.age > 18'))).toEqual([
      'unsafeOptionalAttributeAccess: unable to guarantee safety of access to optional attribute `age` on entity type `User`',
    ]);
    expect(errors(when('principal has age && principal.age > 18'))).toEqual([]);
    expect(errors(when('resource has meta.note && resource.meta.note == "x"'))).toEqual([]);
    expect(errors(when('if principal has age then principal.age > 18 else false'))).toEqual([]);
  });

  it('keep a `has` test across `||` only when both sides establish it', () => {
    expect(errors(when('(principal has age || principal.level > 1) && principal.age > 1'))).toHaveLength(1);
    expect(errors(when('(principal has age || principal has age) && principal.age > 1'))).toEqual([]);
  });

  it('are not checked in a branch known never to run', () => {
    expect(errors(when('false && principal.nickname == "x"'))).toEqual([]);
    const both = 'principal, action in [Action::"view", Action::"edit"], resource';
    expect(
      errors(when('action == Action::"view" && context has reason && context.reason == "x"', both)),
    ).toEqual([]);
    expect(errors(when('context has reason && context.reason == "x"', both))).toEqual([]);
    expect(errors(when('context.reason == "x"', both))).toEqual([
      'unsafeOptionalAttributeAccess: unable to guarantee safety of access to optional attribute `reason` on record',
      'attributeNotFound: attribute `reason` on record not found',
    ]);
  });
});

describe('tags', () => {
  it('may be read only after `hasTag` on the same entity and key', () => {
    expect(errors(when('principal.getTag("dept") == "x"'))).toEqual([
      'unsafeTagAccess: unable to guarantee safety of access to tag `dept` on entity type `User`',
    ]);
    expect(errors(when('principal.hasTag("dept") && principal.getTag("dept") == "x"'))).toEqual([]);
  });

  it('do not exist on entity types declared without them', () => {
    expect(errors(when('resource.hasTag("x") && resource.getTag("x") == "y"'))).toEqual([]);
    expect(errors(when('resource.getTag("x") == "y"'))).toEqual([
      'noTagsAllowed: tags are not allowed on entity type `Doc`',
    ]);
  });
});

describe('extension functions', () => {
  it('check the literal arguments of constructors', () => {
    expect(errors(when('context.ip.isInRange(ip("10.0.0.0/8"))'))).toEqual([]);
    expect(errors(when('context.ip.isInRange(ip("10.0.0.0/33"))'))).toEqual([
      'extensionArgumentValidation: error during extension function argument validation: failed to parse as IP address: `10.0.0.0/33`',
    ]);
    expect(errors(when('decimal(principal.name).lessThan(decimal("1.0"))'))).toEqual([
      'nonLitExtConstructor: extension constructors may not be called with non-literal expressions',
    ]);
  });

  it('check the number and the types of arguments', () => {
    expect(errors(when('context.ip.isInRange(decimal("1.0"))'))).toEqual([
      'unexpectedType: unexpected type: expected ipaddr but saw decimal',
    ]);
    expect(errors(when('context.ip.isLoopback(context.ip)'))).toEqual([
      'wrongNumberArguments: wrong number of arguments in extension function application. Expected 1, got 2',
    ]);
  });
});

describe('warnings', () => {
  it('flag a policy that is false in every request environment', () => {
    const result = validate(when('false'));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      {
        policyId: 'policy0',
        kind: 'impossiblePolicy',
        message: 'policy is impossible: the policy expression evaluates to false for all valid requests',
      },
    ]);
  });

  it('flag `in` tests the entity hierarchy can never satisfy', () => {
    expect(validate(when('principal in Doc::"d"')).warnings.map((warning) => warning.kind)).toEqual([
      'impossiblePolicy',
    ]);
    expect(validate(when('principal in Team::"t"')).warnings).toEqual([]);
  });
});
