import type Database from 'better-sqlite3';
import { migrateComponentSchema } from '../util/index.js';
import { JANITOR_COMPONENT, JANITOR_MIGRATIONS } from './janitor-migrations.js';

/** What a pass did to one target (or, for memo entries, to all entries with one reason). */
export interface JanitorActionRecord {
  readonly passId: number;
  readonly policy: string;
  readonly action: string;
  readonly targetKind: 'run' | 'memo' | 'lesson' | 'memory' | 'worktree' | 'database';
  readonly target: string | null;
  readonly count: number;
  readonly bytes: number;
  readonly reason: string;
  readonly detail: Readonly<Record<string, unknown>> | null;
  readonly at: number;
}

/** Records one action of the pass being applied (its id and time filled in). */
export type RecordAction = (action: Omit<JanitorActionRecord, 'passId' | 'at'>) => void;

export type PassOutcome = 'running' | 'completed' | 'failed';

export interface JanitorPassRecord {
  readonly id: number;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly trigger: 'manual' | 'auto';
  /** The run after which an automatic pass ran. */
  readonly triggerRunId: string | null;
  readonly host: string;
  readonly pid: number;
  readonly outcome: PassOutcome;
  readonly summary: readonly JanitorSummaryRow[] | null;
  readonly error: string | null;
  readonly fileBytesBefore: number | null;
  readonly fileBytesAfter: number | null;
}

/** One line of a pass's table: what, how many, bytes. */
export interface JanitorSummaryRow {
  readonly what: string;
  readonly count: number;
  readonly bytes: number;
}

export interface PinRecord {
  readonly runId: string;
  readonly pinnedAt: number;
  readonly note: string | null;
}

interface PassRow {
  id: number;
  started_at: number;
  finished_at: number | null;
  trigger: string;
  trigger_run_id: string | null;
  host: string;
  pid: number;
  outcome: string;
  summary: string | null;
  error: string | null;
  file_bytes_before: number | null;
  file_bytes_after: number | null;
}

interface ActionRow {
  pass_id: number;
  policy: string;
  action: string;
  target_kind: string;
  target: string | null;
  count: number;
  bytes: number;
  reason: string;
  detail: string | null;
  at: number;
}

/** Whether the janitor's tables exist (a read-only reader must not create them). */
export function hasJanitorTables(database: Database.Database): boolean {
  return database.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'janitor_passes'").get() !== undefined;
}

/**
 * The janitor's own records in the project database: passes, what each did and why, pins and
 * compacted runs. Opened for writing it brings its tables up to date; opened for reading on a
 * database without them it reads as empty and never writes.
 */
export class JanitorRecords {
  private readonly present: boolean;

  private constructor(private readonly database: Database.Database) {
    this.present = hasJanitorTables(database);
  }

  /** For a writer: creates or upgrades the tables. */
  static open(database: Database.Database): JanitorRecords {
    migrateComponentSchema(database, JANITOR_COMPONENT, JANITOR_MIGRATIONS);
    return new JanitorRecords(database);
  }

  /** For a reader: never writes; a database without the tables reads as empty. */
  static read(database: Database.Database): JanitorRecords {
    return new JanitorRecords(database);
  }

  pins(): PinRecord[] {
    if (!this.present) return [];
    return this.database
      .prepare<[], { run_id: string; pinned_at: number; note: string | null }>('SELECT run_id, pinned_at, note FROM janitor_pins ORDER BY pinned_at, run_id')
      .all()
      .map((row) => ({ runId: row.run_id, pinnedAt: row.pinned_at, note: row.note }));
  }

  pinnedRunIds(): Set<string> {
    return new Set(this.pins().map((pin) => pin.runId));
  }

  /** Pins a run; true when it was not pinned before. */
  pin(runId: string, at: number, note: string | null): boolean {
    return this.database.prepare('INSERT OR IGNORE INTO janitor_pins (run_id, pinned_at, note) VALUES (?, ?, ?)').run(runId, at, note).changes > 0;
  }

  /** Unpins a run; true when it was pinned. */
  unpin(runId: string): boolean {
    return this.database.prepare('DELETE FROM janitor_pins WHERE run_id = ?').run(runId).changes > 0;
  }

  compactedRunIds(): Set<string> {
    if (!this.present) return new Set();
    return new Set(this.database.prepare<[], { run_id: string }>('SELECT run_id FROM janitor_compacted').all().map((row) => row.run_id));
  }

  markCompacted(runId: string, passId: number, at: number): void {
    this.database.prepare('INSERT OR REPLACE INTO janitor_compacted (run_id, pass_id, compacted_at) VALUES (?, ?, ?)').run(runId, passId, at);
  }

  /** A deleted run is no longer compacted (a new run could reuse its id); a pin of it stays until unpinned. */
  forgetRun(runId: string): void {
    this.database.prepare('DELETE FROM janitor_compacted WHERE run_id = ?').run(runId);
  }

