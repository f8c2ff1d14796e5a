import type { RunOverviewFold } from '../runs/index.js';
import type { PidChecker } from '../runs/index.js';
import type { DamagedEventError, StoredEvent } from '../trace/index.js';
import type { Cursor } from './cursor.js';
import type { LessonsSnapshot } from './lesson-source.js';

/** Which screen the TUI shows. */
export type Screen =
  | { readonly kind: 'list' }
  | { readonly kind: 'detail'; readonly runId: string }
  | { readonly kind: 'leaf'; readonly runId: string; readonly nodeId: string }
  | { readonly kind: 'lessons' };

/** A key press, normalised from Ink's (input, key) pair so the reducer needs no Ink. */
export type KeyPress =
  | { readonly name: 'up' | 'down' | 'left' | 'right' | 'enter' | 'escape' | 'backspace' | 'page_up' | 'page_down' | 'tab' }
  | { readonly name: 'char'; readonly char: string };

/** Side effects the reducer asks the shell to perform; results come back as actions. */
export type ViewEffect =
  | { readonly type: 'cancel'; readonly runId: string; readonly nodeId: string | null }
  | { readonly type: 'replay'; readonly runId: string }
  | { readonly type: 'report'; readonly runId: string }
  | { readonly type: 'export'; readonly runId: string }
  | { readonly type: 'load_leaf'; readonly runId: string; readonly nodeId: string }
  | { readonly type: 'load_lessons' }
  | { readonly type: 'change_lesson'; readonly action: LessonChange; readonly lessonId: string }
  | { readonly type: 'quit' };

/** One run's events since the last poll. */
export interface EventBatch {
  readonly runId: string;
  readonly events: readonly StoredEvent[];
  /** Rows of the run that could not be read back (the run shows as damaged). */
  readonly damaged?: readonly DamagedEventError[];
}

/** The drill-down's detail, loaded on demand (activity lines and the full output). */
export interface LeafDetail {
  readonly runId: string;
  readonly nodeId: string;
  readonly activities: readonly string[];
  readonly fullOutput: string | null;
}

export type ViewAction =
  | { readonly type: 'poll'; readonly batches: readonly EventBatch[]; readonly now: number }
  | { readonly type: 'tick'; readonly now: number }
  | { readonly type: 'key'; readonly key: KeyPress }
  | { readonly type: 'resize'; readonly rows: number; readonly columns: number }
  | { readonly type: 'effects_taken' }
  | { readonly type: 'leaf_loaded'; readonly detail: LeafDetail }
  | { readonly type: 'lessons_loaded'; readonly lessons: LessonsSnapshot }
  | { readonly type: 'message'; readonly text: string }
  | { readonly type: 'error'; readonly text: string }
  | { readonly type: 'storage'; readonly text: string };

/** What the lessons view can do to the overlay, each after a y/n confirmation. */
export type LessonChange = 'promote' | 'revert';

export interface LessonConfirmation {
  readonly action: LessonChange;
  readonly lessonId: string;
  readonly title: string;
}

/** The overlay a run applied, from its run_started event: the run detail and footer show it. */
export interface RunOverlayBadge {
  readonly snapshotId: string;
  readonly applied: number;
}

export interface PendingConfirmation {
  readonly runId: string;
  readonly nodeId: string | null;
}

/**
 * Everything the TUI shows, as data. Folds are incremental accumulators the reducer feeds
 * (never re-reading a log); everything else is replaced, not mutated.
 */
export interface ViewState {
  readonly screen: Screen;
  readonly folds: ReadonlyMap<string, RunOverviewFold>;
  /** Run ids, newest first. */
  readonly runOrder: readonly string[];
  readonly now: number;
  readonly rows: number;
  readonly columns: number;
  /** The selected run: follows its run id as runs start above it or change group. */
  readonly listCursor: Cursor;
  /** The selected node per run in the detail tree, by node id. */
  readonly detailCursor: ReadonlyMap<string, Cursor>;
  /** Collapsed branch ids per run. */
  readonly collapsed: ReadonlyMap<string, ReadonlySet<string>>;
  readonly leafScroll: number;
  readonly showFullOutput: boolean;
  readonly leafDetail: LeafDetail | null;
  readonly filter: string;
  readonly filtering: boolean;
  readonly confirmation: PendingConfirmation | null;
  /** The lessons view: what was last loaded (null until it is opened), its cursor and a pending y/n. */
  readonly lessons: LessonsSnapshot | null;
  readonly lessonCursor: Cursor;
  readonly lessonConfirmation: LessonConfirmation | null;
  /** The overlay each run applied (runs that recorded none are absent). */
  readonly runOverlays: ReadonlyMap<string, RunOverlayBadge>;
  readonly message: string | null;
  readonly error: string | null;
  /** Database and memo sizes and the last janitor pass, for the footer (null until read). */
  readonly storage: string | null;
  readonly pendingEffects: readonly ViewEffect[];
  /** Bumps when anything shown may have changed; the shell skips renders when it did not. */
  readonly version: number;
  readonly isPidAlive: PidChecker | undefined;
  readonly staleAfterMs: number | undefined;
}

/** A leaf that reported nothing for this long is flagged stale. */
export const STALE_LEAF_MS = 60_000;
