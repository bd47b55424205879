// Entities and contexts read straight from JSON text into Cedar values, with
// no JSON tree in between: the reader of the entity JSON format's usual shapes
// (entities of `uid`, `attrs`, `parents`, `tags`; values that are strings,
// Booleans, integers, sets and records). Anything else it meets — an escape,
// a number that is no Long, `null`, an error of any kind — makes it give up,
// and the caller reads the text the general way (tree, then values), which
// also words the error. So this reader only decides how fast an answer comes,
// never what it is.
import { JsonValueError, isEntityTypeName, longOf, valueFromJson } from './entity-json.js';
import { NO_PARENTS, NO_VALUES, StoreBuilder, type EntitiesResult } from './entity-store.js';
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  JsonReader,
  JsonSyntaxError,
  LOWER_F,
  LOWER_T,
  MINUS,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  SAFE_DIGITS,
  ZERO,
  isDigit,
} from './json-text.js';
import { EntityRef, EvaluationError, I64_MAX, I64_MIN, RecordValue, makeSet, type Value } from './values.js';

/** Thrown where the general reader must take over. */
class GiveUp extends Error {}

const GIVE_UP = new GiveUp();

/** Whether reading failed on the input (so the general reader decides), rather than on a bug. */
function isInputProblem(error: unknown): boolean {
  return (
    error instanceof GiveUp ||
    error instanceof JsonSyntaxError ||
    error instanceof JsonValueError ||
    error instanceof EvaluationError
  );
}

// Fields of an entity, as bits, to find one given twice.
const UID = 1;
const ATTRS = 2;
const PARENTS = 4;
const TAGS = 8;

/** Whether an object that starts with this key may be an escape rather than a record. */
function isEscapeKey(key: string): boolean {
  return key === '__extn' || key === '__expr';
}

class EntitiesTextReader extends JsonReader {
  /** The entities of the text, into `builder`; the text must be one array and nothing else. */
  entities(builder: StoreBuilder): void {
    this.skipWhitespace();
    if (this.peek() !== OPEN_BRACKET) throw GIVE_UP;
    if (!this.open(1, CLOSE_BRACKET)) {
      do this.entity(builder);
      while (this.more(CLOSE_BRACKET));
    }
    this.end();
  }

  /** A record value and nothing after it. */
  record(): RecordValue {
    this.skipWhitespace();
    const value = this.cedarValue(0);
    if (!(value instanceof RecordValue)) throw GIVE_UP;
    this.end();
    return value;
  }

  private end(): void {
    this.skipWhitespace();
    if (this.position < this.text.length) throw GIVE_UP;
  }

  private entity(builder: StoreBuilder): void {
    if (this.peek() !== OPEN_BRACE) throw GIVE_UP;
    let uid: EntityRef | undefined;
    let attrs: ReadonlyMap<string, Value> | undefined;
    let parents: readonly EntityRef[] | undefined;
    let tags: ReadonlyMap<string, Value> = NO_VALUES;
    let seen = 0;
    if (!this.open(2, CLOSE_BRACE)) {
      do {
        const key = this.key();
        const field =
          key === 'uid'
            ? UID
            : key === 'attrs'
              ? ATTRS
              : key === 'parents'
                ? PARENTS
                : key === 'tags'
                  ? TAGS
                  : 0;
        // A field Cedar ignores is read only to check it; naming it twice is left to the general reader.
        if (field === 0) throw GIVE_UP;
        if ((seen & field) !== 0) throw GIVE_UP;
        seen |= field;
        if (field === UID) uid = this.uid(3);
        else if (field === ATTRS) attrs = this.valueMap(3);
        else if (field === PARENTS) parents = this.parents(3);
        else tags = this.valueMap(3);
      } while (this.more(CLOSE_BRACE));
    }
    if (uid === undefined || attrs === undefined || parents === undefined) throw GIVE_UP;
    builder.add(uid, attrs, parents, tags);
  }

  /** `{"type": ..., "id": ...}` with a valid type name; `__entity` and other keys go to the general reader. */
  private uid(depth: number): EntityRef {
    if (this.peek() !== OPEN_BRACE || this.open(depth, CLOSE_BRACE)) throw GIVE_UP;
    let type: string | undefined;
    let id: string | undefined;
    do {
      const key = this.key();
      if (this.peek() !== QUOTE) throw GIVE_UP;
      if (key === 'type' && type === undefined) type = this.string();
      else if (key === 'id' && id === undefined) id = this.string();
      else throw GIVE_UP;
    } while (this.more(CLOSE_BRACE));
    if (type === undefined || id === undefined || !isEntityTypeName(type)) throw GIVE_UP;
    return new EntityRef(type, id);
  }

