import { WhaleflowError } from '../util/index.js';
import type { EffectArtifact } from '../engine/index.js';

/** The queue could not be reached, or stayed unreachable longer than the configured bound. */
export class QueueUnavailableError extends WhaleflowError {
  override readonly name = 'QueueUnavailableError';
  constructor(
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A leaf runner on a worker threw (outside a cancel); in-process this fails the leaf the same way. */
export class LeafJobFailedError extends WhaleflowError {
  override readonly name = 'LeafJobFailedError';
}

/**
 * The leaf was stopped on its worker after a cancel. `artifacts` (a worktree diff) is what the
 * engine records as the leaf's `leaf_stopped` fruit, as for a leaf stopped in-process.
 */
export class LeafJobStoppedError extends WhaleflowError {
  override readonly name = 'LeafJobStoppedError';
  constructor(
    message: string,
    readonly artifacts: readonly EffectArtifact[],
  ) {
    super(message);
  }
}

/** The queue was closed while this job was still pending. */
export class LeafQueueClosedError extends WhaleflowError {
  override readonly name = 'LeafQueueClosedError';
}

/** A `queue:` setting or a --queue URL that cannot work. */
export class QueueConfigurationError extends WhaleflowError {
  override readonly name = 'QueueConfigurationError';
}
