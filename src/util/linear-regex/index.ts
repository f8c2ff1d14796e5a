// Regular expressions that untrusted input chooses (a model's grep pattern, a memory search):
// RE2's linear-time engine, and a line search off the main thread with a hard deadline and
// cancel. Kept out of util/index.ts so commands that never search don't load the engine.
export { compileLinearRegex, InvalidRegexError, MAX_PATTERN_CHARS, type LinearRegex, type LinearRegexOptions } from './linear-regex.js';
export { searchLines, SearchDeadlineError, type SearchLinesOptions } from './search-lines.js';
export { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_LINE_CHARS, type LineMatch, type LineSearchOutcome, type LineSearchRequest, type LineSource } from './line-search.js';
