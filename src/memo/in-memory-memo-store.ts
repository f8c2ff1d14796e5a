import type { MemoEntry } from './memo-entry.js';
import type { MemoStore, MemoStoreStats } from './memo-store.js';

/** A MemoStore for one process: tests, benches and runs without a project database. */
export class InMemoryMemoStore implements MemoStore {
  private readonly byKey = new Map<string, MemoEntry>();

  get(key: string): MemoEntry | undefined {
    return this.byKey.get(key);
  }

  put(entry: MemoEntry): void {
    this.byKey.set(entry.key, entry);
  }

  clear(): number {
    const count = this.byKey.size;
    this.byKey.clear();
    return count;
  }

  stats(): MemoStoreStats {
    let storedInputTokens = 0;
    let storedOutputTokens = 0;
    for (const entry of this.byKey.values()) {
      storedInputTokens += entry.response.usage.inputTokens;
      storedOutputTokens += entry.response.usage.outputTokens;
    }
    return { entries: this.byKey.size, storedInputTokens, storedOutputTokens };
  }

  /** Nothing to evict in one process's store: uses are not counted. */
  touch(): void {}

  entries(): Iterable<MemoEntry> {
    return [...this.byKey.values()];
  }
}
