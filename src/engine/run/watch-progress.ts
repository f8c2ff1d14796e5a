import type { Cancellable } from '../contracts/index.js';
import type { RunContext } from './run-context.js';

/**
 * The no-progress watchdog: one timer loop per run (not one per leaf, which would cost a timer
 * per leaf on the hot path). A leaf silent for `idleMs` is stopped with reason no_progress, so a
 * hung leaf fails instead of being waited on forever. A leaf waiting on a model call is not
 * silent: that wait is bounded by the provider's own timeout, which may well be longer than
 * `idleMs` (600 s by default against 300 s). Ends when `stop` is cancelled: an engine scope, not
 * an AbortController, whose EventTarget machinery a fresh process otherwise compiles for this
 * one timer (~1–2 ms of a run's CPU).
 */
export async function watchProgress(run: RunContext, idleMs: number, stop: Cancellable): Promise<void> {
  const tick = Math.max(1, Math.floor(idleMs / 4));
  const { environment } = run;
  while (!stop.reason) {
    try {
      await environment.sleep(tick, stop);
    } catch {
      return;
    }
    const now = environment.now();
    for (const leaf of run.runningLeaves.snapshot()) {
      // Waiting on a model is not idleness: the provider's timeout (and the retry policy) bound it.
      if (leaf.modelCalls > 0) continue;
      const idle = now - leaf.lastActivityAt;
      if (idle >= idleMs) run.cancelNode(leaf.scope, leaf.nodeId, { type: 'no_progress', nodeId: leaf.nodeId, idleMs: idle });
    }
  }
}
