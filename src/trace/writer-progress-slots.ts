/**
 * The Int32 slots the trace writer thread stores its progress in (a SharedArrayBuffer), so the
 * sink's backpressure can read it while the engine's thread is blocked and no message is read.
 */
export const WriterProgressSlot = {
  /** The id of the last batch the writer finished (written or refused). */
  finished: 0,
  /** The id of the first batch it refused (0 while none), stored before that batch counts as finished. */
  refused: 1,
  /** 1 once the writer's start is over (its modules loaded, its database opened or refused), 0 before. */
  started: 2,
} as const;

export const WRITER_PROGRESS_SLOTS = 3;
