// Search leaves: ripgrep when installed, a built-in walk otherwise; a model summary on request.
export { SearchLeafRunner, SEARCH_PROMPT_PREFIX, isSearchPrompt, parseSearchPrompt, formatHits, type SearchLeafRunnerOptions, type SearchPrompt } from './search-leaf-runner.js';
export { searchFiles, isRipgrepInstalled, type SearchEngineChoice } from './search-files.js';
export { ripgrepSearch, parseRipgrepJson } from './ripgrep-search.js';
export { builtinSearch } from './builtin-search.js';
export type { SearchHit, SearchOutcome, SearchQuery } from './search-hit.js';
