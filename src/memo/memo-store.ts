import type { MemoEntry } from './memo-entry.js';

export interface MemoStoreStats {
  readonly entries: number;
  readonly storedInputTokens: number;
  readonly storedOutputTokens: number;
}

/**
 * Where completed answers live. Synchronous on purpose: the lookup and the single-flight
 * registration that follows it must happen without an await in between, or two identical
 * concurrent requests could both miss and both call the provider.
 */
export interface MemoStore {
  get(key: string): MemoEntry | undefined;
  put(entry: MemoEntry): void;
  /** Removes every entry; returns how many there were. */
  clear(): number;
  stats(): MemoStoreStats;
  entries(): Iterable<MemoEntry>;
  /** Notes that an entry answered a request (for eviction by recency or frequency); optional. */
  touch?(key: string, atMs: number): void;
}
