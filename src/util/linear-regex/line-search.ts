/** Where the lines come from: a file (read by the searcher) or text already in hand. */
export type LineSource = { readonly name: string; readonly file: string } | { readonly name: string; readonly text: string };

export interface LineSearchRequest {
  readonly pattern: string;
  readonly ignoreCase?: boolean;
  /** Searched in this order; matches are reported in it. */
  readonly sources: readonly LineSource[];
  /** Stop after this many matching lines. */
  readonly maxMatches: number;
  /** Characters of each matching line kept in the result. Default 300. */
  readonly maxLineChars?: number;
  /** Files larger than this are skipped (counted in `skipped`). Default 16 MiB. */
  readonly maxFileBytes?: number;
}

export interface LineMatch {
  /** The source's name. */
  readonly source: string;
  /** 1-based. */
  readonly line: number;
  readonly text: string;
}

export interface LineSearchOutcome {
  readonly matches: readonly LineMatch[];
  /** More matches existed than maxMatches. */
  readonly truncated: boolean;
  /** Sources not searched: unreadable, binary (a NUL byte) or too large. */
  readonly skipped: number;
}

export const DEFAULT_MAX_LINE_CHARS = 300;
export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;
