import type Database from 'better-sqlite3';
import type { CancelReason, RunEvent } from '../engine/contracts/index.js';
import { projectDatabaseError, sha256Hex } from '../util/index.js';
import { foldLeafRuns, foldNodeRuns } from './fold-node-runs.js';
import { eventsOf, LEAF_VIEW_TYPES, NODE_VIEW_TYPES } from './event-stream.js';
import { SecretRedactor } from './redact-secrets.js';
import {
  DEFAULT_BLOB_THRESHOLD_BYTES,
  decodeEvent,
  encodeSerializedEvent,
  eventShapeProblem,
  serializeEvents,
  type SerializedBatch,
} from './stored-event-codec.js';
import { BlobIntegrityError, CorruptTraceError, DamagedEventError } from './trace-errors.js';
import { compactionWork, type CompactionWork } from './compaction-work.js';
import { EffectRowSeqs } from './output-reference.js';
import { outputOfEffectRow, ReferencedOutputs } from './referenced-outputs.js';
import { isMalformedJson, summaryFromRow, summarySelect, type SummaryRow } from './run-summary-row.js';
import { discardSnapshot, openTraceDatabase, readOnlyDatabaseError } from './open-trace-database.js';
import { EventRowInserts } from './event-row-inserts.js';
import { eventTypeOfCode, runIdAt } from './batch-columns.js';
import type { ReferencedEffect } from './event-row.js';
import { prepareTraceStatements, rowColumns, type EventRow, type TraceStatements } from './trace-statements.js';
import { RunLogRows, type LogPage } from './run-log-rows.js';
import { asReferringEvent, referenceFromRow, referringSeq, type RunReference } from './run-references.js';
import { materializeReferences } from './materialize-references.js';
import type { RecordedRows } from './recorded-rows.js';
import type { CancelRequestRecord, CompactionEstimate, CompactionOptions, CompactionReport, EventQuery, LeafRunView } from './trace-store.js';
import type { NodeRunView, ReadableEvents, RunSize, RunSummary, StoredEvent, TraceStore } from './trace-store.js';

export interface SqliteTraceStoreOptions {
  readonly blobThresholdBytes?: number;
  readonly redactor?: SecretRedactor;
  /**
   * Open an existing database that cannot be written (a read-only directory) for reading
   * instead of failing; writes then fail with a clear error. Off for writers (the recorder).
   */
  readonly readOnlyFallback?: boolean;
  /** SQLite's page cache in KiB (see TraceDatabaseAccess); default: SQLite's. */
  readonly pageCacheKib?: number;
}


/**
 * The trace store in a SQLite file (WAL: readers never block the writer). Owns the tables
 * created by trace-migrations.ts and nothing else, so the memo can share the database.
 */
export class SqliteTraceStore implements TraceStore {
  readonly database: Database.Database;
  /** True when the database could only be opened for reading (see readOnlyFallback). */
  readonly readOnly: boolean;
  private readonly snapshotDirectory: string | undefined;
  private readonly redactor: SecretRedactor;
  private readonly blobThresholdBytes: number;
  private readonly nextSeq = new Map<string, number>();
  /** Where each node's last effect_completed row went, for the node_finished that refers to it. */
  private readonly effectRows = new EffectRowSeqs();
  private readonly statements: TraceStatements;
  /** A run's rows page by page, its references' in their place (eventStream and the reads built on it). */
  private readonly logRows: RunLogRows;

  constructor(
    readonly path: string,
    options: SqliteTraceStoreOptions = {},
  ) {
    const opened = openTraceDatabase(path, { readOnlyFallback: options.readOnlyFallback, ...(options.pageCacheKib !== undefined ? { pageCacheKib: options.pageCacheKib } : {}) });
    this.database = opened.database;
    this.readOnly = opened.readOnly;
    this.snapshotDirectory = opened.snapshotDirectory;
    this.redactor = options.redactor ?? new SecretRedactor();
    this.blobThresholdBytes = options.blobThresholdBytes ?? DEFAULT_BLOB_THRESHOLD_BYTES;
    this.statements = this.guard(() => prepareTraceStatements(this.database));
    this.logRows = new RunLogRows(this.database, (work) => this.guard(work), (runId, keepsRecent) => this.referencedOutputs(runId, keepsRecent));
  }

