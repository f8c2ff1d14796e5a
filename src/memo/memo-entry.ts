import type { ModelResponse, ModelRoute } from '../providers/index.js';

/** One completed answer kept by a MemoStore. */
export interface MemoEntry {
  readonly key: string;
  readonly route: ModelRoute;
  readonly response: ModelResponse;
  /** The request was deterministic (temperature 0 or marked memoizable) when answered. */
  readonly deterministic: boolean;
  /** The run that paid for the answer; reuse inside that run is always allowed. */
  readonly runId?: string;
  readonly createdAtMs: number;
  /**
   * The route's scope when the answer was made (config/route-scope.ts: model revision, endpoint,
   * settings), as canonical JSON; absent on entries stored before scopes were recorded.
   */
  readonly scope?: string;
  /** Why the janitor marked the entry stale; a stale entry is never served. */
  readonly stale?: string;
}
