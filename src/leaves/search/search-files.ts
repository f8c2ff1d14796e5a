import { spawnSync } from 'node:child_process';
import { builtinSearch } from './builtin-search.js';
import { ripgrepSearch } from './ripgrep-search.js';
import type { SearchOutcome, SearchQuery } from './search-hit.js';

/** `auto` uses ripgrep when installed, else the built-in walk; the others force one. */
export type SearchEngineChoice = 'auto' | 'ripgrep' | 'builtin';

const installed = new Map<string, boolean>();

/** Whether `command --version` runs; asked once per command and process. */
export function isRipgrepInstalled(command = 'rg'): boolean {
  let known = installed.get(command);
  if (known === undefined) {
    known = spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
    installed.set(command, known);
  }
  return known;
}

export async function searchFiles(query: SearchQuery, choice: SearchEngineChoice = 'auto', ripgrepCommand = 'rg'): Promise<SearchOutcome> {
  const useRipgrep = choice === 'ripgrep' || (choice === 'auto' && isRipgrepInstalled(ripgrepCommand));
  return useRipgrep ? ripgrepSearch(query, ripgrepCommand) : builtinSearch(query);
}
