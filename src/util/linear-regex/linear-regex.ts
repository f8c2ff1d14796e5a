import { RE2JS } from 're2js';
import { WhaleflowError } from '../whaleflow-error.js';
import { describeError } from '../describe-error.js';

/** Longer patterns are refused: the engine is linear in the text, but its program grows with the pattern. */
export const MAX_PATTERN_CHARS = 1000;

/** A pattern the linear-time engine does not accept (bad syntax, or backreferences and lookaround, which need backtracking). */
export class InvalidRegexError extends WhaleflowError {
  override readonly name = 'InvalidRegexError';
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`invalid regular expression: ${reason}`);
  }
}

export interface LinearRegexOptions {
  readonly ignoreCase?: boolean;
}

/** A compiled pattern whose matching time is linear in the text (RE2 semantics). */
export interface LinearRegex {
  readonly pattern: string;
  /** Whether the pattern matches anywhere in `text` (unanchored, like RegExp#test). */
  test(text: string): boolean;
}

/**
 * Compiles a pattern that untrusted input may choose (a model's grep, a memory search) with
 * RE2's linear-time engine (re2js, a pure-JS port): no backtracking, so no pattern can make
 * matching exponential. Syntax is RE2's (close to JavaScript's, without backreferences or
 * lookaround). Matching still runs on the calling thread; for text of unbounded size use
 * `searchLines`, which runs off the main thread under a hard deadline and cancel.
 */
export function compileLinearRegex(pattern: string, options: LinearRegexOptions = {}): LinearRegex {
  if (pattern.length > MAX_PATTERN_CHARS) throw new InvalidRegexError(pattern.slice(0, 80), `the pattern is longer than ${MAX_PATTERN_CHARS} characters`);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern, options.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (error) {
    throw new InvalidRegexError(pattern, describeError(error));
  }
  return { pattern, test: (text) => compiled.test(text) };
}
