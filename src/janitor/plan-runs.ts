import type { JanitorConfig } from '../config/index.js';
import type { SqliteTraceStore } from '../trace/index.js';
import type { ChainDeletion, KeptRuns, RunCompaction } from './janitor-plan.js';
import type { RunChain, RunInventory } from './run-inventory.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const MIB = 1024 * 1024;

export interface RunProtection {
  /** Runs the user pinned (`whaleflow pin`). */
  readonly pinned: ReadonlySet<string>;
  /** Runs a promoted lesson rests on (its evidence, its student replays). */
  readonly evidence: ReadonlySet<string>;
  /** Runs compacted by an earlier pass. */
  readonly compacted: ReadonlySet<string>;
}

/** A chain is successful when every run of it finished and the newest succeeded (a crash that a resume finished counts). */
function successful(chain: RunChain): boolean {
  return chain.runs.every((run) => run.state === 'finished') && chain.newest.summary.status === 'succeeded';
}

function protectedChain(chain: RunChain, protection: RunProtection): 'pinned' | 'evidence' | undefined {
  if (chain.runs.some((run) => protection.pinned.has(run.summary.runId))) return 'pinned';
  if (chain.runs.some((run) => protection.evidence.has(run.summary.runId))) return 'evidence';
  return undefined;
}

/** Why the pass leaves each run alone, counted per run. */
export function keptRuns(inventory: RunInventory, protection: RunProtection, settings: JanitorConfig, now: number): KeptRuns {
  const kept = { alive: 0, pinned: 0, evidence: 0, unsuccessful: 0, recent: 0, compacted: 0 };
  for (const chain of inventory.chains.values()) {
    const why = chain.alive ? 'alive' : (protectedChain(chain, protection) ?? (successful(chain) ? undefined : 'unsuccessful'));
    for (const run of chain.runs) {
      if (why !== undefined) kept[why] += 1;
      else if (protection.compacted.has(run.summary.runId)) kept.compacted += 1;
      else if ((run.summary.finishedAt ?? now) > now - settings.compaction.afterDays * DAY_MS) kept.recent += 1;
    }
  }
  return kept;
}

/**
 * Runs to compact: finished, successful chains (not alive, not pinned, not evidence) that
 * finished at least `compaction.after_days` ago and were not compacted before. Failed runs,
 * pinned runs and evidence stay whole, as the issue asks: they are what a user or the teacher
 * reads in full. The estimate counts blobs an earlier run's compaction would create as existing.
 */
export function planCompaction(store: SqliteTraceStore, inventory: RunInventory, protection: RunProtection, settings: JanitorConfig, now: number): RunCompaction[] {
  if (!settings.compaction.enabled) return [];
  const cutoff = now - settings.compaction.afterDays * DAY_MS;
  const created = new Set<string>();
  const compactions: RunCompaction[] = [];
  const chains = [...inventory.chains.values()].sort((left, right) => left.newest.summary.startedAt - right.newest.summary.startedAt);
  for (const chain of chains) {
    if (chain.alive || !successful(chain) || protectedChain(chain, protection)) continue;
    for (const run of chain.runs) {
      const finishedAt = run.summary.finishedAt;
      if (finishedAt === null || finishedAt > cutoff || protection.compacted.has(run.summary.runId)) continue;
      const estimate = store.estimateCompaction(run.summary.runId, { blobThresholdBytes: settings.compaction.blobThresholdBytes }, created);
      for (const hash of estimate.newBlobHashes) created.add(hash);
      compactions.push({
        runId: run.summary.runId,
        chainRoot: chain.root,
        label: run.summary.label,
        finishedAt,
        freedBytes: estimate.freedBytes,
        removedEvents: estimate.removedEvents,
        movedToBlobs: estimate.movedToBlobs,
      });
    }
  }
  return compactions;
}

/**
 * Chains to delete to bring the database under its cap: when what the file will hold after the
 * other policies (`projectedBytes`) is over `max_database_mb`, the oldest chains that are
 * finished, successful, unpinned and no lesson's evidence go first, never one of the newest
 * `keep_recent_runs`. A chain is deleted whole (a crashed run whose resume went would look
 * resumable again). Freed bytes: its event rows and the blobs only it references.
 */
