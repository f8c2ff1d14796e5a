import { isProcessAlive, isRunInterrupted, type PidChecker } from '../runs/index.js';
import type { RunSummary, SqliteTraceStore } from '../trace/index.js';

/** Where a run stands for the janitor: still at work, finished, or stopped for good without finishing. */
export type RunState = 'alive' | 'finished' | 'interrupted';

export interface RunFacts {
  readonly summary: RunSummary;
  readonly state: RunState;
  /** For an unfinished run: whether its recorded process answers (null: no pid recorded), and its last sign of life. */
  readonly pidAlive: boolean | null;
  readonly lastSignAt: number;
  /** The first run of its resume chain (itself unless it is a resume). */
  readonly chainRoot: string;
  /** Bytes of its event rows. */
  readonly payloadBytes: number;
  /** The blobs it references. */
  readonly blobHashes: readonly string[];
}

/**
 * A run and the resumes of it: one unit for deletion (a crashed run whose resume is deleted
 * would look resumable again) and for locking (a resume holds the chain's lock).
 */
export interface RunChain {
  readonly root: string;
  /** Oldest first. */
  readonly runs: readonly RunFacts[];
  /** The newest run of the chain: its status is the chain's outcome. */
  readonly newest: RunFacts;
  readonly alive: boolean;
}

export interface RunInventory {
  readonly runs: ReadonlyMap<string, RunFacts>;
  readonly chains: ReadonlyMap<string, RunChain>;
  readonly blobSizes: ReadonlyMap<string, number>;
  /** How many runs reference each blob. */
  readonly blobUsers: ReadonlyMap<string, number>;
  /**
   * For each run another run's log refers to (a replay recorded by reference): each referring run
   * and the bytes of the rows it refers to, which deleting the source copies into its log.
   */
  readonly referrers: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Event payload bytes plus blob bytes: what runs hold in the database. */
  readonly logicalBytes: number;
}

export interface LivenessInput {
  readonly now: number;
  readonly isPidAlive?: PidChecker;
}

/** Every run with its size, liveness (as `ps` judges it) and chain, read without decoding any payload but heartbeats. */
export function readRunInventory(store: SqliteTraceStore, liveness: LivenessInput): RunInventory {
  const database = store.database;
  const payloads = new Map(
    database.prepare<[], { run_id: string; bytes: number }>('SELECT run_id, SUM(octet_length(payload)) AS bytes FROM events GROUP BY run_id').all().map((row) => [row.run_id, row.bytes]),
  );
  const blobSizes = new Map(database.prepare<[], { hash: string; size: number }>('SELECT hash, size FROM blobs').all().map((row) => [row.hash, row.size]));
  const blobsOf = new Map<string, string[]>();
  const blobUsers = new Map<string, number>();
  for (const row of database.prepare<[], { run_id: string; hash: string }>('SELECT run_id, hash FROM run_blobs').iterate()) {
    (blobsOf.get(row.run_id) ?? blobsOf.set(row.run_id, []).get(row.run_id)!).push(row.hash);
    blobUsers.set(row.hash, (blobUsers.get(row.hash) ?? 0) + 1);
  }
  const summaries = store.listRuns();
  const byId = new Map(summaries.map((summary) => [summary.runId, summary]));
  const runs = new Map<string, RunFacts>();
  for (const summary of summaries) {
    const life = runLife(store, summary, liveness);
    runs.set(summary.runId, {
      summary,
      ...life,
      chainRoot: chainRootOf(summary, byId),
      payloadBytes: payloads.get(summary.runId) ?? 0,
      blobHashes: blobsOf.get(summary.runId) ?? [],
    });
  }
  let logicalBytes = 0;
  for (const bytes of payloads.values()) logicalBytes += bytes;
  for (const size of blobSizes.values()) logicalBytes += size;
  return { runs, chains: chainsOf(runs), blobSizes, blobUsers, referrers: readReferrers(store), logicalBytes };
}

function readReferrers(store: SqliteTraceStore): Map<string, Map<string, number>> {
  const rows = store.database
    .prepare<[], { source: string; referrer: string; bytes: number }>(
      `SELECT r.source_run_id AS source, r.run_id AS referrer, SUM(octet_length(e.payload)) AS bytes
       FROM run_references r JOIN events e ON e.run_id = r.source_run_id AND e.seq >= r.source_seq AND e.seq < r.source_seq + r.count
       GROUP BY r.source_run_id, r.run_id`,
    )
    .all();
  const referrers = new Map<string, Map<string, number>>();
  for (const row of rows) (referrers.get(row.source) ?? referrers.set(row.source, new Map()).get(row.source)!).set(row.referrer, row.bytes);
  return referrers;
}

function runLife(store: SqliteTraceStore, summary: RunSummary, liveness: LivenessInput): { state: RunState; pidAlive: boolean | null; lastSignAt: number } {
  if (summary.finishedAt !== null) return { state: 'finished', pidAlive: null, lastSignAt: summary.finishedAt };
  const heartbeat = store.events(summary.runId, 0, ['heartbeat']).at(-1)?.event;
  const last = store.events(summary.runId, Math.max(0, summary.eventCount - 1)).at(-1)?.event;
  const interrupted = isRunInterrupted(
    {
      finished: false,
      pid: heartbeat?.type === 'heartbeat' ? heartbeat.pid : null,
      lastHeartbeatAt: heartbeat?.at ?? null,
      lastEventAt: last?.at ?? summary.startedAt,
    },
    { now: liveness.now, ...(liveness.isPidAlive ? { isPidAlive: liveness.isPidAlive } : {}) },
  );
  const pid = heartbeat?.type === 'heartbeat' ? heartbeat.pid : null;
  return {
    state: interrupted ? 'interrupted' : 'alive',
    pidAlive: pid === null ? null : (liveness.isPidAlive ?? isProcessAlive)(pid),
    lastSignAt: Math.max(heartbeat?.at ?? 0, last?.at ?? summary.startedAt),
  };
}

/** Follows resumes back to the first run still stored (a bounded walk: a corrupt cycle stops it). */
function chainRootOf(summary: RunSummary, byId: ReadonlyMap<string, RunSummary>): string {
  let current = summary;
  for (let steps = 0; steps < 64 && current.mode === 'resume' && current.parentRunId !== null; steps++) {
    const parent = byId.get(current.parentRunId);
    if (!parent) return current.parentRunId;
    current = parent;
  }
  return current.runId;
}

function chainsOf(runs: ReadonlyMap<string, RunFacts>): Map<string, RunChain> {
  const members = new Map<string, RunFacts[]>();
  for (const facts of runs.values()) (members.get(facts.chainRoot) ?? members.set(facts.chainRoot, []).get(facts.chainRoot)!).push(facts);
  const chains = new Map<string, RunChain>();
  for (const [root, list] of members) {
    const ordered = [...list].sort((left, right) => left.summary.startedAt - right.summary.startedAt || (left.summary.runId < right.summary.runId ? -1 : 1));
    chains.set(root, { root, runs: ordered, newest: ordered[ordered.length - 1]!, alive: ordered.some((run) => run.state === 'alive') });
  }
  return chains;
}
