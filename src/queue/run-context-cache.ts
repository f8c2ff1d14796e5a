/** What the cache keeps per run context: something that holds resources until closed. */
export interface Closable {
  close(): Promise<void>;
}

/** A use of a cached value: the entry is not dropped until every lease taken on it is released. */
export interface CacheLease<V> {
  readonly value: V;
  release(): void;
}

export interface RunContextCacheOptions<V extends Closable> {
  /** How many run contexts are kept at most; more are kept only while each has a leaf running. */
  readonly capacity: number;
  /** Builds the value for a key (reads the run's settings, checks out its commit, makes its runtime). */
  readonly open: (key: string) => Promise<V>;
  /** A value that failed to close: said, never thrown (the next leaf must not fail for it). */
  readonly onCloseError?: (key: string, error: unknown) => void;
}

interface Entry<V> {
  readonly key: string;
  readonly value: Promise<V>;
  leases: number;
}

/**
 * A worker's cache of run contexts (one per run's settings: its runtime and, for real leaves, a
 * checkout of its base commit), least recently used first. A context in use (a leaf of its run
 * running) is never dropped; idle ones are dropped, oldest first, to keep at most `capacity`
 * contexts — before a new one is opened, and when a busy one goes idle while there are too
 * many. Dropping closes the value and a new context for the same key waits for that close, so
 * a rebuilt context never races the removal of the old one's checkout.
 */
export class RunContextCache<V extends Closable> {
  /** Insertion order is recency order: an entry moves to the end whenever it is leased or released. */
  private readonly entries = new Map<string, Entry<V>>();
  /** Closes in progress, by key: a rebuilt entry waits for its predecessor's. */
  private readonly closing = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly options: RunContextCacheOptions<V>) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) throw new RangeError(`a run context cache needs a capacity of at least 1 (got ${options.capacity})`);
  }

  /** Contexts held now (in use and idle). */
  get size(): number {
    return this.entries.size;
  }

  /** Keys held now, least recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * A lease on the key's value, opened if it is not held. A failed open is not kept: the next
   * lease tries again (the run's settings may have arrived since).
   */
  async acquire(key: string): Promise<CacheLease<V>> {
    if (this.closed) throw new Error('the worker is shutting down: it takes no new run contexts');
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    else {
      await this.evictIdle(this.options.capacity - 1);
      // Another lease for the same key may have opened it while idle entries were closing.
      entry = this.entries.get(key);
      if (entry) this.entries.delete(key);
      else entry = { key, value: this.openAfterClose(key), leases: 0 };
    }
    this.entries.set(key, entry);
    entry.leases += 1;
    const held = entry;
    let value: V;
    try {
      value = await held.value;
    } catch (error) {
      held.leases -= 1;
      if (this.entries.get(key) === held) this.entries.delete(key);
      throw error;
    }
    let released = false;
    return {
      value,
      release: () => {
        if (released) return;
        released = true;
        held.leases -= 1;
        if (this.entries.get(key) === held) {
          this.entries.delete(key);
          this.entries.set(key, held);
        }
        // Per leaf: nothing to do (and nothing allocated) unless busy contexts kept the cache over its bound.
        if (this.entries.size > this.options.capacity) void this.evictIdle(this.options.capacity);
      },
    };
  }

  /** Closes every context; leaves must have finished (the worker closes the queue first). */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all([...all.map((entry) => this.closeEntry(entry)), ...this.closing.values()]);
  }

  /** Drops idle entries, least recently used first, until at most `keep` remain (or only busy ones). */
  private async evictIdle(keep: number): Promise<void> {
    const closes: Promise<void>[] = [];
    for (const entry of [...this.entries.values()]) {
      if (this.entries.size <= keep) break;
      if (entry.leases > 0) continue;
      this.entries.delete(entry.key);
      closes.push(this.closeEntry(entry));
    }
    await Promise.all(closes);
  }

  private closeEntry(entry: Entry<V>): Promise<void> {
    const previous = this.closing.get(entry.key) ?? Promise.resolve();
    const done = previous
      .then(() => entry.value)
      .then(
        (value) => value.close(),
        () => undefined, // never opened: nothing to release
      )
      .catch((error: unknown) => this.options.onCloseError?.(entry.key, error))
      .finally(() => {
        if (this.closing.get(entry.key) === done) this.closing.delete(entry.key);
      });
    this.closing.set(entry.key, done);
    return done;
  }

  private async openAfterClose(key: string): Promise<V> {
    await this.closing.get(key);
    return this.options.open(key);
  }
}
