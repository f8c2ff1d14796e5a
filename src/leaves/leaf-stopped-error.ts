import type { EffectArtifact } from '../engine/index.js';
import { WhaleflowError } from '../util/index.js';

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
    /** Where the diff was saved, when there was one. */
    readonly savedDiffPath: string | undefined,
    options: { cause: unknown },
  ) {
    super(`leaf "${leafId}" was stopped${savedDiffPath ? `; its changes are saved in ${savedDiffPath}` : ''}`, options);
  }
}
