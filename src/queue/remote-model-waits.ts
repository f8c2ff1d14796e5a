import type { LeafRunContext } from '../engine/index.js';
import type { ModelWaitState } from './leaf-job-outcome.js';

/**
 * Mirrors a remote leaf's model calls onto the coordinator's LeafRunContext: each call a worker
 * reports started becomes an `awaitModel` wait here, settled when the worker reports it settled
 * or, at the latest, when the leaf's outcome arrives (a lost progress message must not keep the
 * leaf "waiting on a model" after it ended). So the engine's no-progress watchdog treats a
 * remote leaf in a long model call as it treats a local one: not idle.
 */
export class RemoteModelWaits {
  private readonly open: Array<() => void> = [];

  constructor(private readonly context: LeafRunContext) {}

  report(state: ModelWaitState): void {
    if (state === 'settled') {
      this.open.shift()?.();
      return;
    }
    if (!this.context.awaitModel) return;
    const settled = new Promise<void>((resolve) => this.open.push(resolve));
    void this.context.awaitModel(settled);
  }

  /** The leaf ended: no model call of it is in flight any more. */
  settleAll(): void {
    for (const resolve of this.open.splice(0)) resolve();
  }
}
