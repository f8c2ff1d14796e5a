import { DEFAULT_MAX_AGENTS, DEFAULT_MAX_DEPTH } from '../../ir/index.js';

/**
 * The user's launch limits (`--max-agents`, `--max-depth`): the authored spec is checked against
 * them before it runs, and every model-written expansion is held to what is left of them where
 * its expand sits. Recorded in run_started, so replay and resume judge expansions the same way.
 */
export interface LaunchLimits {
  readonly maxAgents: number;
  readonly maxDepth: number;
}

/** CodeWhale's defaults, also what runs recorded before the limits were kept were held to. */
export const DEFAULT_LAUNCH_LIMITS: LaunchLimits = { maxAgents: DEFAULT_MAX_AGENTS, maxDepth: DEFAULT_MAX_DEPTH };

export function launchLimitsOf(partial: { readonly maxAgents?: number; readonly maxDepth?: number } | undefined): LaunchLimits {
  return { maxAgents: partial?.maxAgents ?? DEFAULT_MAX_AGENTS, maxDepth: partial?.maxDepth ?? DEFAULT_MAX_DEPTH };
}
