import type { EffectArtifact } from '../engine/index.js';
import { describeError, WhaleflowError } from '../util/index.js';

/**
 * A worktree leaf was cancelled mid-flight. Its diff was captured before the worktree was
 * removed: it rides here (for a caller that still awaits the leaf) and was saved beside the
 * worktree, because the engine has stopped waiting for a cancelled leaf's result.
 */
export class LeafStoppedError extends WhaleflowError {
  override readonly name = 'LeafStoppedError';
  constructor(
    readonly leafId: string,
    readonly artifacts: readonly EffectArtifact[],
    /** Where the diff was saved (`<worktree>.stopped.diff`). */
    readonly savedDiffPath: string,
    options: { cause: unknown },
  ) {
    // The cancel's own message first: whoever reads it sees why the leaf stopped.
    super(`${messageOf(options.cause)}; leaf "${leafId}" was stopped, its changes are saved in ${savedDiffPath}`, options);
  }
}

function messageOf(cause: unknown): string {
  if (cause && typeof cause === 'object' && !(cause instanceof Error) && 'type' in cause) return `cancelled (${String((cause as { type: unknown }).type)})`;
  return describeError(cause);
}
