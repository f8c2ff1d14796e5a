import type { LeafSpec } from '../../ir/index.js';

/** IR agent types spelled differently from the role they imply (the rest are the same word). */
const ROLE_BY_AGENT_TYPE: Readonly<Record<string, string>> = { review: 'reviewer' };

/** The model role a leaf runs as: its own `role`, else derived from its agent_type. */
export function leafRole(leaf: LeafSpec): string {
  return leaf.role ?? ROLE_BY_AGENT_TYPE[leaf.agent_type] ?? leaf.agent_type;
}
