import { CompositeKey, type StarlarkValue } from './value.js';

/** One key/value pair of a dict or set, in insertion order. */
export interface HashTableEntry {
  readonly key: StarlarkValue;
  value: StarlarkValue;
}

/**
 * Insertion-ordered table keyed by Starlark equality. It rides on a JS Map (which keeps
 * insertion order) keyed by each value's HashKey; tuple and bytes keys are interned so that
 * equal composites map to one JS object.
 */
export class HashTable {
  private readonly map = new Map<unknown, HashTableEntry>();
  private composites: Map<string, object> | undefined;

  get size(): number {
    return this.map.size;
  }

  get(key: StarlarkValue): StarlarkValue | undefined {
    return this.map.get(this.lookupKey(key, false))?.value;
  }

  has(key: StarlarkValue): boolean {
    return this.map.has(this.lookupKey(key, false));
  }

  set(key: StarlarkValue, value: StarlarkValue): void {
    const mapKey = this.lookupKey(key, true);
    const entry = this.map.get(mapKey);
    if (entry) entry.value = value;
    else this.map.set(mapKey, { key, value });
  }

  /** Removes the key; returns the entry that was there. */
  delete(key: StarlarkValue): HashTableEntry | undefined {
    const hashKey = key.hashKey();
    const mapKey = hashKey instanceof CompositeKey ? this.composites?.get(hashKey.encoding) : hashKey;
    if (mapKey === undefined) return undefined;
    const entry = this.map.get(mapKey);
    if (!entry) return undefined;
    this.map.delete(mapKey);
    if (hashKey instanceof CompositeKey) this.composites?.delete(hashKey.encoding);
    return entry;
  }

  clear(): void {
    this.map.clear();
    this.composites?.clear();
  }

  first(): HashTableEntry | undefined {
    for (const entry of this.map.values()) return entry;
    return undefined;
  }

  entries(): IterableIterator<HashTableEntry> {
    return this.map.values();
  }

  keys(): StarlarkValue[] {
    const keys: StarlarkValue[] = [];
    for (const entry of this.map.values()) keys.push(entry.key);
    return keys;
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
