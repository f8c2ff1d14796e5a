import {
  DeterminismViolation,
  type EffectBoundary,
  type EffectOutcome,
  type EffectRequest,
  type EffectResult,
} from '../engine/contracts/index.js';
import { describeEffectPlace, effectSlot, type RecordedEffect, type RecordedEffects } from './recorded-effects.js';

export interface ReplayBoundaryOptions {
  /** Run effects the trace lacks live instead of failing (`--allow-live`). */
  readonly allowLive?: boolean;
  /** Nodes whose effects run live whatever the trace holds (`--from NODE` and its dependents). */
  readonly liveNodes?: ReadonlySet<string>;
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

  constructor(
    private readonly recorded: RecordedEffects,
    private readonly options: ReplayBoundaryOptions = {},
  ) {}

  async perform(request: EffectRequest, live: (signal: AbortSignal) => Promise<EffectResult>, signal: AbortSignal): Promise<EffectOutcome> {
    this.asked.add(effectSlot(request.scope, request.ordinal));
    if (this.options.liveNodes?.has(request.scope.nodeId)) return this.runLive(live, signal);
    const recorded = this.recorded.at(request.scope, request.ordinal);
    if (recorded && recorded.key === request.key && recorded.kind === request.kind) {
      this.servedFromTrace++;
      return { result: recorded.result, source: 'trace' };
    }
    if (!recorded && this.options.allowLive) return this.runLive(live, signal);
    throw this.violation(request, recorded);
  }

  private async runLive(live: (signal: AbortSignal) => Promise<EffectResult>, signal: AbortSignal): Promise<EffectOutcome> {
    this.ranLive++;
    return { result: await live(signal), source: 'live' };
  }

  private violation(request: EffectRequest, recorded: RecordedEffect | undefined): DeterminismViolation {
    const place = describeEffectPlace(request.kind, request.scope, request.ordinal);
    const message = recorded
      ? `determinism violation at ${place}: the trace recorded ${recorded.kind} key ${recorded.key}, the replay asked for ${request.kind} key ${request.key}`
      : `determinism violation at ${place}: the replay asked for key ${request.key}, which the trace does not have (--allow-live runs it)`;
    const violation = new DeterminismViolation(request.scope, request.ordinal, recorded?.key, request.key, message);
    this.violations.push(violation);
    return violation;
  }

  /** Recorded effects the replay never asked for (effects of live nodes excepted). */
  unasked(): UnaskedEffect[] {
    const missing: UnaskedEffect[] = [];
    for (const effect of this.recorded.all()) {
      if (this.options.liveNodes?.has(effect.scope.nodeId)) continue;
      if (this.asked.has(effectSlot(effect.scope, effect.ordinal))) continue;
      missing.push({
        effect,
        message: `divergence: the trace recorded ${describeEffectPlace(effect.kind, effect.scope, effect.ordinal)} (key ${effect.key}), which the replay never asked for`,
      });
    }
    return missing;
  }
}
