/** Clock, ids and randomness are injected; nothing in engine/ reads them from globals. */
export interface EngineEnvironment {
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly newId: () => string;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  /** Resolves after `ms` (or rejects when the signal aborts); tests use virtual time. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}
