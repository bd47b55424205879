// Checks that a request and an entity store conform to a schema, reading
// contexts, attributes and tags against their declared types on the way.
import { isActionEntityType, uidKey, type EntityUid, type Schema } from '../schema/index.js';
import { Conformer, entityUidOf, type ConformResult, type TypedValue } from './conform.js';

export interface RequestInput {
  readonly principal: EntityUid;
  readonly action: EntityUid;
  readonly resource: EntityUid;
  /** The context in the entity JSON format: an object. */
  readonly context: unknown;
}

/**
 * Checks a request against the schema: the action is declared, the principal
 * and resource types are ones it applies to, and the context has its type.
 * On success, gives the context read against that type.
 */
export function validateRequest(
  schema: Schema,
  request: RequestInput,
): ConformResult<TypedValue & { kind: 'record' }> {
  const action = schema.actions.get(uidKey(request.action));
  if (action === undefined)
    return {
      ok: false,
      errors: [`request's action \`${uidKey(request.action)}\` is not declared in the schema`],
    };
  const conformer = new Conformer(schema);
  const errors = [
    ...conformer.checkUid(request.principal, 'principal'),
    ...conformer.checkUid(request.resource, 'resource'),
  ];
  const appliesTo = action.appliesTo;
  if (appliesTo === undefined) {
    errors.push(`request's action \`${uidKey(request.action)}\` does not apply to any principal or resource`);
  } else {
    if (!appliesTo.principalTypes.includes(request.principal.type)) {
      errors.push(
        `principal type \`${request.principal.type}\` is not valid for \`${uidKey(request.action)}\``,
      );
    }
    if (!appliesTo.resourceTypes.includes(request.resource.type)) {
      errors.push(
        `resource type \`${request.resource.type}\` is not valid for \`${uidKey(request.action)}\``,
      );
    }
  }
  const context = request.context;
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    return { ok: false, errors: [...errors, 'context must be a record'] };
  }
  const contextType = appliesTo?.context;
  if (contextType === undefined)
    return errors.length === 0
      ? { ok: true, value: { kind: 'record', fields: new Map() } }
      : { ok: false, errors };
  const read = conformer.record(context as Readonly<Record<string, unknown>>, contextType, 'context');
  if (!read.ok) errors.push(...read.errors);
  return errors.length === 0 && read.ok ? read : { ok: false, errors };
}

/** An entity read against the schema. */
export interface SchemaEntity {
  readonly uid: EntityUid;
  readonly attrs: ReadonlyMap<string, TypedValue>;
  readonly parents: readonly EntityUid[];
  readonly tags: ReadonlyMap<string, TypedValue>;
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasEntries(value: unknown): boolean {
  return isObject(value) && Object.keys(value).length > 0;
}

/** Whether listed parents of an action, closed transitively, are its declared ancestors. */
function matchesDeclaredAncestors(
  schema: Schema,
  parents: readonly EntityUid[],
  ancestors: ReadonlySet<string>,
): boolean {
  const closed = new Set<string>();
  for (const parent of parents) {
    closed.add(uidKey(parent));
    for (const ancestor of schema.actions.get(uidKey(parent))?.ancestors ?? []) closed.add(ancestor);
  }
  return closed.size === ancestors.size && [...closed].every((key) => ancestors.has(key));
}

/**
 * Reads entities in Cedar's entity JSON format against the schema: types,
 * attributes, parents and tags must be as declared. Action entities may be
 * listed only as the schema declares them; every declared action is added.
 */
export function validateEntities(schema: Schema, json: unknown): ConformResult<readonly SchemaEntity[]> {
  if (!Array.isArray(json)) return { ok: false, errors: ['entities must be an array'] };
  const conformer = new Conformer(schema);
  const errors: string[] = [];
  const entities: SchemaEntity[] = [];
  for (const [index, raw] of json.entries()) {
    if (!isObject(raw)) {
      errors.push(`entity ${index} must be an object`);
      continue;
    }
    const uid = entityUidOf(raw['uid']);
    if (uid === undefined) {
      errors.push(`entity ${index} has no valid \`uid\``);
      continue;
    }
    const where = `entity \`${uidKey(uid)}\``;
    const parents: EntityUid[] = [];
    for (const parent of Array.isArray(raw['parents']) ? raw['parents'] : []) {
      const parentUid = entityUidOf(parent);
      if (parentUid === undefined) errors.push(`${where}: invalid parent \`${JSON.stringify(parent)}\``);
      else parents.push(parentUid);
    }
    if (raw['parents'] !== undefined && !Array.isArray(raw['parents']))
      errors.push(`${where}: \`parents\` must be an array`);
    const action = schema.actions.get(uidKey(uid));
    if (action !== undefined || isActionEntityType(uid.type)) {
      if (action === undefined) errors.push(`${where}: action is not declared in the schema`);
      else if (
        !matchesDeclaredAncestors(schema, parents, action.ancestors) ||
        hasEntries(raw['attrs']) ||
        hasEntries(raw['tags'])
      ) {
        // Actions have no attributes or tags, and their groups are the schema's.
        errors.push(`${where}: definition of action does not match its schema declaration`);
      }
      continue;
    }
    const entityType = schema.entityTypes.get(uid.type);
    const uidErrors = conformer.checkUid(uid, where);
    if (entityType === undefined || uidErrors.length > 0) {
      errors.push(...uidErrors);
      continue;
    }
    for (const parent of parents) {
      if (!entityType.memberOfTypes.includes(parent.type)) {
        errors.push(
          `${where}: \`${uidKey(parent)}\` is not allowed as a parent: \`${uid.type}\` is not declared to be a member of \`${parent.type}\``,
        );
      } else {
        errors.push(...conformer.checkUid(parent, where));
      }
    }
    const attrsJson = raw['attrs'] ?? {};
    let attrs: ReadonlyMap<string, TypedValue> = new Map();
    if (!isObject(attrsJson)) errors.push(`${where}: \`attrs\` must be an object`);
    else {
      const read = conformer.record(attrsJson, entityType.shape, where);
      if (read.ok) attrs = read.value.fields;
      else errors.push(...read.errors);
    }
    const tags = new Map<string, TypedValue>();
    const tagsJson = raw['tags'] ?? {};
    if (!isObject(tagsJson)) errors.push(`${where}: \`tags\` must be an object`);
    else if (Object.keys(tagsJson).length > 0) {
      const tagType = entityType.tags;
      if (tagType === undefined) errors.push(`${where}: entity type \`${uid.type}\` does not allow tags`);
      else {
        for (const [name, value] of Object.entries(tagsJson)) {
          const read = conformer.value(value, tagType, `${where} tag \`${name}\``);
          if (read.ok) tags.set(name, read.value);
          else errors.push(...read.errors);
        }
      }
    }
    entities.push({ uid, attrs, parents, tags });
  }
  for (const action of schema.actions.values()) {
    entities.push({ uid: action.uid, attrs: new Map(), parents: action.memberOf, tags: new Map() });
  }
  return errors.length === 0 ? { ok: true, value: entities } : { ok: false, errors };
}
