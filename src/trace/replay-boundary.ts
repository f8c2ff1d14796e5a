import {
  DeterminismViolation,
  InterruptedEffect,
  type CancelReason,
  type EffectBoundary,
  type EffectCancellation,
  type EffectOutcome,
  type EffectRequest,
  type EffectResult,
  type MaybePromise,
} from '../engine/contracts/index.js';
import type { RunController } from '../engine/run-controller.js';
import type { RecordedCancel, RecordedCancels } from './recorded-cancels.js';
import { describeEffectPlace, effectSlot, isNestedEffect, isSameEffect, type RecordedEffect, type RecordedEffects } from './recorded-effects.js';

export interface ReplayBoundaryOptions {
  /** Run effects the trace lacks live instead of failing (`--allow-live`). */
  readonly allowLive?: boolean;
  /** Nodes whose effects run live whatever the trace holds (`--from NODE` and its dependents). */
  readonly liveNodes?: ReadonlySet<string>;
  /**
   * The recording's cancels and the controller of the replaying run: an effect a recorded cancel
   * cut off (requested and never completed, or never reached) is stopped again by applying that
   * cancel, instead of being reported missing. Without them every missing effect is a violation.
   */
  readonly interruptions?: { readonly cancels: RecordedCancels; readonly controller: RunController };
}

/** A cut-off effect waiting until the replay has asked for everything the recording completed before its cancel. */
interface CatchUpWaiter {
  readonly cancel: RecordedCancel;
  remaining: number;
  readonly resolve: () => void;
}

/** A recorded effect that the replay never asked for: the replay took a different path. */
export interface UnaskedEffect {
  readonly effect: RecordedEffect;
  readonly message: string;
}

/**
 * Serves every effect from the trace. The effect at the same (scope, ordinal) must carry the
 * same kind and key; anything else is a DeterminismViolation naming the node and both keys,
 * never a silent re-run. `live` is called only for nodes in `liveNodes`, or for effects the
 * trace lacks when `allowLive` is set.
 */
export class ReplayBoundary implements EffectBoundary {
  private readonly asked = new Set<string>();
  readonly violations: DeterminismViolation[] = [];
  servedFromTrace = 0;
  ranLive = 0;
  /** Effects stopped by applying a recorded cancel. */
  interrupted = 0;
  /**
   * Effects served because their redacted input matched (see isSameEffect): the replay's key →
   * the recorded one. The two hashes differ only by the secret the trace never held, so parity
   * counts them as the same input.
   */
  readonly redactedKeys = new Map<string, string>();
  private waiters: CatchUpWaiter[] = [];

  constructor(
    private readonly recorded: RecordedEffects,
    private readonly options: ReplayBoundaryOptions = {},
  ) {}

