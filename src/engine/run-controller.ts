import type { CancelReason } from './contracts/index.js';

/** A cancel for a node id the run does not have (neither in its spec nor expanded so far). */
export class UnknownNodeError extends Error {
  override readonly name = 'UnknownNodeError';
  constructor(readonly nodeId: string) {
    super(`the run has no node "${nodeId}"`);
  }
}

/** What the engine plugs into a controller for the duration of one run. */
export interface CancelTarget {
  cancel(nodeId: string | null, reason: CancelReason): void;
}

interface PendingCancel {
  readonly nodeId: string | null;
  readonly reason: CancelReason;
}

/**
 * The caller's handle on a running workflow (ExecuteRequest.controller): cancel the whole run
 * (`null`) or one node and everything below it, through the engine's cancel-scope tree. The
 * cancelled nodes end `cancelled` (with the reason), a `cancel_requested` event records the
 * request, and nodes outside the cancelled subtree run on. A request made before the run starts
 * is held and applied as the run starts; a request after the run has finished does nothing.
 * One controller drives one run.
 */
export class RunController {
  private target: CancelTarget | undefined;
  private finished = false;
  private readonly pending: PendingCancel[] = [];

  /**
   * Cancels `nodeId` (null: the whole run) with `reason` (default: a user cancel). Throws
   * UnknownNodeError for an id the running workflow does not have.
   */
  cancel(nodeId: string | null, reason: CancelReason = { type: 'user' }): void {
    if (this.finished) return;
    if (this.target) {
      this.target.cancel(nodeId, reason);
      return;
    }
    this.pending.push({ nodeId, reason });
  }

  /**
   * Called by the engine once the run has started (after checkPending): applies the requests held
   * so far, then forwards every new one. Returns the detach to call when the run is over.
   */
  attach(target: CancelTarget): () => void {
    if (this.target || this.finished) throw new Error('a RunController drives exactly one run');
    this.target = target;
    for (const request of this.pending.splice(0)) target.cancel(request.nodeId, request.reason);
    return () => {
      this.target = undefined;
      this.finished = true;
    };
  }

  /**
   * Called by the engine before the run emits anything: a request held for an id the workflow
   * does not have is the caller's error (UnknownNodeError), not something to discover mid-run.
   */
  checkPending(knows: (nodeId: string) => boolean): void {
    for (const request of this.pending) if (request.nodeId !== null && !knows(request.nodeId)) throw new UnknownNodeError(request.nodeId);
  }
}
