import type Database from 'better-sqlite3';
import { LESSON_STATUSES, type LessonKind, type LessonStatus } from './lesson-kinds.js';
import { LessonRecordSchema, type Lesson, type LessonStatusEvent } from './lesson-schema.js';
import { UnknownLessonError } from './learning-errors.js';

interface LessonRow {
  id: string;
  record: string;
}

interface EventRow {
  seq: number;
  lesson_id: string;
  status: string;
  reasons: string;
  data: string | null;
  at: number;
}

/** A lesson with where it stands: its last status event. */
export interface LessonSummary {
  readonly lesson: Lesson;
  readonly status: LessonStatus;
  readonly statusAt: number;
  readonly reasons: readonly string[];
}

export interface GateDecisionRecord {
  readonly seq: number;
  readonly lessonId: string;
  readonly stage: 'screen' | 'validate';
  readonly decision: 'pass' | 'reject' | 'inconclusive';
  readonly againstSnapshot: string;
  readonly reasons: readonly string[];
  readonly figures: Readonly<Record<string, unknown>>;
  readonly at: number;
}

export interface ReplayRecord<Result = unknown> {
  readonly seq: number;
  readonly lessonId: string;
  readonly againstSnapshot: string;
  readonly baselineRunId: string;
  readonly candidateRunId: string;
  readonly result: Result;
  readonly at: number;
}

/**
 * Lessons and their append-only status history in the project database. A lesson row is
 * written once (its id is its content hash); everything that happens to it afterwards is a new
 * status event, never an update.
 */
export class LessonStore {
  private readonly statements;

  constructor(
    private readonly database: Database.Database,
    private readonly now: () => number,
  ) {
    this.statements = {
      insertLesson: database.prepare('INSERT OR IGNORE INTO learning_lessons (id, kind, record, created_at) VALUES (?, ?, ?, ?)'),
      lesson: database.prepare<[string], LessonRow>('SELECT id, record FROM learning_lessons WHERE id = ?'),
      lessonsByPrefix: database.prepare<[string], { id: string }>("SELECT id FROM learning_lessons WHERE id >= ? ORDER BY id LIMIT 20"),
      allLessons: database.prepare<[], LessonRow>('SELECT id, record FROM learning_lessons ORDER BY created_at, id'),
      insertEvent: database.prepare('INSERT INTO learning_lesson_events (lesson_id, status, reasons, data, at) VALUES (?, ?, ?, ?, ?)'),
      events: database.prepare<[string], EventRow>('SELECT * FROM learning_lesson_events WHERE lesson_id = ? ORDER BY seq'),
      lastEvents: database.prepare<[], EventRow>(
        'SELECT e.* FROM learning_lesson_events e JOIN (SELECT lesson_id, MAX(seq) AS seq FROM learning_lesson_events GROUP BY lesson_id) last ON last.seq = e.seq',
      ),
      lastEvent: database.prepare<[string], EventRow>('SELECT * FROM learning_lesson_events WHERE lesson_id = ? ORDER BY seq DESC LIMIT 1'),
      insertDecision: database.prepare(
        'INSERT INTO learning_gate_decisions (lesson_id, stage, decision, against_snapshot, reasons, figures, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      decisions: database.prepare<[string], { seq: number; lesson_id: string; stage: string; decision: string; against_snapshot: string; reasons: string; figures: string; at: number }>(
        'SELECT * FROM learning_gate_decisions WHERE lesson_id = ? ORDER BY seq',
      ),
      insertReplay: database.prepare('INSERT INTO learning_replays (lesson_id, against_snapshot, baseline_run_id, candidate_run_id, result, at) VALUES (?, ?, ?, ?, ?, ?)'),
      replays: database.prepare<[string], { seq: number; lesson_id: string; against_snapshot: string; baseline_run_id: string; candidate_run_id: string; result: string; at: number }>(
        'SELECT * FROM learning_replays WHERE lesson_id = ? ORDER BY seq',
      ),
    };
  }

  /**
   * Adds a lesson with its `proposed` event, in one transaction; a lesson already stored (the
   * same advice for the same scope) is left as it is and reported as not created.
   */
  add(lesson: Lesson, reasons: readonly string[]): { readonly lesson: Lesson; readonly created: boolean } {
    const record = LessonRecordSchema.parse(lesson);
    return this.database
      .transaction(() => {
        const inserted = this.statements.insertLesson.run(record.id, record.kind, JSON.stringify(record), record.created_at).changes > 0;
        if (!inserted) return { lesson: this.get(record.id)!, created: false };
        this.statements.insertEvent.run(record.id, 'proposed', JSON.stringify(reasons), null, this.now());
        return { lesson, created: true };
      })
      .immediate();
  }

  get(id: string): Lesson | undefined {
    const row = this.statements.lesson.get(id);
    return row ? parseLesson(row) : undefined;
  }

  /**
   * The lesson with the invalidation data it was last promoted with: a stale lesson replayed and
   * promoted again is judged against the files it was validated on then, not when first learned.
   */
  getEffective(id: string): Lesson | undefined {
    const lesson = this.get(id);
    if (!lesson) return undefined;
    const promoted = this.history(id).filter((event) => event.status === 'promoted' && event.data && typeof event.data.invalidation === 'object').at(-1);
    if (!promoted) return lesson;
    return { ...lesson, invalidation: { ...lesson.invalidation, ...(promoted.data!.invalidation as Partial<Lesson['invalidation']>) } };
  }