  private parents(depth: number): readonly EntityRef[] {
    if (this.peek() !== OPEN_BRACKET) throw GIVE_UP;
    if (this.open(depth, CLOSE_BRACKET)) return NO_PARENTS;
    const parents: EntityRef[] = [];
    do parents.push(this.uid(depth + 1));
    while (this.more(CLOSE_BRACKET));
    return parents;
  }

  /** `attrs`, `tags` or the fields of a record, in the order written. */
  private valueMap(depth: number): ReadonlyMap<string, Value> {
    if (this.peek() !== OPEN_BRACE) throw GIVE_UP;
    if (this.open(depth, CLOSE_BRACE)) return NO_VALUES;
    return this.fields(depth, new Map());
  }

  /** The rest of an object's members, the position at a key; keys that read as numbers give up, since a JavaScript object (the general reader's tree) puts them first. */
  private fields(depth: number, fields: Map<string, Value>): Map<string, Value> {
    do {
      if (isDigit(this.text.charCodeAt(this.position + 1))) throw GIVE_UP;
      const key = this.key();
      if (fields.has(key)) throw GIVE_UP;
      fields.set(key, this.cedarValue(depth));
    } while (this.more(CLOSE_BRACE));
    return fields;
  }

  private cedarValue(depth: number): Value {
    const code = this.peek();
    switch (code) {
      case QUOTE:
        return this.string();
      case LOWER_T:
        return this.literal('true', true);
      case LOWER_F:
        return this.literal('false', false);
      case OPEN_BRACKET: {
        if (this.open(depth + 1, CLOSE_BRACKET)) return makeSet([]);
        const elements: Value[] = [];
        do elements.push(this.cedarValue(depth + 1));
        while (this.more(CLOSE_BRACKET));
        return makeSet(elements);
      }
      case OPEN_BRACE:
        return this.recordOrEscape(depth + 1);
      default:
        if (code === MINUS || isDigit(code)) return this.long();
        throw GIVE_UP;
    }
  }

  /**
   * A record, or what an escape stands for: `{"__entity": {"type", "id"}}` is
   * read here, any other object whose first key is an escape is read as a
   * tree and converted as Cedar does.
   */
  private recordOrEscape(depth: number): Value {
    const start = this.position;
    if (this.open(depth, CLOSE_BRACE)) return new RecordValue(new Map());
    const keyAt = this.position;
    const first = this.key();
    if (first === '__entity') {
      const uid = this.uid(depth + 1);
      if (this.more(CLOSE_BRACE)) throw GIVE_UP;
      return uid;
    }
    if (isEscapeKey(first)) {
      this.position = start;
      return valueFromJson(this.value(depth - 1), 'value');
    }
    this.position = keyAt;
    return new RecordValue(this.fields(depth, new Map()));
  }

  /** An integer written as one, within i64. */
  private long(): bigint {
    const text = this.text;
    const start = this.position;
    if (!this.scanNumber()) throw GIVE_UP;
    const negative = text.charCodeAt(start) === MINUS;
    const first = negative ? start + 1 : start;
    if (this.position - first <= SAFE_DIGITS) {
      let magnitude = 0;
      for (let index = first; index < this.position; index += 1)
        magnitude = magnitude * 10 + text.charCodeAt(index) - ZERO;
      // `-0` is a float to `serde_json`, so not a Long.
      if (negative && magnitude === 0) throw GIVE_UP;
      return longOf(negative ? -magnitude : magnitude);
    }
    const value = BigInt(text.slice(start, this.position));
    if (value < I64_MIN || value > I64_MAX) throw GIVE_UP;
    return value;
  }
}

/**
 * Entities read straight from their JSON text, or `undefined` when the text
 * needs the general reader (for an answer or for an error).
 */
export function readEntitiesText(text: string): EntitiesResult | undefined {
  const builder = new StoreBuilder();
  try {
    new EntitiesTextReader(text).entities(builder);
  } catch (error) {
    if (isInputProblem(error)) return undefined;
    throw error;
  }
  return builder.finish();
}

/** A context read straight from its JSON text, or `undefined` when the text needs the general reader. */
export function readContextText(text: string): RecordValue | undefined {
  try {
    return new EntitiesTextReader(text).record();
  } catch (error) {
    if (isInputProblem(error)) return undefined;
    throw error;
  }
}
