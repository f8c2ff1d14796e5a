import { Str } from './str.js';
import { CompositeKey, type HashKey, type StarlarkValue } from './value.js';

/** One key/value pair of a dict or set, in insertion order. */
export interface HashTableEntry {
  readonly key: StarlarkValue;
  value: StarlarkValue;
}

/** The slot of a key that cannot be rebuilt from its map key: the key as inserted, and its value. */
class KeyedSlot implements HashTableEntry {
  constructor(
    readonly key: StarlarkValue,
    public value: StarlarkValue,
  ) {}
}

/**
 * Up to this many string keys live in two parallel arrays searched linearly; the next key (or
 * any key that is not a string) moves the table to a Map. A workflow program builds tens of
 * thousands of small string-keyed dicts, for which a Map costs ~2.5x the memory and a rehash
 * at 4 and 8 entries, while a scan of 8 mostly-interned strings is as fast as hashing one.
 */
export const SMALL_TABLE_LIMIT = 8;

// Shared by every empty table; never changed (a table copies its keys before the first change).
const NO_KEYS: readonly string[] = [];

/**
 * Insertion-ordered table keyed by Starlark equality, in one of two forms:
 *
 * - small: at most SMALL_TABLE_LIMIT string keys in `smallKeys`, values at the same index of
 *   `smallValues`. The keys array may be shared with other tables (a dict literal's constant
 *   keys, see `withSharedKeys`) and is copied before its first change;
 * - large: a JS Map (which keeps insertion order) keyed by each value's HashKey; tuple and bytes
 *   keys are interned so that equal composites map to one JS object. A string key (the only kind
 *   whose map key is a JS string) stores its value directly and is rebuilt as a Str when
 *   iterated; other keys keep the key as inserted (1.0 and 1 are one key; the first one written
 *   stays, as in Python).
 *
 * Both forms give the same answers: strings are equal exactly when their JS strings are, and a
 * key that is not a string is never in the small form.
 */
export class HashTable {
  /** The small form's keys, or undefined once the table is a Map. */
  private smallKeys: readonly string[] | undefined;
  private smallValues: StarlarkValue[];
  /** Whether smallKeys belongs to this table alone (may be changed in place). */
  private ownsKeys = false;
  private map: Map<unknown, StarlarkValue | KeyedSlot> | undefined;
  private composites: Map<string, object> | undefined;

  /** An empty table, or (withSharedKeys) one over a shared key array and its own values. */
  constructor(keys: readonly string[] = NO_KEYS, values: StarlarkValue[] = []) {
    this.smallKeys = keys;
    this.smallValues = values;
  }

  /** A table of distinct string keys (at most SMALL_TABLE_LIMIT, shared, never changed) and their values. */
  static withSharedKeys(keys: readonly string[], values: StarlarkValue[]): HashTable {
    return new HashTable(keys, values);
  }

  get size(): number {
    return this.smallKeys !== undefined ? this.smallKeys.length : this.map!.size;
  }

  get(key: StarlarkValue): StarlarkValue | undefined {
    if (key.constructor === Str) {
      // The common lookup, d["name"]: a string key is its own map key and maps to its value.
      const text = (key as Str).value;
      if (this.smallKeys === undefined) return this.map!.get(text) as StarlarkValue | undefined;
      const index = this.smallKeys.indexOf(text);
      return index < 0 ? undefined : this.smallValues[index];
    }
    const hashKey = key.hashKey();
    if (this.smallKeys !== undefined) {
      const index = typeof hashKey === 'string' ? this.smallKeys.indexOf(hashKey) : -1;
      return index < 0 ? undefined : this.smallValues[index];
    }
    const slot = this.map!.get(this.lookupKey(hashKey, false));
    return slot instanceof KeyedSlot ? slot.value : slot;
  }

  has(key: StarlarkValue): boolean {
    const hashKey = key.hashKey();
    if (this.smallKeys !== undefined) return typeof hashKey === 'string' && this.smallKeys.includes(hashKey);
    return this.map!.has(this.lookupKey(hashKey, false));
  }