  /** A lesson by id or unique id prefix (at least 4 hex digits). */
  resolve(reference: string): Lesson {
    const wanted = reference.trim().toLowerCase();
    if (!/^[0-9a-f]{4,64}$/.test(wanted)) throw new UnknownLessonError(reference);
    const matches = this.statements.lessonsByPrefix.all(wanted).map((row) => row.id).filter((id) => id.startsWith(wanted));
    if (matches.length !== 1) throw new UnknownLessonError(reference, matches);
    return this.get(matches[0]!)!;
  }

  all(): Lesson[] {
    return this.statements.allLessons.all().map(parseLesson);
  }

  /** Every lesson with its current status, oldest first, optionally only some statuses or kinds. */
  list(filter: { readonly statuses?: readonly LessonStatus[]; readonly kinds?: readonly LessonKind[] } = {}): LessonSummary[] {
    const last = new Map(this.statements.lastEvents.all().map((row) => [row.lesson_id, row]));
    return this.all()
      .map((lesson) => {
        const event = last.get(lesson.id);
        return { lesson, status: (event?.status ?? 'proposed') as LessonStatus, statusAt: event?.at ?? lesson.created_at, reasons: event ? (JSON.parse(event.reasons) as string[]) : [] };
      })
      .filter((summary) => (!filter.statuses || filter.statuses.includes(summary.status)) && (!filter.kinds || filter.kinds.includes(summary.lesson.kind)));
  }

  status(id: string): LessonStatus | undefined {
    const row = this.statements.lastEvent.get(id);
    return row ? (row.status as LessonStatus) : undefined;
  }

  history(id: string): LessonStatusEvent[] {
    return this.statements.events.all(id).map(eventFromRow);
  }

  /** Appends a status event (its own transaction unless called inside one). */
  appendStatus(id: string, status: LessonStatus, reasons: readonly string[], data?: Readonly<Record<string, unknown>>): LessonStatusEvent {
    if (!LESSON_STATUSES.includes(status)) throw new Error(`unknown lesson status ${status}`);
    const at = this.now();
    const result = this.statements.insertEvent.run(id, status, JSON.stringify(reasons), data ? JSON.stringify(data) : null, at);
    return { seq: Number(result.lastInsertRowid), lessonId: id, status, reasons, at, data: data ?? null };
  }

  recordGateDecision(decision: Omit<GateDecisionRecord, 'seq' | 'at'>): GateDecisionRecord {
    const at = this.now();
    const result = this.statements.insertDecision.run(
      decision.lessonId,
      decision.stage,
      decision.decision,
      decision.againstSnapshot,
      JSON.stringify(decision.reasons),
      JSON.stringify(decision.figures),
      at,
    );
    return { ...decision, seq: Number(result.lastInsertRowid), at };
  }

  gateDecisions(id: string): GateDecisionRecord[] {
    return this.statements.decisions.all(id).map((row) => ({
      seq: row.seq,
      lessonId: row.lesson_id,
      stage: row.stage as GateDecisionRecord['stage'],
      decision: row.decision as GateDecisionRecord['decision'],
      againstSnapshot: row.against_snapshot,
      reasons: JSON.parse(row.reasons) as string[],
      figures: JSON.parse(row.figures) as Record<string, unknown>,
      at: row.at,
    }));
  }

  /** The last decision of the gate's final stage that let the lesson through, if its last decision did. */
  passedGate(id: string): GateDecisionRecord | undefined {
    const last = this.gateDecisions(id).at(-1);
    return last && last.stage === 'validate' && last.decision === 'pass' ? last : undefined;
  }

  recordReplay<Result>(replay: Omit<ReplayRecord<Result>, 'seq' | 'at'>): ReplayRecord<Result> {
    const at = this.now();
    const result = this.statements.insertReplay.run(replay.lessonId, replay.againstSnapshot, replay.baselineRunId, replay.candidateRunId, JSON.stringify(replay.result), at);
    return { ...replay, seq: Number(result.lastInsertRowid), at };
  }

  replays<Result>(id: string): ReplayRecord<Result>[] {
    return this.statements.replays.all(id).map((row) => ({
      seq: row.seq,
      lessonId: row.lesson_id,
      againstSnapshot: row.against_snapshot,
      baselineRunId: row.baseline_run_id,
      candidateRunId: row.candidate_run_id,
      result: JSON.parse(row.result) as Result,
      at: row.at,
    }));
  }
}

function parseLesson(row: LessonRow): Lesson {
  return LessonRecordSchema.parse(JSON.parse(row.record)) as unknown as Lesson;
}

function eventFromRow(row: EventRow): LessonStatusEvent {
  return {
    seq: row.seq,
    lessonId: row.lesson_id,
    status: row.status as LessonStatus,
    reasons: JSON.parse(row.reasons) as string[],
    at: row.at,
    data: row.data ? (JSON.parse(row.data) as Record<string, unknown>) : null,
  };
}
