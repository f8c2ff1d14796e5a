import type Database from 'better-sqlite3';
import type { RunEvent } from '../engine/contracts/index.js';
import type { ReferencedOutputs } from './referenced-outputs.js';
import type { RunReference } from './run-references.js';
import { ROW_COLUMNS, rowColumns, type EventRow } from './trace-statements.js';
import type { EventQuery } from './trace-store.js';

/**
 * Rows per page: large enough that paging costs nothing measurable, small enough that a page of
 * big events stays a few megabytes.
 */
const STREAM_PAGE_ROWS = 2048;

/**
 * Rows on their way to be decoded, a page of them (per page, not per row: a read of 40,000 rows
 * made 40,000 such objects): whose rows they are, that run's referenced outputs, and the
 * reference they are read through, if any.
 */
export interface LogPage {
  readonly owner: string;
  readonly rows: readonly EventRow[];
  readonly outputs: ReferencedOutputs;
  readonly reference?: RunReference;
}

/** A row as a replay recording by reference notes it: sequence number, type, node, time, payload. */
export type NotedRow = readonly [seq: number, type: string, nodeId: string | null, at: number, payload: string];

export interface PageOptions {
  /** Rows below this sequence number only. */
  readonly toSeq?: number;
  /** The reference the rows are read through. */
  readonly reference?: RunReference;
  /** Whether the caller decodes node_finished rows (default: whether the query's types include it). */
  readonly decodesNodeFinished?: boolean;
}

/**
 * How SqliteTraceStore reads a run's log: its rows page by page, and, for a run whose log refers
 * to another's (run-references.ts), the rows each reference stands for in its place.
 */
export class RunLogRows {
  /** Page queries, by shape (how many types, whether by node, whether they read references along). */
  private readonly statements = new Map<string, Database.Statement<unknown[], EventRow>>();
  private noted: Database.Statement<unknown[], NotedRow> | undefined;

  constructor(
    private readonly database: Database.Database,
    private readonly guard: <T>(work: () => T) => T,
    private readonly outputsOf: (runId: string, keepsRecent: boolean) => ReferencedOutputs,
  ) {}

  /** The rows of a run: its own, and where it has references, for each the source's rows it stands for. */
  *withReferences(runId: string, query: EventQuery, references: readonly RunReference[]): Generator<LogPage> {
    let fromSeq = query.fromSeq ?? 0;
    for (const reference of references) {
      const end = reference.seq + reference.count;
      if (end <= fromSeq) continue;
      if (fromSeq < reference.seq) yield* this.paged(runId, { ...query, fromSeq }, { toSeq: reference.seq });
      const sourceFrom = reference.sourceSeq + Math.max(0, fromSeq - reference.seq);
      yield* this.paged(reference.sourceRunId, { ...query, fromSeq: sourceFrom }, { toSeq: reference.sourceSeq + reference.count, reference });
      fromSeq = end;
    }
    yield* this.paged(runId, { ...query, fromSeq });
  }

  /**
   * Pages of one run's own rows by sequence number (keyset paging on the (run_id, seq) index),
   * below `toSeq` if given (see PageOptions). A page is read whole before its rows are decoded, so decoding may read
   * blobs on the same connection, which an open iterator would forbid.
   */
  *paged(runId: string, query: EventQuery, options: PageOptions = {}): Generator<LogPage> {
    const types = query.types ?? [];
    const statement = this.statement(types, query.nodeId !== undefined);
    const byNode = query.nodeId === undefined ? [] : [query.nodeId];
    const toSeq = options.toSeq ?? Number.MAX_SAFE_INTEGER;
    let fromSeq = query.fromSeq ?? 0;
    // A read of some types only, node_finished not among them, never resolves a reference.
    const outputs = this.outputsOf(runId, options.decodesNodeFinished ?? (types.length === 0 || types.includes('node_finished')));
    for (;;) {
      const rows = this.guard(() => statement.all(runId, fromSeq, toSeq, ...byNode, ...types, STREAM_PAGE_ROWS));
      yield options.reference ? { owner: runId, rows, outputs, reference: options.reference } : { owner: runId, rows, outputs };
      if (rows.length < STREAM_PAGE_ROWS) return;
      fromSeq = rows[rows.length - 1]!.seq + 1;
    }
  }

  /**
   * A run's own rows, every one, as a replay recording by reference notes them
   * (SqliteTraceStore.readNoting), a page at a time. Read as arrays: better-sqlite3 made
   * an object of each row at ~1.6× the cost, and a 10,000-leaf run has 40,000 of them.
   */
  *notedPages(runId: string): Generator<readonly NotedRow[]> {
    this.noted ??= this.guard(() => this.database.prepare<unknown[], NotedRow>('SELECT seq, type, node_id, at, payload FROM events WHERE run_id = ? AND seq >= ? ORDER BY seq LIMIT ?').raw(true));
    const statement = this.noted;
    for (let fromSeq = 0; ; ) {
      const rows = this.guard(() => statement.all(runId, fromSeq, STREAM_PAGE_ROWS));
      yield rows;
      if (rows.length < STREAM_PAGE_ROWS) return;
      fromSeq = rows[rows.length - 1]![0] + 1;
    }
  }

  private statement(types: readonly RunEvent['type'][], byNode: boolean): Database.Statement<unknown[], EventRow> {
    const columns = rowColumns(types);
    const shape = `${types.length}:${byNode}:${columns === ROW_COLUMNS}`;
    let statement = this.statements.get(shape);
    if (!statement) {
      const typeFilter = types.length === 0 ? '' : ` AND type IN (${types.map(() => '?').join(', ')})`;
      const sql = `SELECT ${columns} FROM events r WHERE run_id = ? AND seq >= ? AND seq < ?${byNode ? ' AND node_id = ?' : ''}${typeFilter} ORDER BY seq LIMIT ?`;
      statement = this.guard(() => this.database.prepare<unknown[], EventRow>(sql));
      this.statements.set(shape, statement);
    }
    return statement;
  }
}
