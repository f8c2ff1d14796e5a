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

/** A row on its way to be decoded: whose row it is, that run's referenced outputs, and the reference it is read through, if any. */
export interface LogRow {
  readonly owner: string;
  readonly row: EventRow;
  readonly outputs: ReferencedOutputs;
  readonly reference?: RunReference;
}

/**
 * How SqliteTraceStore reads a run's log: its rows page by page, and, for a run whose log refers
 * to another's (run-references.ts), the rows each reference stands for in its place.
 */
export class RunLogRows {
  /** Page queries, by shape (how many types, whether by node, whether they read references along). */
  private readonly statements = new Map<string, Database.Statement<unknown[], EventRow>>();

  constructor(
    private readonly database: Database.Database,
    private readonly guard: <T>(work: () => T) => T,
    private readonly outputsOf: (runId: string) => ReferencedOutputs,
  ) {}

  /** The rows of a run with references: its own between them, and for each the source's rows it stands for. */
  *withReferences(runId: string, query: EventQuery, references: readonly RunReference[]): Generator<LogRow> {
    let fromSeq = query.fromSeq ?? 0;
    for (const reference of references) {
      const end = reference.seq + reference.count;
      if (end <= fromSeq) continue;
      if (fromSeq < reference.seq) yield* this.paged(runId, { ...query, fromSeq }, reference.seq);
      const sourceFrom = reference.sourceSeq + Math.max(0, fromSeq - reference.seq);
      for (const entry of this.paged(reference.sourceRunId, { ...query, fromSeq: sourceFrom }, reference.sourceSeq + reference.count)) yield { ...entry, reference };
      fromSeq = end;
    }
    yield* this.paged(runId, { ...query, fromSeq });
  }

  /**
   * Pages of one run's own rows by sequence number (keyset paging on the (run_id, seq) index),
   * below `toSeq` if given; `withNode` reads each row's node_id along. A page is read whole before its rows are decoded, so decoding may
   * read blobs on the same connection, which an open iterator would forbid.
   */
  *paged(runId: string, query: EventQuery, toSeq = Number.MAX_SAFE_INTEGER, withNode = false): Generator<LogRow> {
    const types = query.types ?? [];
    const statement = this.statement(types, query.nodeId !== undefined, withNode);
    const byNode = query.nodeId === undefined ? [] : [query.nodeId];
    let fromSeq = query.fromSeq ?? 0;
    const outputs = this.outputsOf(runId);
    for (;;) {
      const rows = this.guard(() => statement.all(runId, fromSeq, toSeq, ...byNode, ...types, STREAM_PAGE_ROWS));
      for (const row of rows) yield { owner: runId, row, outputs };
      if (rows.length < STREAM_PAGE_ROWS) return;
      fromSeq = rows[rows.length - 1]!.seq + 1;
    }
  }

  private statement(types: readonly RunEvent['type'][], byNode: boolean, withNode: boolean): Database.Statement<unknown[], EventRow> {
    const columns = `${rowColumns(types)}${withNode ? ', node_id' : ''}`;
    const shape = `${types.length}:${byNode}:${columns === ROW_COLUMNS}:${withNode}`;
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
