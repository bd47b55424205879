// The entity store: entities by uid, each with the transitive closure of its
// ancestors (which `in` consults), built once per set of entities. Where the
// entities come from (JSON values, JSON text, a schema) is the readers' business.
import type { EntityUid } from '../schema/index.js';
import { valuesEqual, type EntityRef, type Value } from './values.js';

export interface Entity {
  readonly uid: EntityRef;
  readonly attrs: ReadonlyMap<string, Value>;
  /** Keys of every ancestor, direct or not. */
  readonly ancestors: ReadonlySet<string>;
  readonly tags: ReadonlyMap<string, Value>;
}

/** The entities of a request, read once and consulted by uid. */
export interface EntityStore {
  /** The entity a uid names, if the store has it. */
  get(uid: EntityUid): Entity | undefined;
  readonly size: number;
  /** Every entity, in the order it was read. */
  values(): IterableIterator<Entity>;
}

export type EntitiesResult =
  | { readonly ok: true; readonly entities: EntityStore }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Shared by every entity without attributes, tags or parents. */
export const NO_VALUES: ReadonlyMap<string, Value> = new Map();
export const NO_PARENTS: readonly EntityRef[] = [];

/**
 * An entity of the store. Its ancestors are computed on first use and kept:
 * a request usually consults a handful of entities, so closing the whole
 * hierarchy up front would be wasted work for one-shot calls.
 */
class StoredEntity implements Entity {
  private closure: Set<string> | undefined;
  /** Where the cycle check has got to: 0 not reached, 1 on the current path, 2 no cycle through it. */
  visit = 0;

  constructor(
    readonly uid: EntityRef,
    readonly attrs: ReadonlyMap<string, Value>,
    readonly parents: readonly EntityRef[],
    readonly tags: ReadonlyMap<string, Value>,
    private readonly store: EntityTable,
  ) {}

  get ancestors(): ReadonlySet<string> {
    if (this.closure !== undefined) return this.closure;
    const closure = new Set<string>();
    const pending = [...this.parents];
    for (let parent = pending.pop(); parent !== undefined; parent = pending.pop()) {
      if (closure.has(parent.key)) continue;
      closure.add(parent.key);
      const stored = this.store.get(parent);
      if (stored === undefined) continue;
      // A parent whose closure is already known contributes it whole.
      if (stored.closure !== undefined) for (const ancestor of stored.closure) closure.add(ancestor);
      else pending.push(...stored.parents);
    }
    this.closure = closure;
    return closure;
  }
}

/**
 * Entities by type, then by id. Looking a uid up this way hashes strings the
 * input already holds (and V8 caches their hashes), where one map keyed by
 * the uid's canonical text would build and hash a new string per entity.
 */
class EntityTable implements EntityStore {
  private readonly byType = new Map<string, Map<string, StoredEntity>>();
  /** Every entity, in the order it was added. */
  readonly all: StoredEntity[] = [];

  get size(): number {
    return this.all.length;
  }

  get(uid: EntityUid): StoredEntity | undefined {
    return this.byType.get(uid.type)?.get(uid.id);
  }

  /**
   * Adds an entity. An entity listed again is accepted only when it is the
   * same entity (attributes, parents and tags equal), as Cedar accepts it
   * since 4.4; says whether the entity is accepted.
   */
  add(entity: StoredEntity): boolean {
    const { type, id } = entity.uid;
    let ids = this.byType.get(type);
    if (ids === undefined) {
      ids = new Map();
      this.byType.set(type, ids);
    }
    // One hash lookup instead of two; a repeated uid is rare, and looked into only then.
    const before = ids.size;
    ids.set(id, entity);
    if (ids.size !== before) {
      this.all.push(entity);
      return true;
    }
    const first = this.all.find((stored) => stored.uid.type === type && stored.uid.id === id) as StoredEntity;
    ids.set(id, first);
    return sameEntity(first, entity);
  }

  values(): IterableIterator<Entity> {
    return this.all.values();
  }
}

function sameValues(left: ReadonlyMap<string, Value>, right: ReadonlyMap<string, Value>): boolean {
  if (left.size !== right.size) return false;
  for (const [name, value] of left) {
    const other = right.get(name);
    if (other === undefined || !valuesEqual(value, other)) return false;
  }
  return true;
}

/** Whether two entities of one uid are the same: parents as a set, values as Cedar compares them. */
function sameEntity(left: StoredEntity, right: StoredEntity): boolean {
  const parents = (entity: StoredEntity): Set<string> => new Set(entity.parents.map((parent) => parent.key));
  const [leftParents, rightParents] = [parents(left), parents(right)];
  return (
    sameValues(left.attrs, right.attrs) &&
    sameValues(left.tags, right.tags) &&
    leftParents.size === rightParents.size &&
    [...leftParents].every((key) => rightParents.has(key))
  );
}

/**
 * The first entity found on a cycle of the parent relation, if there is one.
 * Iterative, so that deep hierarchies cannot exhaust the stack.
 */
function entityOnCycle(store: EntityTable): EntityRef | undefined {
  const path: StoredEntity[] = [];
  const next: number[] = [];
  for (const root of store.all) {
    if (root.visit !== 0) continue;
    root.visit = 1;
    path.push(root);
    next.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const entity = path[top] as StoredEntity;
      const index = next[top] as number;
      const parentRef = entity.parents[index];
      if (parentRef === undefined) {
        entity.visit = 2;
        path.pop();
        next.pop();
        continue;
      }
      next[top] = index + 1;
      const parent = store.get(parentRef);
      if (parent === undefined || parent.visit === 2) continue;
      if (parent.visit === 1) return parentRef;
      parent.visit = 1;
      path.push(parent);
      next.push(0);
    }
  }
  return undefined;
}

/**
 * Collects entities into a store: a uid listed twice must name the same entity, and the hierarchy must be
 * acyclic, as in Cedar (parents need not be listed themselves).
 */
export class StoreBuilder {
  private readonly table = new EntityTable();
  private duplicate: EntityRef | undefined;

  add(
    uid: EntityRef,
    attrs: ReadonlyMap<string, Value>,
    parents: readonly EntityRef[],
    tags: ReadonlyMap<string, Value>,
  ): void {
    if (!this.table.add(new StoredEntity(uid, attrs, parents, tags, this.table))) this.duplicate ??= uid;
  }

  finish(): EntitiesResult {
    if (this.duplicate !== undefined)
      return { ok: false, errors: [`duplicate entity entry \`${this.duplicate.key}\``] };
    const cycle = entityOnCycle(this.table);
    if (cycle !== undefined) {
      return {
        ok: false,
        errors: [
          `transitive closure computation/enforcement error: input graph has a cycle containing vertex \`${cycle.key}\``,
        ],
      };
    }
    return { ok: true, entities: this.table };
  }
}
