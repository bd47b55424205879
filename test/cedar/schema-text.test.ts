import { describe, expect, it } from 'vitest';
import {
  parseCedarSchema,
  schemaActionEntities,
  actionIsIn,
  type Schema,
  type SchemaResult,
} from '../../src/cedar/schema/index.js';

function parsed(text: string): Schema {
  const result = parseCedarSchema(text);
  if (!result.ok)
    throw new Error(`schema did not parse: ${result.errors.map((error) => error.message).join('; ')}`);
  return result.value;
}

function errorsOf(result: SchemaResult<unknown>): string[] {
  return result.ok ? [] : result.errors.map((error) => error.message);
}

describe('the .cedarschema syntax', () => {
  it('declares entity types with parents, optional attributes and tags', () => {
    const schema = parsed(`
      entity Group;
      entity User in [Group] = { name: String, "age"?: Long, groups: Set<Group> } tags String;
    `);
    const user = schema.entityTypes.get('User');
    expect(user?.memberOfTypes).toEqual(['Group']);
    expect(user?.shape.attributes.get('name')).toEqual({ type: { kind: 'string' }, required: true });
    expect(user?.shape.attributes.get('age')).toEqual({ type: { kind: 'long' }, required: false });
    expect(user?.shape.attributes.get('groups')?.type).toEqual({
      kind: 'set',
      element: { kind: 'entity', name: 'Group' },
    });
    expect(user?.tags).toEqual({ kind: 'string' });
  });

  it('declares several entity types sharing one definition, with or without `=`', () => {
    const schema = parsed('entity A, B in C { x: Bool }; entity C;');
    expect(schema.entityTypes.get('A')?.shape).toEqual(schema.entityTypes.get('B')?.shape);
    expect(schema.entityTypes.get('B')?.memberOfTypes).toEqual(['C']);
  });

  it('declares enumerated entity types with their ids', () => {
    expect(parsed('entity Color enum ["red", "green"];').entityTypes.get('Color')?.choices).toEqual([
      'red',
      'green',
    ]);
  });

  it('qualifies declarations with their namespace and resolves unqualified names there first', () => {
    const schema = parsed(
      'namespace App { entity User in [Team]; entity Team; action view appliesTo { principal: User, resource: Team }; }',
    );
    expect(schema.entityTypes.get('App::User')?.memberOfTypes).toEqual(['App::Team']);
    const view = schema.actions.get('App::Action::"view"');
    expect(view?.appliesTo?.principalTypes).toEqual(['App::User']);
  });

  it('falls back to the empty namespace for names not declared in the current one', () => {
    const schema = parsed(
      'type Id = String; entity Root; namespace App { entity Doc in [Root] { id: Id }; }',
    );
    expect(schema.entityTypes.get('App::Doc')?.memberOfTypes).toEqual(['Root']);
    expect(schema.entityTypes.get('App::Doc')?.shape.attributes.get('id')?.type).toEqual({ kind: 'string' });
  });

  it('inlines common types, including ones referring to other common types', () => {
    const schema = parsed('type Name = String; type Person = { name: Name }; entity User = { me: Person };');
    expect(schema.entityTypes.get('User')?.shape.attributes.get('me')?.type).toEqual({
      kind: 'record',
      attributes: new Map([['name', { type: { kind: 'string' }, required: true }]]),
      open: false,
    });
  });

  it('knows the extension types and the `__cedar` qualified built-ins', () => {
    const schema = parsed(
      'entity E { a: ipaddr, b: decimal, c: __cedar::datetime, d: duration, e: __cedar::Long, f: Bool };',
    );
    const kinds = [...(schema.entityTypes.get('E')?.shape.attributes.values() ?? [])].map(
      (attribute) => attribute.type,
    );
    expect(kinds).toEqual([
      { kind: 'extension', name: 'ipaddr' },
      { kind: 'extension', name: 'decimal' },
      { kind: 'extension', name: 'datetime' },
      { kind: 'extension', name: 'duration' },
      { kind: 'long' },
      { kind: 'boolean' },
    ]);
  });

  it('reads annotations, comments and escaped string names', () => {
    const schema = parsed(
      '// a comment\n@doc("users") entity User { @doc("the name") "na\\u{6d}e": String };',
    );
    expect(schema.entityTypes.get('User')?.annotations).toEqual({ doc: 'users' });
    expect(schema.entityTypes.get('User')?.shape.attributes.has('name')).toBe(true);
  });

  it('gives actions without `appliesTo` no request environment, and those with one an empty context by default', () => {
    const schema = parsed('entity U; action group; action a appliesTo { principal: [U], resource: [U] };');
    expect(schema.actions.get('Action::"group"')?.appliesTo).toBeUndefined();
    expect(schema.actions.get('Action::"a"')?.appliesTo?.context.attributes.size).toBe(0);
  });
});

