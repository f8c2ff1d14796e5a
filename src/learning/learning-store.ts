import type Database from 'better-sqlite3';
import { LessonStore } from './lesson-store.js';
import { learningDatabasePath, openLearningDatabase } from './learning-database.js';
import { OverlayStore } from './overlay-store.js';
import type { TraceLocationOptions } from '../trace/index.js';

/** Lessons and the overlay of one project, over one database connection. */
export class LearningStore {
  readonly lessons: LessonStore;
  readonly overlay: OverlayStore;

  constructor(
    readonly database: Database.Database,
    readonly now: () => number = Date.now,
  ) {
    this.lessons = new LessonStore(database, now);
    this.overlay = new OverlayStore(database, this.lessons, now);
  }

  /** Runs `work` in one IMMEDIATE transaction (nested calls join it). */
  transaction<T>(work: () => T): T {
    return this.database.transaction(work).immediate();
  }

  close(): void {
    if (this.database.open) this.database.close();
  }
}

/** Opens the learning store of the project found from `cwd` (the trace's database file). */
export function openLearningStore(options: TraceLocationOptions & { readonly now?: () => number }): LearningStore {
  return new LearningStore(openLearningDatabase(learningDatabasePath(options)!), options.now);
}

/** Like openLearningStore, but undefined when the project has no database yet (reading commands never create one). */
export function openExistingLearningStore(options: TraceLocationOptions & { readonly now?: () => number }): LearningStore | undefined {
  const path = learningDatabasePath({ ...options, mustExist: true });
  return path === undefined ? undefined : new LearningStore(openLearningDatabase(path), options.now);
}
