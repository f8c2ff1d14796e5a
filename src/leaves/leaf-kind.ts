import type { LeafSpec } from '../ir/index.js';
import { isSearchPrompt } from './search/index.js';

/** Which real runner a leaf needs. */
export type RealLeafKind = 'command' | 'search' | 'agent';

/**
 * A verifier leaf with a command is a test/shell leaf; an explore leaf made by `search()` is
 * a search; everything else is an agent turn.
 */
export function realLeafKind(leaf: LeafSpec): RealLeafKind {
  if (leaf.command !== undefined && leaf.agent_type === 'verifier') return 'command';
  if (leaf.agent_type === 'explore' && isSearchPrompt(leaf.prompt)) return 'search';
  return 'agent';
}