  /**
   * A recorded effect is answered at once, as it is (no promise): the engine then finishes its
   * leaf in the same turn, as a live run does with an answer that did not wait. A violation is
   * a rejection, never a synchronous throw; what waits (a recorded cancel, a live effect) is a
   * promise.
   */
  perform(request: EffectRequest, live: () => MaybePromise<EffectResult>, cancellation: EffectCancellation): MaybePromise<EffectOutcome> {
    try {
      return this.serve(request, live, cancellation);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private serve(request: EffectRequest, live: () => MaybePromise<EffectResult>, cancellation: EffectCancellation): MaybePromise<EffectOutcome> {
    // One slot string per effect, for both the asked set and the lookup.
    const slot = effectSlot(request.scope, request.ordinal);
    this.noteAsked(slot);
    if (this.options.liveNodes?.has(request.scope.nodeId)) return this.runLive(live);
    const recorded = this.recorded.inSlot(slot);
    if (recorded && isSameEffect(recorded, request)) {
      this.servedFromTrace++;
      if (recorded.key !== request.key) this.redactedKeys.set(request.key, recorded.key);
      return { result: recorded.result, source: 'trace' };
    }
    const cancel = recorded ? undefined : this.options.interruptions?.cancels.covering(request.scope.nodeId);
    if (cancel) return this.interrupt(request, cancel, cancellation.signal);
    if (!recorded && this.options.allowLive) return this.runLive(live);
    throw this.violation(request, recorded);
  }

  /**
   * The recording never completed this effect because `cancel` stopped it (or stopped its node
   * before it got this far). Replay that: wait until the replay has asked for every effect the
   * recording completed before the cancel, and one more turn so their nodes finish as they did,
   * then apply the cancel through the run's controller — unless the replaying engine already
   * stopped the node itself (a tournament cancelling its losers after its recorded decision, a
   * budget). The effect then ends as interrupted, carrying the node's recorded partial spend.
   */
  private async interrupt(request: EffectRequest, cancel: RecordedCancel, signal: AbortSignal): Promise<EffectOutcome> {
    const { cancels, controller } = this.options.interruptions!;
    await this.catchUpWith(cancel, signal);
    if (!signal.aborted) await nextTurn();
    if (!signal.aborted) {
      try {
        controller.cancel(cancel.nodeId, cancel.reason);
      } catch {
        // The replay does not have the recorded node (it took another path): reported below as missing.
      }
    }
    if (!signal.aborted) throw this.violation(request, undefined);
    this.interrupted++;
    const reason = signal.reason as CancelReason;
    throw new InterruptedEffect(reason, cancels.spentBy(request.scope), `${describeEffectPlace(request.kind, request.scope, request.ordinal)} was stopped by the recorded cancel`);
  }

  /** Resolves once every effect the recording completed before `cancel` has been asked for, or the node is stopped anyway. */
  private catchUpWith(cancel: RecordedCancel, signal: AbortSignal): Promise<void> {
    const remaining = this.options.interruptions!.cancels.slotsCompletedBefore(cancel).filter((slot) => !this.asked.has(slot)).length;
    if (remaining === 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: CatchUpWaiter = {
        cancel,
        remaining,
        resolve: () => {
          signal.removeEventListener('abort', waiter.resolve);
          this.waiters = this.waiters.filter((other) => other !== waiter);
          resolve();
        },
      };
      signal.addEventListener('abort', waiter.resolve, { once: true });
      this.waiters.push(waiter);
    });
  }

  private noteAsked(slot: string): void {
    if (this.asked.has(slot)) return;
    this.asked.add(slot);
    if (this.waiters.length === 0) return;
    const index = this.options.interruptions!.cancels.completionIndexOf(slot);
    if (index === undefined) return;
    for (const waiter of [...this.waiters]) {
      if (index >= waiter.cancel.completedBefore) continue;
      waiter.remaining -= 1;
      if (waiter.remaining === 0) waiter.resolve();
    }
  }

  private async runLive(live: () => MaybePromise<EffectResult>): Promise<EffectOutcome> {
    this.ranLive++;
    return { result: await live(), source: 'live' };
  }

  private violation(request: EffectRequest, recorded: RecordedEffect | undefined): DeterminismViolation {
    const place = describeEffectPlace(request.kind, request.scope, request.ordinal);
    const message = recorded
      ? `determinism violation at ${place}: the trace recorded ${recorded.kind} key ${recorded.key}, the replay asked for ${request.kind} key ${request.key}`
      : `determinism violation at ${place}: the replay asked for key ${request.key}, which the trace does not have (--allow-live runs it)`;
    const violation = new DeterminismViolation(request.scope, request.ordinal, recorded?.key, request.key, message);
    this.violations.push(violation);
    // The replay has left the recorded path; cut-off effects waiting for it to catch up never would.
    for (const waiter of [...this.waiters]) waiter.resolve();
    return violation;
  }

  /**
   * Recorded effects the replay never asked for (effects of live nodes excepted). Nested effects
   * (a leaf's memory operations) are asked only when their leaf runs live; a leaf served from the
   * trace already stands for them.
   */
  unasked(): UnaskedEffect[] {
    const missing: UnaskedEffect[] = [];
    for (const [slot, effect] of this.recorded.slots()) {
      if (this.options.liveNodes?.has(effect.scope.nodeId)) continue;
      if (isNestedEffect(effect.scope)) continue;
      if (this.asked.has(slot)) continue;
      missing.push({
        effect,
        message: `divergence: the trace recorded ${describeEffectPlace(effect.kind, effect.scope, effect.ordinal)} (key ${effect.key}), which the replay never asked for`,
      });
    }
    return missing;
  }
}

/** One macrotask: every promise chain the served effects started settles first. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
