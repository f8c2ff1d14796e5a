import { z } from 'zod';
import { sha256Hex } from '../util/index.js';
import type { MockFixture } from '../leaves/mock/index.js';

/**
 * The settings a run's leaves share on every worker, stored once per run (jobs name it by
 * content hash): which leaf runners (`pure-mock`: the deterministic mock; `mock`: real leaves
 * against the scripted mock model; `config`: real leaves with the worker's own configured
 * providers and keys), the mock scripts, and the commit the run's repository was at.
 * Nothing in it is a secret or an authority: permissions and budgets travel per job.
 */
export interface QueueRunContext {
  readonly version: 1;
  readonly provider: 'pure-mock' | 'mock' | 'config';
  /** The engine mock's fixture (`pure-mock`). */
  readonly fixture?: MockFixture;
  /** The mock model's script (`mock`). */
  readonly modelScript?: unknown;
  /** The commit worktrees and shared checkouts start from (real leaves). */
  readonly baseCommit?: string;
  readonly keepWorktrees?: boolean;
  /**
   * `coordinator`: the coordinator serves the memo (its policy, its project memo, single-flight
   * across workers); workers ask it before every provider call instead of keeping their own.
   */
  readonly memo?: 'coordinator';
}

export const queueRunContextSchema = z.object({
  version: z.literal(1),
  provider: z.enum(['pure-mock', 'mock', 'config']),
  fixture: z.unknown().optional(),
  modelScript: z.unknown().optional(),
  baseCommit: z.string().regex(/^[0-9a-f]{40,64}$/).optional(),
  keepWorktrees: z.boolean().optional(),
  memo: z.literal('coordinator').optional(),
});

/** The context's id: a hash of its JSON, so identical runs share one stored copy and a worker may cache it forever. */
export function queueRunContextId(context: QueueRunContext): string {
  return runContextIdOfText(JSON.stringify(context));
}

/** The id of the context stored as this text: a worker checks a job's context id against what it read. */
export function runContextIdOfText(text: string): string {
  return `ctx-${sha256Hex(text).slice(0, 40)}`;
}
