import { Str } from './str.js';
import { CompositeKey, type StarlarkValue } from './value.js';

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
 * Insertion-ordered table keyed by Starlark equality. It rides on a JS Map (which keeps
 * insertion order) keyed by each value's HashKey; tuple and bytes keys are interned so that
 * equal composites map to one JS object.
 *
 * A string key (the only kind whose map key is a JS string) stores its value directly and is
 * rebuilt as a Str when iterated: most dicts are keyed by strings, and a slot object per entry
 * was a fifth of a workflow program's live memory. Other keys keep the key as inserted (1.0
 * and 1 are one key; the first one written stays, as in Python).
 */
export class HashTable {
  private readonly map = new Map<unknown, StarlarkValue | KeyedSlot>();
  private composites: Map<string, object> | undefined;

  get size(): number {
    return this.map.size;
  }

  get(key: StarlarkValue): StarlarkValue | undefined {
    const slot = this.map.get(this.lookupKey(key, false));
    return slot instanceof KeyedSlot ? slot.value : slot;
  }

  has(key: StarlarkValue): boolean {
    return this.map.has(this.lookupKey(key, false));
  }

  set(key: StarlarkValue, value: StarlarkValue): void {
    const mapKey = this.lookupKey(key, true);
    if (typeof mapKey === 'string') {
      this.map.set(mapKey, value);
      return;
    }
    const slot = this.map.get(mapKey);
    if (slot instanceof KeyedSlot) slot.value = value;
    else this.map.set(mapKey, new KeyedSlot(key, value));
  }

  /** Removes the key; returns the entry that was there. */
  delete(key: StarlarkValue): HashTableEntry | undefined {
    const hashKey = key.hashKey();
    const mapKey = hashKey instanceof CompositeKey ? this.composites?.get(hashKey.encoding) : hashKey;
    if (mapKey === undefined) return undefined;
    const slot = this.map.get(mapKey);
    if (slot === undefined) return undefined;
    this.map.delete(mapKey);
    if (hashKey instanceof CompositeKey) this.composites?.delete(hashKey.encoding);
    return entryOf(mapKey, slot);
  }

  clear(): void {
    this.map.clear();
    this.composites?.clear();
  }

  first(): HashTableEntry | undefined {
    for (const mapKey of this.map.keys()) return entryOf(mapKey, this.map.get(mapKey)!);
    return undefined;
  }

  /** The entries in insertion order, as of the call (forEach: no [key, value] array per entry). */
  entries(): IterableIterator<HashTableEntry> {
    const entries: HashTableEntry[] = [];
    this.map.forEach((slot, mapKey) => entries.push(entryOf(mapKey, slot)));
    return entries[Symbol.iterator]();
  }

  keys(): StarlarkValue[] {
    const keys: StarlarkValue[] = [];
    this.map.forEach((slot, mapKey) => keys.push(slot instanceof KeyedSlot ? slot.key : Str.of(mapKey as string)));
    return keys;
  }

  values(): StarlarkValue[] {
    const values: StarlarkValue[] = [];
    for (const slot of this.map.values()) values.push(slot instanceof KeyedSlot ? slot.value : slot);
    return values;
  }

  private lookupKey(key: StarlarkValue, create: boolean): unknown {
    const hashKey = key.hashKey();
    if (!(hashKey instanceof CompositeKey)) return hashKey;
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
