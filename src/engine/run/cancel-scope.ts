import type { CancelReason } from '../contracts/index.js';

/**
 * One node of the cancel tree (run → branch → leaf). Cancelling a scope cancels every scope
 * below it with the same typed reason. The tree links scopes directly rather than through
 * abort listeners — a branch of thousands of leaves would otherwise pile listeners on one
 * AbortSignal — and a scope creates its AbortSignal only when something asks for it.
 * A finished scope detaches from its parent, so a long run does not accumulate children.
 */
export class CancelScope {
  // Declared, not initialized in the class body (which would define each field before the
  // constructor assigns it): one scope is made per node, leaves included, in code that runs cold.
  declare private readonly parent: CancelScope | undefined;
  declare private controller: AbortController | undefined;
  declare private cancelReason: CancelReason | undefined;
  declare private children: Set<CancelScope> | undefined;
  /**
   * An array, not a Set: a leaf scope holds one or two callbacks at a time, and a Set per leaf
   * (plus the smaller table it reallocates on each delete) was measurable garbage on big runs.
   */
  declare private callbacks: ((reason: CancelReason) => void)[] | undefined;

  constructor(parent?: CancelScope) {
    this.parent = parent;
    this.controller = undefined;
    this.cancelReason = parent?.cancelReason;
    this.children = undefined;
    this.callbacks = undefined;
    if (parent && !parent.cancelReason) (parent.children ??= new Set()).add(this);
  }

  /** Aborts with the CancelReason when the scope is cancelled; handed to runners and the boundary. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.cancelReason) this.controller.abort(this.cancelReason);
    }
    return this.controller.signal;
  }

  get reason(): CancelReason | undefined {
    return this.cancelReason;
  }

  cancel(reason: CancelReason): void {
    if (this.cancelReason) return;
    this.cancelReason = reason;
    this.controller?.abort(reason);
    if (this.callbacks) for (const callback of [...this.callbacks]) callback(reason);
    if (this.children) for (const child of [...this.children]) child.cancel(reason);
  }

  /**
   * Calls back once when the scope is cancelled (at once if it already is); returns the way to
   * unregister. Cheaper than an abort listener on the hot path.
   */
  onCancel(callback: (reason: CancelReason) => void): () => void {
    if (this.cancelReason) {
      callback(this.cancelReason);
      return () => undefined;
    }
    (this.callbacks ??= []).push(callback);
    return () => {
      const callbacks = this.callbacks;
      const index = callbacks ? callbacks.indexOf(callback) : -1;
      if (index < 0) return;
      // Moved down in place: splice returns an array of what it removed, garbage twice per leaf.
      for (let position = index + 1; position < callbacks!.length; position += 1) callbacks![position - 1] = callbacks![position]!;
      callbacks!.pop();
    };
  }

  /** Called when the node has finished; its reason stays as it was. */
  close(): void {
    this.parent?.children?.delete(this);
  }
}

const CANCEL_TYPES = new Set(['user', 'budget_exceeded', 'tournament_loser', 'no_progress', 'shutdown', 'trace_failure']);

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
    case 'trace_failure':
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
    case 'trace_failure':
      // Short: every leaf the stop reaches carries it; the command prints the full reason once.
      return 'stopped: the run could not be recorded';
  }
}