describe('action entities of a schema', () => {
  it('lists every action with its direct parent groups, across namespaces', () => {
    const schema = parsed(`
      action all;
      action view in all;
      namespace N { action write in [read, Action::"all", "read"]; action read; }
    `);
    expect(schemaActionEntities(schema)).toEqual([
      { uid: { type: 'Action', id: 'all' }, parents: [] },
      { uid: { type: 'Action', id: 'view' }, parents: [{ type: 'Action', id: 'all' }] },
      {
        uid: { type: 'N::Action', id: 'write' },
        parents: [
          { type: 'N::Action', id: 'read' },
          { type: 'Action', id: 'all' },
          { type: 'N::Action', id: 'read' },
        ],
      },
      { uid: { type: 'N::Action', id: 'read' }, parents: [] },
    ]);
  });

  it('closes action groups transitively', () => {
    const schema = parsed('action a; action b in a; action c in b;');
    expect(actionIsIn(schema, { type: 'Action', id: 'c' }, { type: 'Action', id: 'a' })).toBe(true);
    expect(actionIsIn(schema, { type: 'Action', id: 'a' }, { type: 'Action', id: 'c' })).toBe(false);
  });
});

describe('schema errors', () => {
  it('locates syntax errors in the text', () => {
    const result = parseCedarSchema('entity User {\n  name String };');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors[0]?.message).toBe('unexpected `String`: expected `:`');
      expect(result.errors[0]?.span).toEqual({ start: 21, end: 27 });
    }
  });

  it('rejects undeclared names, duplicates, cycles and shadowing of the empty namespace', () => {
    expect(errorsOf(parseCedarSchema('entity User in [Group];'))).toEqual(['undeclared entity type `Group`']);
    expect(errorsOf(parseCedarSchema('entity User { a: Nope };'))).toEqual(['undeclared type `Nope`']);
    expect(errorsOf(parseCedarSchema('entity A; entity A;'))).toEqual(['duplicate entity type `A`']);
    expect(errorsOf(parseCedarSchema('type A = B; type B = A; entity E { a: A };'))[0]).toMatch(
      /defined in terms of itself/,
    );
    expect(errorsOf(parseCedarSchema('action a in b; action b in a;'))).toHaveLength(2);
    expect(errorsOf(parseCedarSchema('entity User; namespace N { entity User; }'))).toEqual([
      '`N::User` shadows the entity type `User` of the empty namespace',
    ]);
    expect(errorsOf(parseCedarSchema('type Long = String;'))).toEqual([
      'common type name `Long` is reserved',
    ]);
    expect(errorsOf(parseCedarSchema('action a in zzz;'))).toEqual(['undeclared action `"zzz"`']);
    expect(errorsOf(parseCedarSchema('action read; namespace N { action read; }'))).toEqual([
      '`N::Action::"read"` shadows the action `Action::"read"` of the empty namespace',
    ]);
    expect(
      errorsOf(parseCedarSchema('entity U; action a appliesTo { principal: [], resource: U };')),
    ).toEqual(['`principal` of `appliesTo` lists no entity type']);
  });
});
