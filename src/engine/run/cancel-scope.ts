import type { CancelReason } from '../contracts/index.js';

/**
 * One node of the AbortSignal tree (run → branch → leaf). Aborting a scope aborts every scope
 * below it with the same typed reason; a finished scope detaches from its parent, so a long
 * run does not accumulate listeners.
 */
export class CancelScope {
  readonly controller = new AbortController();
  private detachFromParent: (() => void) | undefined;

  constructor(parent?: AbortSignal) {
    if (!parent) return;
    if (parent.aborted) {
      this.controller.abort(parent.reason);
      return;
    }
    const onAbort = (): void => this.controller.abort(parent.reason);
    parent.addEventListener('abort', onAbort, { once: true });
    this.detachFromParent = () => parent.removeEventListener('abort', onAbort);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get reason(): CancelReason | undefined {
    return this.controller.signal.aborted ? toCancelReason(this.controller.signal.reason) : undefined;
  }

  cancel(reason: CancelReason): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** Called when the node has finished; its signal stays as it was. */
  close(): void {
    this.detachFromParent?.();
    this.detachFromParent = undefined;
  }
}

const CANCEL_TYPES = new Set(['user', 'budget_exceeded', 'tournament_loser', 'no_progress', 'shutdown']);

/** Abort reasons from outside the engine (a caller's AbortSignal) may be anything; they count as a user cancel. */
export function toCancelReason(reason: unknown): CancelReason {
  if (typeof reason === 'object' && reason !== null && CANCEL_TYPES.has((reason as { type?: string }).type ?? '')) {
    return reason as CancelReason;
  }
  const message = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : undefined;
  return message !== undefined ? { type: 'user', message } : { type: 'user' };
}

/** The status a node gets when it stopped for this reason. */
export function statusForCancel(reason: CancelReason): 'cancelled' | 'budget_exceeded' | 'failed' {
  switch (reason.type) {
    case 'budget_exceeded':
      return 'budget_exceeded';
    case 'no_progress':
      return 'failed';
    case 'user':
    case 'tournament_loser':
    case 'shutdown':
      return 'cancelled';
  }
}

export function describeCancel(reason: CancelReason): string {
  switch (reason.type) {
    case 'user':
      return reason.message ? `cancelled: ${reason.message}` : 'cancelled by the user';
    case 'budget_exceeded':
      return `budget exceeded: ${reason.budget} ${reason.used} > ${reason.limit} (at "${reason.nodeId}")`;
    case 'tournament_loser':
      return `cancelled: lost tournament "${reason.tournamentId}"`;
    case 'no_progress':
      return `no progress for ${reason.idleMs} ms; the leaf was stopped`;
    case 'shutdown':
      return 'cancelled: shutdown';
  }
}