  startPass(pass: { readonly at: number; readonly trigger: 'manual' | 'auto'; readonly triggerRunId?: string; readonly host: string; readonly pid: number; readonly settings: unknown; readonly fileBytes: number }): number {
    const result = this.database
      .prepare("INSERT INTO janitor_passes (started_at, trigger, trigger_run_id, host, pid, settings, outcome, file_bytes_before) VALUES (?, ?, ?, ?, ?, ?, 'running', ?)")
      .run(pass.at, pass.trigger, pass.triggerRunId ?? null, pass.host, pass.pid, JSON.stringify(pass.settings), pass.fileBytes);
    return Number(result.lastInsertRowid);
  }

  finishPass(passId: number, finish: { readonly at: number; readonly outcome: Exclude<PassOutcome, 'running'>; readonly summary: readonly JanitorSummaryRow[]; readonly error?: string; readonly fileBytes: number }): void {
    this.database
      .prepare('UPDATE janitor_passes SET finished_at = ?, outcome = ?, summary = ?, error = ?, file_bytes_after = ? WHERE id = ?')
      .run(finish.at, finish.outcome, JSON.stringify(finish.summary), finish.error ?? null, finish.fileBytes, passId);
  }

  recordAction(action: JanitorActionRecord): void {
    this.database
      .prepare('INSERT INTO janitor_actions (pass_id, policy, action, target_kind, target, count, bytes, reason, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(action.passId, action.policy, action.action, action.targetKind, action.target, action.count, action.bytes, action.reason, action.detail ? JSON.stringify(action.detail) : null, action.at);
  }

  /** Passes, newest first. */
  passes(limit = 20): JanitorPassRecord[] {
    if (!this.present) return [];
    return this.database.prepare<[number], PassRow>('SELECT * FROM janitor_passes ORDER BY id DESC LIMIT ?').all(limit).map(passFromRow);
  }

  lastPass(): JanitorPassRecord | undefined {
    return this.passes(1)[0];
  }

  pass(passId: number): JanitorPassRecord | undefined {
    if (!this.present) return undefined;
    const row = this.database.prepare<[number], PassRow>('SELECT * FROM janitor_passes WHERE id = ?').get(passId);
    return row ? passFromRow(row) : undefined;
  }

  /** What passes did to one target (a run id, a lesson id…), oldest first. */
  actionsOn(targetKind: JanitorActionRecord['targetKind'], target: string): JanitorActionRecord[] {
    if (!this.present) return [];
    return this.database
      .prepare<[string, string], ActionRow>('SELECT * FROM janitor_actions WHERE target_kind = ? AND target = ? ORDER BY id')
      .all(targetKind, target)
      .map(actionFromRow);
  }

  /** Targets of one kind whose id starts with `prefix` (a run id prefix the user typed), newest action first. */
  targetsWithPrefix(targetKind: JanitorActionRecord['targetKind'], prefix: string): string[] {
    if (!this.present || prefix.length === 0) return [];
    const rows = this.database
      .prepare<[string, string, string], { target: string }>(
        'SELECT target FROM janitor_actions WHERE target_kind = ? AND substr(target, 1, length(?)) = ? GROUP BY target ORDER BY MAX(id) DESC LIMIT 20',
      )
      .all(targetKind, prefix, prefix);
    return rows.map((row) => row.target).filter((target) => target.startsWith(prefix));
  }

  actionsOfPass(passId: number): JanitorActionRecord[] {
    if (!this.present) return [];
    return this.database.prepare<[number], ActionRow>('SELECT * FROM janitor_actions WHERE pass_id = ? ORDER BY id').all(passId).map(actionFromRow);
  }

  /** Keeps the records of the newest `keep` passes; returns how many passes were dropped. */
  prune(keep: number): number {
    const cutoff = this.database.prepare<[number], { id: number }>('SELECT id FROM janitor_passes ORDER BY id DESC LIMIT 1 OFFSET ?').get(keep - 1)?.id;
    if (cutoff === undefined) return 0;
    this.database.prepare('DELETE FROM janitor_actions WHERE pass_id < ?').run(cutoff);
    return this.database.prepare('DELETE FROM janitor_passes WHERE id < ?').run(cutoff).changes;
  }
}

function passFromRow(row: PassRow): JanitorPassRecord {
  return {
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    trigger: row.trigger === 'auto' ? 'auto' : 'manual',
    triggerRunId: row.trigger_run_id,
    host: row.host,
    pid: row.pid,
    outcome: row.outcome as PassOutcome,
    summary: row.summary ? (JSON.parse(row.summary) as JanitorSummaryRow[]) : null,
    error: row.error,
    fileBytesBefore: row.file_bytes_before,
    fileBytesAfter: row.file_bytes_after,
  };
}

function actionFromRow(row: ActionRow): JanitorActionRecord {
  return {
    passId: row.pass_id,
    policy: row.policy,
    action: row.action,
    targetKind: row.target_kind as JanitorActionRecord['targetKind'],
    target: row.target,
    count: row.count,
    bytes: row.bytes,
    reason: row.reason,
    detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
    at: row.at,
  };
}
