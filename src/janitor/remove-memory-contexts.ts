import type Database from 'better-sqlite3';
import { SqliteMemoryStore } from '../memory/index.js';
import type { MemoryRemoval } from './janitor-plan.js';
import type { RecordAction } from './janitor-records.js';
import type { SummaryCounts } from './janitor-summary.js';

/** Removes unpinned memory contexts the plan found unused for too long (pinned ones never: the plan skips them). */
export function removeMemoryContexts(database: Database.Database, removals: readonly MemoryRemoval[], counts: SummaryCounts, record: RecordAction): void {
  const byRepository = new Map<string, MemoryRemoval[]>();
  for (const removal of removals) (byRepository.get(removal.repository) ?? byRepository.set(removal.repository, []).get(removal.repository)!).push(removal);
  for (const [repository, list] of byRepository) {
    const store = new SqliteMemoryStore(database, { repository });
    for (const removal of list) {
      database
        .transaction(() => {
          const outcome = store.clear(removal.name);
          if (outcome.contexts === 0) return;
          counts.memory.count += 1;
          counts.memory.bytes += outcome.bytes;
          record({ policy: 'memory', action: 'remove', targetKind: 'memory', target: removal.name, count: outcome.versions, bytes: outcome.bytes, reason: removal.reason, detail: { repository } });
        })
        .immediate();
    }
  }
}