export function planCapDeletions(
  inventory: RunInventory,
  protection: RunProtection,
  settings: JanitorConfig,
  projectedBytes: number,
  compactionFreed: ReadonlyMap<string, number>,
): { readonly deletions: ChainDeletion[]; readonly projectedBytes: number; readonly notes: string[] } {
  const capBytes = settings.maxDatabaseMb * MIB;
  if (settings.maxDatabaseMb <= 0 || projectedBytes <= capBytes) return { deletions: [], projectedBytes, notes: [] };
  const newestFirst = [...inventory.chains.values()].sort((left, right) => right.newest.summary.startedAt - left.newest.summary.startedAt);
  const recent = new Set(newestFirst.slice(0, settings.keepRecentRuns).map((chain) => chain.root));
  const candidates = newestFirst
    .filter((chain) => !recent.has(chain.root) && !chain.alive && successful(chain) && !protectedChain(chain, protection))
    .reverse();
  const blobUsers = new Map(inventory.blobUsers);
  const copies = new ReferenceCopies(inventory.referrers);
  const deletions: ChainDeletion[] = [];
  let projected = projectedBytes;
  for (const chain of candidates) {
    if (projected <= capBytes) break;
    let freed = 0;
    const members = new Set(chain.runs.map((run) => run.summary.runId));
    for (const run of chain.runs) {
      // A compacted run frees what is left after compaction (its estimate was already counted).
      freed += Math.max(0, run.payloadBytes - (compactionFreed.get(run.summary.runId) ?? 0));
      freed += copies.takenOnBy(run.summary.runId);
      const copied = copies.delete(run.summary.runId, members);
      freed -= copied;
      // The replays that take its rows on take its blobs on too (materialize-references.ts).
      if (copied > 0) continue;
      for (const hash of run.blobHashes) {
        const users = (blobUsers.get(hash) ?? 1) - 1;
        blobUsers.set(hash, users);
        if (users === 0) freed += inventory.blobSizes.get(hash) ?? 0;
      }
    }
    deletions.push({
      chainRoot: chain.root,
      runIds: chain.runs.map((run) => run.summary.runId),
      label: chain.newest.summary.label,
      status: chain.newest.summary.status,
      finishedAt: chain.newest.summary.finishedAt ?? 0,
      freedBytes: freed,
      reason: `database over its cap (janitor.max_database_mb ${settings.maxDatabaseMb}): oldest successful run not pinned and no lesson's evidence`,
    });
    projected -= freed;
  }
  const notes =
    projected > capBytes
      ? [`the database stays over its cap (${Math.round(projected / MIB)} MiB > ${settings.maxDatabaseMb} MiB): what is left is alive, pinned, evidence, unsuccessful or among the newest ${settings.keepRecentRuns} runs`]
      : [];
  return { deletions, projectedBytes: projected, notes };
}

/**
 * Deleting a run that a kept replay refers to copies the referred rows into the replay's log
 * first (materialize-references.ts): those bytes stay in the database, and are freed only when
 * that replay goes too.
 */
class ReferenceCopies {
  private readonly deleted = new Set<string>();
  private readonly takenOn = new Map<string, number>();

  constructor(private readonly referrers: ReadonlyMap<string, ReadonlyMap<string, number>>) {}

  /** Deletes `runId` (with the rest of its chain, `deletedWith`): the bytes its kept referrers take on. */
  delete(runId: string, deletedWith: ReadonlySet<string>): number {
    this.deleted.add(runId);
    let copied = 0;
    for (const [referrer, bytes] of this.referrers.get(runId) ?? []) {
      if (this.deleted.has(referrer) || deletedWith.has(referrer)) continue;
      this.takenOn.set(referrer, (this.takenOn.get(referrer) ?? 0) + bytes);
      copied += bytes;
    }
    return copied;
  }

  /** What `runId` took on from runs deleted before it. */
  takenOnBy(runId: string): number {
    return this.takenOn.get(runId) ?? 0;
  }
}
