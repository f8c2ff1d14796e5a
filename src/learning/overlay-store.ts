import type Database from 'better-sqlite3';
import type { LessonStatus } from './lesson-kinds.js';
import type { LessonStore } from './lesson-store.js';
import { OverlayChangeRefusedError, UnknownSnapshotError } from './learning-errors.js';
import { EMPTY_SNAPSHOT_ID, shortSnapshotId, snapshotId } from './overlay-snapshot.js';

export type OverlayAction = 'promote' | 'revert' | 'demote' | 'rollback' | 'disable' | 'enable' | 'import' | 'stale';

/** Where the overlay stands: the head of its log. */
export interface OverlayHead {
  readonly snapshotId: string;
  readonly lessonIds: readonly string[];
  readonly enabled: boolean;
  /** The log row that set it (0: nothing happened yet). */
  readonly seq: number;
  readonly at: number | null;
}

export interface OverlayLogEntry {
  readonly seq: number;
  readonly snapshotId: string;
  readonly previousSnapshotId: string;
  readonly enabled: boolean;
  readonly action: OverlayAction;
  readonly lessonId: string | null;
  readonly reason: string;
  readonly at: number;
}

export interface OverlaySnapshot {
  readonly id: string;
  readonly lessonIds: readonly string[];
  readonly createdAt: number;
}

interface LogRow {
  seq: number;
  snapshot_id: string;
  enabled: number;
  action: string;
  lesson_id: string | null;
  reason: string;
  at: number;
}

/**
 * The per-repository overlay: immutable snapshots (content hash of a lesson set) and an
 * append-only log whose last row is the head. Every change reads the head and appends the next
 * row inside one IMMEDIATE transaction, together with the lessons' status events, so two
 * processes promoting at once serialize and the second builds on the first; a crash leaves
 * either the old head or the new one.
 */
export class OverlayStore {
  private readonly statements;

  constructor(
    private readonly database: Database.Database,
    private readonly lessons: LessonStore,
    private readonly now: () => number,
  ) {
    this.statements = {
      head: database.prepare<[], LogRow>('SELECT * FROM learning_overlay_log ORDER BY seq DESC LIMIT 1'),
      log: database.prepare<[], LogRow>('SELECT * FROM learning_overlay_log ORDER BY seq'),
      snapshot: database.prepare<[string], { id: string; lesson_ids: string; created_at: number }>('SELECT * FROM learning_snapshots WHERE id = ?'),
      snapshotsByPrefix: database.prepare<[string], { id: string }>('SELECT id FROM learning_snapshots WHERE id >= ? ORDER BY id LIMIT 20'),
      snapshots: database.prepare<[], { id: string; lesson_ids: string; created_at: number }>('SELECT * FROM learning_snapshots ORDER BY created_at, id'),
      insertSnapshot: database.prepare('INSERT OR IGNORE INTO learning_snapshots (id, lesson_ids, created_at) VALUES (?, ?, ?)'),
      insertLog: database.prepare('INSERT INTO learning_overlay_log (snapshot_id, enabled, action, lesson_id, reason, at) VALUES (?, ?, ?, ?, ?, ?)'),
    };
  }

  head(): OverlayHead {
    const row = this.statements.head.get();
    if (!row) return { snapshotId: EMPTY_SNAPSHOT_ID, lessonIds: [], enabled: true, seq: 0, at: null };
    return { snapshotId: row.snapshot_id, lessonIds: this.snapshot(row.snapshot_id).lessonIds, enabled: row.enabled === 1, seq: row.seq, at: row.at };
  }

  snapshot(id: string): OverlaySnapshot {
    const row = this.statements.snapshot.get(id);
    if (!row && id === EMPTY_SNAPSHOT_ID) return { id, lessonIds: [], createdAt: 0 };
    if (!row) throw new UnknownSnapshotError(id);
    return { id: row.id, lessonIds: JSON.parse(row.lesson_ids) as string[], createdAt: row.created_at };
  }

  /** A snapshot by id or unique prefix; `empty` names the empty overlay. */
  resolveSnapshot(reference: string): OverlaySnapshot {
    const wanted = reference.trim().toLowerCase();
    if (wanted === 'empty' || (wanted.length >= 4 && EMPTY_SNAPSHOT_ID.startsWith(wanted))) return this.snapshot(EMPTY_SNAPSHOT_ID);
    if (!/^[0-9a-f]{4,64}$/.test(wanted)) throw new UnknownSnapshotError(reference);
    const matches = this.statements.snapshotsByPrefix.all(wanted).map((row) => row.id).filter((id) => id.startsWith(wanted));
    if (matches.length !== 1) throw new UnknownSnapshotError(reference);
    return this.snapshot(matches[0]!);
  }

  snapshots(): OverlaySnapshot[] {
    return this.statements.snapshots.all().map((row) => ({ id: row.id, lessonIds: JSON.parse(row.lesson_ids) as string[], createdAt: row.created_at }));
  }

  log(): OverlayLogEntry[] {
    let previous = EMPTY_SNAPSHOT_ID;
    return this.statements.log.all().map((row) => {
      const entry: OverlayLogEntry = {
        seq: row.seq,
        snapshotId: row.snapshot_id,
        previousSnapshotId: previous,
        enabled: row.enabled === 1,
        action: row.action as OverlayAction,
        lessonId: row.lesson_id,
        reason: row.reason,
        at: row.at,
      };
      previous = row.snapshot_id;
      return entry;
    });
  }

