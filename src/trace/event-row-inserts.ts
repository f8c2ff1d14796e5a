import type Database from 'better-sqlite3';

/** Rows per multi-row INSERT: 64 × 4 anonymous parameters and two named ones, far below SQLite's limit. */
export const INSERT_CHUNK_ROWS = 64;

/** The values each row of a chunk binds: type, node_id, at, payload. */
const VALUES_PER_ROW = 4;

/** The run and first sequence number a chunk's rows share (the `@run` and `@seq` of its statement). */
interface ChunkStart {
  run: string;
  seq: number;
}

export interface EventRowStatements {
  readonly insertEvent: Database.Statement<unknown[]>;
  readonly insertEventChunk: Database.Statement<unknown[]>;
}

/** The statement that inserts INSERT_CHUNK_ROWS rows of one run with consecutive sequence numbers. */
export function eventChunkInsertSql(): string {
  const rows = Array.from({ length: INSERT_CHUNK_ROWS }, (_, index) => `(@run, @seq + ${index}, ?, ?, ?, ?)`);
  return `INSERT INTO events (run_id, seq, type, node_id, at, payload) VALUES ${rows.join(', ')}`;
}

/**
 * Puts a transaction's rows into the events table, 64 at a time. Binding costs the writer about
 * as much as SQLite's own insert does (better-sqlite3 converts every string it binds to UTF-8 and
 * copies it), so a chunk binds its run id and first sequence number once instead of per row: the
 * rows of a sink's batch are one run's, in order. Values go in as arguments, not as one array,
 * which better-sqlite3 would read back element by element. Rows that do not fill a chunk of one
 * run (a batch's last few, a change of run) go in one by one. Call `finish` before the
 * transaction commits.
 */
export class EventRowInserts {
  private values: (string | number | null)[] = [];
  private start: ChunkStart = { run: '', seq: 0 };

  constructor(private readonly statements: EventRowStatements) {}

  add(runId: string, seq: number, type: string, nodeId: string | null, at: number, payload: string): void {
    const pending = this.values.length / VALUES_PER_ROW;
    if (pending > 0 && (runId !== this.start.run || seq !== this.start.seq + pending)) this.finish();
    if (this.values.length === 0) this.start = { run: runId, seq };
    this.values.push(type, nodeId, at, payload);
    if (this.values.length === INSERT_CHUNK_ROWS * VALUES_PER_ROW) {
      this.statements.insertEventChunk.run(this.start, ...this.values);
      this.values = [];
    }
  }

  /** Inserts the rows still pending, one by one. */
  finish(): void {
    const { run, seq } = this.start;
    for (let offset = 0; offset < this.values.length; offset += VALUES_PER_ROW) {
      const values = this.values;
      this.statements.insertEvent.run(run, seq + offset / VALUES_PER_ROW, values[offset], values[offset + 1], values[offset + 2], values[offset + 3]);
    }
    this.values = [];
  }
}