  /**
   * Every public method runs through here: an error from SQLite or the file system leaves as
   * a ProjectDatabaseError naming this file and what to do, never as a raw SqliteError.
   */
  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw projectDatabaseError(error, this.path) ?? error;
    }
  }

  appendEvents(batch: readonly RunEvent[]): void {
    this.appendSerialized(serializeEvents(batch));
  }

  /**
   * Appends events already serialized (by a sink on another thread), in one transaction.
   * Sequence numbers are taken only when the transaction commits, so a failed write leaves
   * no gap in a run's log. IMMEDIATE: the transaction reads (the next sequence number, blobs)
   * before it writes, and a deferred one whose snapshot another connection wrote past (the
   * run's memo store, in the same file) fails at its first write without waiting.
   */
  appendSerialized(batch: SerializedBatch): void {
    const { runIds, types, nodeIds, at, json, largeStrings, outputReferences = [] } = batch;
    if (json.length === 0) return;
    const taken = new Map<string, number>();
    try {
      this.guard(() => this.database.transaction(() => {
        const inserts = new EventRowInserts(this.statements);
        let nextReference = 0;
        for (let index = 0; index < json.length; index += 1) {
          const runId = runIdAt(runIds, index);
          const type = eventTypeOfCode(types[index]!);
          const seq = this.takeSeq(runId, taken);
          let body = json[index]!;
          if (type === 'effect_completed') this.effectRows.completed(runId, nodeIds[index]!, seq);
          else if (type === 'node_finished') {
            const effectSeq = this.effectRows.finished(runId, nodeIds[index]!);
            if (outputReferences[nextReference] === index) {
              body = this.effectRows.fill(body, runId, nodeIds[index]!, effectSeq);
              nextReference += 1;
            }
          } else if (type === 'run_finished') this.effectRows.runFinished(runId);
          const encoded = encodeSerializedEvent(body, type, this.redactor, (content) => this.putBlob(content), this.blobThresholdBytes, largeStrings?.get(index));
          for (const hash of encoded.blobHashes) this.statements.insertRunBlob.run(runId, hash);
          inserts.add(runId, seq, type, nodeIds[index]!, at[index]!, encoded.payload);
        }
        inserts.finish();
      }).immediate());
    } catch (error) {
      this.effectRows.invalidate();
      throw error;
    }
    for (const [runId, next] of taken) this.nextSeq.set(runId, next);
  }

  /** The next sequence number of `runId` within the current batch (`taken`), from the log on first use. */
  private takeSeq(runId: string, taken: Map<string, number>, count = 1): number {
    let next = taken.get(runId) ?? this.nextSeq.get(runId);
    if (next === undefined) {
      const row = this.statements.maxSeq.get(runId, runId);
      next = row?.seq === null || row?.seq === undefined ? 0 : row.seq + 1;
    }
    taken.set(runId, next + count);
    return next;
  }

  /**
   * Appends to `runId`'s log a reference to `count` rows of another run (run-references.ts),
   * after everything appended so far: it takes as many sequence numbers as it stands for.
   */
  appendReference(runId: string, reference: Omit<RunReference, 'seq'>): void {
    const taken = new Map<string, number>();
    this.guard(() =>
      this.database.transaction(() => {
        const seq = this.takeSeq(runId, taken, reference.count);
        this.statements.insertReference.run(runId, seq, reference.count, reference.sourceRunId, reference.sourceSeq, reference.at);
      }).immediate(),
    );
    for (const [run, next] of taken) this.nextSeq.set(run, next);
  }

  /** The references in `runId`'s log, in order (none for a run that repeats no other). */
  referencesOf(runId: string): RunReference[] {
    return this.guard(() => this.statements.references.all(runId)).map(referenceFromRow);
  }

  /**
   * The run's events of `types`, as eventStream gives them, handed to `take` in order from one
   * pass over all its own rows, each of which is noted in `rows` (what a replay recording by
   * reference compares with). For a run without references (see referencesOf). Handed on, not
   * yielded: through generators (this pass, then the caller's) each of 20,000 events cost two
   * generator resumptions and a wrapper object, ~5 % of a warm replay's instructions.
   */
  readNoting(runId: string, types: readonly RunEvent['type'][], rows: RecordedRows, take: (seq: number, event: RunEvent) => void): void {
    const wanted = new Set(types);
    const outputs = this.referencedOutputs(runId, types.includes('node_finished'));
    for (const page of this.logRows.notedPages(runId)) {
      for (let index = 0; index < page.length; index += 1) {
        const [seq, type, nodeId, at, payload] = page[index]!;
        const kind = rows.note(seq, type, nodeId, payload);
        if (wanted.has(kind)) take(seq, this.decode(runId, { seq, type: kind, at, payload, node_id: nodeId }, outputs));
      }
    }
  }

  /** Stores content under its SHA-256, after redaction: any byte content, not only what events carried. */
  putBlob(content: string | Uint8Array): string {
    const bytes = typeof content === 'string' ? Buffer.from(this.redactor.redactString(content), 'utf8') : Buffer.from(this.redactor.redactBytes(content));
    const hash = sha256Hex(bytes);
    this.guard(() => this.statements.insertBlob.run(hash, bytes.length, bytes));
    return hash;
  }

  /** The blob's content, verified against its SHA-256: an altered blob raises BlobIntegrityError. */
  getBlob(hash: string): Buffer | undefined {
    const content = this.guard(() => this.statements.getBlob.get(hash)?.content);
    if (content === undefined) return undefined;
    const actual = sha256Hex(content);
    if (actual !== hash) throw new BlobIntegrityError(this.path, hash, actual);
    return content;
  }

  listRuns(options: { readonly limit?: number } = {}): RunSummary[] {
    return this.guard(() => {
      try {
        return this.summaries(this.statements.runSummaries, options.limit);
      } catch (error) {
        if (!isMalformedJson(error)) throw error;
        return this.summaries(this.database.prepare<[], SummaryRow>(`${summarySelect(true)} ORDER BY s.at DESC, s.id DESC`), options.limit);
      }
    });
  }

  private summaries(statement: Database.Statement<[], SummaryRow>, limit: number | undefined): RunSummary[] {
    const summaries: RunSummary[] = [];
    for (const row of statement.iterate()) {
      summaries.push(summaryFromRow(row));
      if (limit !== undefined && summaries.length >= limit) break;
    }
    return summaries;
  }

  getRun(runId: string): RunSummary | undefined {
    const row = this.guard(() => {
      try {
        return this.statements.runSummary.get(runId);
      } catch (error) {
        if (!isMalformedJson(error)) throw error;
        return this.database.prepare<[string], SummaryRow>(`${summarySelect(true)} AND s.run_id = ?`).get(runId);
      }
    });
    return row ? summaryFromRow(row) : undefined;
  }

  /**
   * One row back into its event; a row that is not a readable event of the run raises
   * DamagedEventError. `outputs`: the pass's referenced outputs (node_finished, see ReferencedOutputs).
   */
  private decode(runId: string, row: EventRow, outputs: ReferencedOutputs): RunEvent {
    let event: RunEvent;
    try {
      outputs.row(row.referenced);
      event = decodeEvent(row.payload, { type: row.type, runId, at: row.at, nodeId: row.node_id }, (hash) => this.getBlob(hash), outputs.resolve);
      outputs.passed(row.seq, event);
    } catch (error) {
      if (error instanceof SyntaxError) throw new DamagedEventError(this.path, runId, row.seq, `invalid JSON: ${error.message}`, { cause: error });
      if (error instanceof CorruptTraceError) throw new DamagedEventError(this.path, runId, row.seq, error.message.replace(`${this.path}: `, ''), { cause: error });
      throw error;
    }
    const problem = eventShapeProblem(event, runId);
    if (problem !== undefined) throw new DamagedEventError(this.path, runId, row.seq, problem);
    return event;
  }

  /** A pass's referenced outputs: those not passed on the way are read from their rows. */
  private referencedOutputs(runId: string, keepsRecent = true): ReferencedOutputs {
    return new ReferencedOutputs((seq, nodeId) => this.effectRowOutput(runId, seq, nodeId), keepsRecent);
  }

  /** The output of the effect_completed row `seq`, which a node_finished of `nodeId` refers to. */
  private effectRowOutput(runId: string, seq: number, nodeId: unknown): ReferencedEffect {
    return outputOfEffectRow(this.guard(() => this.statements.effectOutput.get(runId, seq)), seq, nodeId, (hash) => this.getBlob(hash));
  }

  private rows(runId: string, fromSeq: number, types?: readonly RunEvent['type'][]): EventRow[] {
    // Filtering by type in SQL spares decoding what the caller would drop (replay reads ~half the log).
    return this.guard(() =>
      types
        ? this.database
            .prepare<unknown[], EventRow>(`SELECT ${rowColumns(types)} FROM events r WHERE run_id = ? AND seq >= ? AND type IN (${types.map(() => '?').join(', ')}) ORDER BY seq`)
            .all(runId, fromSeq, ...types)
        : this.statements.eventsFrom.all(runId, fromSeq),
    );
  }

  events(runId: string, fromSeq = 0, types?: readonly RunEvent['type'][]): StoredEvent[] {
    const references = this.referencesOf(runId);
    if (references.length > 0) return [...this.eventStream(runId, { fromSeq, ...(types ? { types } : {}) })];
    const outputs = this.referencedOutputs(runId);
    return this.rows(runId, fromSeq, types).map((row) => ({ seq: row.seq, event: this.decode(runId, row, outputs) }));
  }

  readableEvents(runId: string, fromSeq = 0): ReadableEvents {
    const events: StoredEvent[] = [];
    const damaged: DamagedEventError[] = [];
    for (const page of this.logRows.withReferences(runId, { fromSeq }, this.referencesOf(runId))) {
      for (const row of page.rows) {
        try {
          events.push(this.decodeLogRow(runId, page, row));
        } catch (error) {
          if (!(error instanceof DamagedEventError)) throw error;
          damaged.push(error);
        }
      }
    }
    return { events, damaged };
  }

  /**
   * The run's events by sequence number, a page at a time: its own rows, and the rows its
   * references stand for (run-references.ts) in their place.
   */
  *eventStream(runId: string, query: EventQuery = {}): Generator<StoredEvent> {
    for (const page of this.logRows.withReferences(runId, query, this.referencesOf(runId))) for (const row of page.rows) yield this.decodeLogRow(runId, page, row);
  }

  private decodeLogRow(runId: string, { owner, outputs, reference }: LogPage, row: EventRow): StoredEvent {
    const event = this.decode(owner, row, outputs);
    if (!reference) return { seq: row.seq, event };
    return { seq: referringSeq(reference, row.seq), event: asReferringEvent(event, runId, reference.at) };
  }

  nodeRuns(runId: string, nodeId?: string): NodeRunView[] {
    return foldNodeRuns(eventsOf(this.eventStream(runId, { types: NODE_VIEW_TYPES, nodeId })));
  }

  leafRuns(runId: string, nodeId?: string): LeafRunView[] {
    return foldLeafRuns(eventsOf(this.eventStream(runId, { types: LEAF_VIEW_TYPES, nodeId })));
  }

  requestCancel(runId: string, nodeId: string | null, reason: CancelReason, at: number): void {
    this.guard(() => this.statements.insertCancel.run(runId, nodeId, JSON.stringify(reason), at));
  }

  readCancelRequests(runId: string, afterId = 0): CancelRequestRecord[] {
    return this.guard(() => this.statements.readCancels.all(runId, afterId)).map((row) => ({
      id: row.id,
      runId: row.run_id,
      nodeId: row.node_id,
      reason: JSON.parse(row.reason) as CancelReason,
      requestedAt: row.requested_at,
    }));
  }

  runSize(runId: string): RunSize {
    const events = this.guard(() => this.statements.eventBytes.get(runId));
    const blobs = this.guard(() => this.statements.blobBytes.get(runId));
    const referenced = this.guard(() => this.statements.referencedCount.get(runId))?.count ?? 0;
    const eventBytes = events?.bytes ?? 0;
    const blobBytes = blobs?.bytes ?? 0;
    // Events a reference stands for count as the run's; their bytes are the source run's.
    return { eventCount: (events?.count ?? 0) + referenced, eventBytes, blobBytes, totalBytes: eventBytes + blobBytes };
  }

  /**
   * The one way rows leave the log: a maintenance grant for the run is inserted and removed
   * inside the same transaction, so the append-only triggers let exactly this run's rows go.
   */
  private withMaintenanceGrant<T>(runId: string, work: () => T): T {
    return this.guard(() =>
      this.database.transaction(() => {
        this.database.prepare('INSERT OR IGNORE INTO maintenance_grants (run_id) VALUES (?)').run(runId);
        try {
          return work();
        } finally {
          this.database.prepare('DELETE FROM maintenance_grants WHERE run_id = ?').run(runId);
        }
      }).immediate(),
    );
  }

  deleteRun(runId: string): void {
    this.withMaintenanceGrant(runId, () => {
      // A run another run's log refers to leaves its rows there first (a replay keeps its record).
      for (const { run_id: referrer } of this.statements.referrers.all(runId)) this.materializeReferencesTo(referrer, runId);
      this.database.prepare('DELETE FROM run_references WHERE run_id = ?').run(runId);
      this.database.prepare('DELETE FROM events WHERE run_id = ?').run(runId);
      this.database.prepare('DELETE FROM cancel_requests WHERE run_id = ?').run(runId);
      const hashes = this.database.prepare<[string], { hash: string }>('SELECT hash FROM run_blobs WHERE run_id = ?').all(runId);
      this.database.prepare('DELETE FROM run_blobs WHERE run_id = ?').run(runId);
      // Only this run's blobs, and only those no other run shares.
      const dropBlob = this.database.prepare('DELETE FROM blobs WHERE hash = ? AND NOT EXISTS (SELECT 1 FROM run_blobs WHERE hash = ?)');
      for (const { hash } of hashes) dropBlob.run(hash, hash);
    });
    this.nextSeq.delete(runId);
  }

  compactRun(runId: string, options: CompactionOptions = {}): CompactionReport {
    const bytesBefore = this.runSize(runId).totalBytes;
    // Planned inside the maintenance transaction: what is rewritten is what was read.
    const work = this.withMaintenanceGrant(runId, () => {
      const planned = this.compactionWork(runId, options, new Set());
      const remove = this.database.prepare('DELETE FROM events WHERE run_id = ? AND seq = ?');
      const rewrite = this.database.prepare('UPDATE events SET payload = ? WHERE run_id = ? AND seq = ?');
      for (const seq of planned.dropSeqs) remove.run(runId, seq);
      for (const content of planned.newBlobs.values()) this.putBlob(content);
      for (const row of planned.rewrites) {
        for (const hash of row.blobHashes) this.statements.insertRunBlob.run(runId, hash);
        rewrite.run(row.payload, runId, row.seq);
      }
      return planned;
    });
    return { removedEvents: work.dropSeqs.length, movedToBlobs: work.movedToBlobs, bytesBefore, bytesAfter: this.runSize(runId).totalBytes, freedBytes: work.freedBytes };
  }

  /**
   * What compactRun would do to the run, without writing: for a dry run, and for an estimate of
   * many runs in a row (`createdBlobs`: blobs earlier estimates would create, counted as existing).
   */
  estimateCompaction(runId: string, options: CompactionOptions = {}, createdBlobs: ReadonlySet<string> = new Set()): CompactionEstimate {
    const work = this.guard(() => this.database.transaction(() => this.compactionWork(runId, options, createdBlobs))());
    return { removedEvents: work.dropSeqs.length, movedToBlobs: work.movedToBlobs, freedBytes: work.freedBytes, newBlobHashes: [...work.newBlobs.keys()] };
  }

  private compactionWork(runId: string, options: CompactionOptions, createdBlobs: ReadonlySet<string>): CompactionWork {
    const blobExists = this.database.prepare<[string], { one: number }>('SELECT 1 AS one FROM blobs WHERE hash = ?');
    return compactionWork({
      stored: new Map(this.statements.eventsFrom.all(runId, 0).map((row) => [row.seq, row.payload])),
      // Its own rows: what its references stand for is the source run's to compact.
      events: this.decodedPages(runId, this.logRows.paged(runId, {})),
      options,
      createdBlobs,
      blobExists: (hash) => blobExists.get(hash) !== undefined,
    });
  }

  /** Writes the rows `referrer`'s references to `sourceRunId` stand for into its own log, in their place (deleteRun). */
  private materializeReferencesTo(referrer: string, sourceRunId: string): void {
    materializeReferences(referrer, this.referencesOf(referrer).filter((reference) => reference.sourceRunId === sourceRunId), {
      read: (reference) => this.decodedPages(referrer, this.logRows.paged(sourceRunId, { fromSeq: reference.sourceSeq }, { toSeq: reference.sourceSeq + reference.count, reference })),
      putBlob: (content) => this.putBlob(content),
      blobThresholdBytes: this.blobThresholdBytes,
      insertRow: (row) => this.statements.insertEvent.run(row),
      insertRunBlob: (hash) => this.statements.insertRunBlob.run(referrer, hash),
      dropReference: (reference) => this.database.prepare('DELETE FROM run_references WHERE run_id = ? AND seq = ?').run(referrer, reference.seq),
    });
  }

  private decodedPages(runId: string, pages: Iterable<LogPage>): StoredEvent[] {
    return [...pages].flatMap((page) => page.rows.map((row) => this.decodeLogRow(runId, page, row)));
  }

  /** Throws the read-only error a write would raise, before a command starts work it could not record. */
  assertWritable(): void {
    if (this.readOnly) throw readOnlyDatabaseError(this.path);
  }

  /** Runs `PRAGMA integrity_check`; 'ok' when the file is sound. */
  integrityCheck(): string {
    return this.guard(() => this.database.pragma('integrity_check', { simple: true }) as string);
  }

  close(): void {
    if (this.database.open) this.database.close();
    discardSnapshot({ snapshotDirectory: this.snapshotDirectory });
  }
}