  /**
   * Admits a lesson whose last gate decision passed. Refused for a lesson the gate never passed
   * (or rejected since): nothing enters the overlay without the gate.
   */
  promote(lessonId: string, reasons: readonly string[], data?: Readonly<Record<string, unknown>>): OverlayHead {
    return this.change((head) => {
      if (!this.lessons.passedGate(lessonId)) {
        throw new OverlayChangeRefusedError(`lesson ${lessonId.slice(0, 12)} has no passing gate decision; run \`whaleflow learn gate ${lessonId.slice(0, 12)}\` first`);
      }
      if (head.lessonIds.includes(lessonId)) return undefined;
      return { lessonIds: [...head.lessonIds, lessonId], action: 'promote', lessonId, reason: reasons.join('; '), status: { lessonId, status: 'promoted', reasons, data } };
    });
  }

  /** Takes a lesson out of the overlay (a new snapshot); the lesson stays, marked reverted. */
  revert(lessonId: string, reason: string): OverlayHead {
    return this.change((head) => {
      if (!head.lessonIds.includes(lessonId)) throw new OverlayChangeRefusedError(`lesson ${lessonId.slice(0, 12)} is not in the overlay (snapshot ${shortSnapshotId(head.snapshotId)})`);
      return { lessonIds: head.lessonIds.filter((id) => id !== lessonId), action: 'revert', lessonId, reason, status: { lessonId, status: 'reverted', reasons: [reason] } };
    });
  }

  /** Like revert, for a lesson whose figures turned (the janitor) or that went stale. */
  remove(lessonId: string, status: Extract<LessonStatus, 'demoted' | 'stale'>, reasons: readonly string[], data?: Readonly<Record<string, unknown>>): OverlayHead {
    return this.change((head) => {
      const inOverlay = head.lessonIds.includes(lessonId);
      return {
        lessonIds: inOverlay ? head.lessonIds.filter((id) => id !== lessonId) : head.lessonIds,
        action: status === 'demoted' ? 'demote' : 'stale',
        lessonId,
        reason: reasons.join('; '),
        status: { lessonId, status, reasons, data },
        unchanged: !inOverlay,
      };
    });
  }

  /** Makes an earlier snapshot the head again; refused when it holds a lesson rejected since. */
  rollback(reference: string, reason: string): OverlayHead {
    const target = this.resolveSnapshot(reference);
    return this.change((head) => {
      const rejected = target.lessonIds.filter((id) => this.lessons.status(id) === 'rejected');
      if (rejected.length > 0) {
        throw new OverlayChangeRefusedError(`snapshot ${shortSnapshotId(target.id)} holds lesson(s) rejected since (${rejected.map((id) => id.slice(0, 12)).join(', ')}); a rejected lesson never returns to the overlay`);
      }
      const statuses = [
        ...head.lessonIds.filter((id) => !target.lessonIds.includes(id)).map((id) => ({ lessonId: id, status: 'reverted' as const, reasons: [`rollback to ${shortSnapshotId(target.id)}: ${reason}`] })),
        ...target.lessonIds.filter((id) => !head.lessonIds.includes(id)).map((id) => ({ lessonId: id, status: 'promoted' as const, reasons: [`rollback to ${shortSnapshotId(target.id)}: ${reason}`] })),
      ];
      return { lessonIds: target.lessonIds, action: 'rollback', lessonId: null, reason, statuses };
    });
  }

  setEnabled(enabled: boolean, reason: string): OverlayHead {
    return this.change((head) => (head.enabled === enabled ? undefined : { lessonIds: head.lessonIds, action: enabled ? 'enable' : 'disable', lessonId: null, reason, enabled }));
  }

  /** Admits imported lessons (already checked by the caller) in one step. */
  admitImported(lessonIds: readonly string[], reason: string): OverlayHead {
    return this.change((head) => {
      const added = lessonIds.filter((id) => !head.lessonIds.includes(id));
      if (added.length === 0) return undefined;
      return { lessonIds: [...head.lessonIds, ...added], action: 'import', lessonId: null, reason, statuses: added.map((id) => ({ lessonId: id, status: 'promoted' as const, reasons: [reason] })) };
    });
  }

  /**
   * The one way the head moves: read it, decide, write the snapshot, the log row and the status
   * events — all inside one IMMEDIATE transaction (the write lock is taken before the read).
   */
  private change(decide: (head: OverlayHead) => PlannedChange | undefined): OverlayHead {
    return this.database
      .transaction(() => {
        const head = this.head();
        const planned = decide(head);
        if (!planned) return head;
        for (const status of [...(planned.status ? [planned.status] : []), ...(planned.statuses ?? [])]) {
          this.lessons.appendStatus(status.lessonId, status.status, status.reasons, status.data);
        }
        if (planned.unchanged) return head;
        const lessonIds = [...new Set(planned.lessonIds)].sort();
        const id = snapshotId(lessonIds);
        const at = this.now();
        this.statements.insertSnapshot.run(id, JSON.stringify(lessonIds), at);
        const enabled = planned.enabled ?? head.enabled;
        const result = this.statements.insertLog.run(id, enabled ? 1 : 0, planned.action, planned.lessonId, planned.reason, at);
        return { snapshotId: id, lessonIds, enabled, seq: Number(result.lastInsertRowid), at };
      })
      .immediate();
  }
}

interface PlannedStatus {
  readonly lessonId: string;
  readonly status: LessonStatus;
  readonly reasons: readonly string[];
  readonly data?: Readonly<Record<string, unknown>>;
}

interface PlannedChange {
  readonly lessonIds: readonly string[];
  readonly action: OverlayAction;
  readonly lessonId: string | null;
  readonly reason: string;
  readonly enabled?: boolean;
  readonly status?: PlannedStatus;
  readonly statuses?: readonly PlannedStatus[];
  /** Only the status events; the head stays. */
  readonly unchanged?: boolean;
}