  set(key: StarlarkValue, value: StarlarkValue): void {
    const hashKey = key.hashKey();
    if (this.smallKeys !== undefined) {
      if (typeof hashKey === 'string') {
        const index = this.smallKeys.indexOf(hashKey);
        if (index >= 0) {
          this.smallValues[index] = value;
          return;
        }
        if (this.smallKeys.length < SMALL_TABLE_LIMIT) {
          this.ownKeys().push(hashKey);
          this.smallValues.push(value);
          return;
        }
      }
      this.becomeMap();
    }
    const mapKey = this.lookupKey(hashKey, true);
    if (typeof mapKey === 'string') {
      this.map!.set(mapKey, value);
      return;
    }
    const slot = this.map!.get(mapKey);
    if (slot instanceof KeyedSlot) slot.value = value;
    else this.map!.set(mapKey, new KeyedSlot(key, value));
  }

  /** Removes the key; returns the entry that was there. */
  delete(key: StarlarkValue): HashTableEntry | undefined {
    const hashKey = key.hashKey();
    if (this.smallKeys !== undefined) {
      const index = typeof hashKey === 'string' ? this.smallKeys.indexOf(hashKey) : -1;
      if (index < 0) return undefined;
      const entry = { key: Str.of(hashKey as string), value: this.smallValues[index] };
      this.ownKeys().splice(index, 1);
      this.smallValues.splice(index, 1);
      return entry;
    }
    const mapKey = hashKey instanceof CompositeKey ? this.composites?.get(hashKey.encoding) : hashKey;
    if (mapKey === undefined) return undefined;
    const slot = this.map!.get(mapKey);
    if (slot === undefined) return undefined;
    this.map!.delete(mapKey);
    if (hashKey instanceof CompositeKey) this.composites?.delete(hashKey.encoding);
    return entryOf(mapKey, slot);
  }

  clear(): void {
    this.smallKeys = NO_KEYS;
    this.ownsKeys = false;
    this.smallValues = [];
    this.map = undefined;
    this.composites = undefined;
  }

  first(): HashTableEntry | undefined {
    if (this.smallKeys !== undefined) {
      return this.smallKeys.length === 0 ? undefined : { key: Str.of(this.smallKeys[0]), value: this.smallValues[0] };
    }
    for (const mapKey of this.map!.keys()) return entryOf(mapKey, this.map!.get(mapKey)!);
    return undefined;
  }

  /** The entries in insertion order, as of the call (forEach: no [key, value] array per entry). */
  entries(): IterableIterator<HashTableEntry> {
    const entries: HashTableEntry[] = [];
    if (this.smallKeys !== undefined) {
      for (let index = 0; index < this.smallKeys.length; index++) entries.push({ key: Str.of(this.smallKeys[index]), value: this.smallValues[index] });
    } else {
      this.map!.forEach((slot, mapKey) => entries.push(entryOf(mapKey, slot)));
    }
    return entries[Symbol.iterator]();
  }

  keys(): StarlarkValue[] {
    if (this.smallKeys !== undefined) return this.smallKeys.map((key) => Str.of(key));
    const keys: StarlarkValue[] = [];
    this.map!.forEach((slot, mapKey) => keys.push(slot instanceof KeyedSlot ? slot.key : Str.of(mapKey as string)));
    return keys;
  }

  values(): StarlarkValue[] {
    if (this.smallKeys !== undefined) return this.smallValues.slice();
    const values: StarlarkValue[] = [];
    for (const slot of this.map!.values()) values.push(slot instanceof KeyedSlot ? slot.value : slot);
    return values;
  }

  private ownKeys(): string[] {
    if (!this.ownsKeys) {
      this.smallKeys = this.smallKeys!.slice();
      this.ownsKeys = true;
    }
    return this.smallKeys as string[];
  }

  /** Moves the small form's entries, in order, into a Map. */
  private becomeMap(): void {
    const map = new Map<unknown, StarlarkValue | KeyedSlot>();
    const keys = this.smallKeys!;
    for (let index = 0; index < keys.length; index++) map.set(keys[index], this.smallValues[index]);
    this.map = map;
    this.smallKeys = undefined;
    this.ownsKeys = false;
    this.smallValues = [];
  }

  private lookupKey(hashKey: HashKey, create: boolean): unknown {
    // A string or number key skips the instanceof (costly in baseline code, see StarlarkValue).
    if (typeof hashKey !== 'object' || !(hashKey instanceof CompositeKey)) return hashKey;
    this.composites ??= new Map();
    let token = this.composites.get(hashKey.encoding);
    if (token === undefined) {
      token = {};
      if (create) this.composites.set(hashKey.encoding, token);
    }
    return token;
  }
}

function entryOf(mapKey: unknown, slot: StarlarkValue | KeyedSlot): HashTableEntry {
  return slot instanceof KeyedSlot ? slot : { key: Str.of(mapKey as string), value: slot };
}
