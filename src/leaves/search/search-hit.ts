/** One matching line, workspace-relative. */
export interface SearchHit {
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  readonly text: string;
}

export interface SearchOutcome {
  readonly hits: readonly SearchHit[];
  /** Which engine searched, for the activity feed and the result data. */
  readonly engine: 'ripgrep' | 'builtin';
  /** More hits existed than the limit. */
  readonly truncated: boolean;
}

export interface SearchQuery {
  readonly root: string;
  /** A literal string, matched case-insensitively. */
  readonly text: string;
  readonly fileScope: readonly string[];
  readonly limit: number;
  /** WhaleFlow's state inside the root, never searched (git's and WhaleFlow's are skipped by name too). */
  readonly protectedPaths?: readonly string[];
  readonly signal?: AbortSignal;
}

/** Hits keep one line of text each, capped, so a minified file cannot flood the output. */
export const MAX_HIT_TEXT_CHARS = 300;
