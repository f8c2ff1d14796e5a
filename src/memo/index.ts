export { MemoizingModelClient, type MemoizingModelClientOptions, type MemoCallOptions } from './memoizing-model-client.js';
export { memoKey } from './memo-key.js';
export type { MemoEntry } from './memo-entry.js';
export type { MemoStore, MemoStoreStats } from './memo-store.js';
export { InMemoryMemoStore } from './in-memory-memo-store.js';
export { SqliteMemoStore } from './sqlite-memo-store.js';
export { defaultMemoPolicy, isDeterministicRequest, mayReuse, mayShareAcrossRuns, type MemoPolicy, type CrossRunReuse } from './memo-policy.js';
export { memoOutcomeOf, type MemoOutcome, type MemoOutcomeKind, type MemoOutcomeListener } from './memo-outcome.js';
export { MemoTelemetry, emptyMemoCounters, toMemoUsage, memoUsageFromOutcome, totalScope, type MemoCounters, type MemoUsage } from './memo-telemetry.js';
export { SharedCall } from './shared-call.js';
export { MemoBroker, type MemoBrokerOptions, type MemoQuestion, type MemoAnswer } from './memo-broker.js';
export { BrokeredMemoClient, type BrokeredMemoClientOptions, type RemoteMemo } from './brokered-memo-client.js';
export { MEMO_COMPONENT, MEMO_MIGRATIONS } from './memo-migrations.js';
// For the janitor: what the memo holds, stale marks and eviction.
export { readMemoInventory, readMemoStorage, markMemoEntriesStale, evictMemoEntries, type MemoInventoryEntry, type MemoStorage } from './memo-maintenance.js';
