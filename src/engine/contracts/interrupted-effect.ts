import type { Usage } from '../../ir/index.js';
import type { CancelReason } from './run-event.js';

/**
 * Thrown by a boundary for an effect that was cut off by a cancel rather than completed: in a
 * replay, an effect the recording requested but never completed because a recorded cancel
 * stopped it. `spentUsage`, when known, is what the node had spent when it was stopped (the
 * recorded partial result), so the replayed node keeps exactly the same partial usage.
 */
export class InterruptedEffect extends Error {
  override readonly name = 'InterruptedEffect';
  constructor(
    readonly reason: CancelReason,
    readonly spentUsage: Usage | undefined,
    message: string,
  ) {
    super(message);
  }
}
