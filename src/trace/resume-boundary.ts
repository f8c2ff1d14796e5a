import type { EffectBoundary, EffectOutcome, EffectRequest, EffectResult } from '../engine/contracts/index.js';
import { isSameEffect, RecordedEffects, type RecordedEffect } from './recorded-effects.js';

export interface ResumeBoundaryOptions {
  /** Serve recorded failures too instead of trying them again; default false. */
  readonly reuseFailures?: boolean;
}

/**
 * Continues an interrupted run: an effect that finished in the recorded run is served from
 * the trace (same slot and key first, else any recorded effect with the same kind and key,
 * which is how an edited workflow reuses its unchanged leaves); everything else runs live.
 * Recorded failures run again unless `reuseFailures`, since resuming is usually a retry.
 */
export class ResumeBoundary implements EffectBoundary {
  servedFromTrace = 0;
  ranLive = 0;
  /** Keys served, so a test can check nothing finished ran twice. */
  readonly servedKeys: string[] = [];

  private readonly sources: readonly RecordedEffects[];

  /** One or more recorded runs, most recent first (a resumed resume reads its whole chain). */
  constructor(
    recorded: RecordedEffects | readonly RecordedEffects[],
    private readonly options: ResumeBoundaryOptions = {},
  ) {
    this.sources = recorded instanceof RecordedEffects ? [recorded] : recorded;
  }

  async perform(request: EffectRequest, live: () => Promise<EffectResult>): Promise<EffectOutcome> {
    const reusable = this.find(request);
    if (reusable) {
      this.servedFromTrace++;
      this.servedKeys.push(request.key);
      return { result: reusable.result, source: 'trace' };
    }
    this.ranLive++;
    return { result: await live(), source: 'live' };
  }

  private find(request: EffectRequest): RecordedEffect | undefined {
    const usable = (effect: RecordedEffect | undefined): effect is RecordedEffect =>
      effect !== undefined &&
      isSameEffect(effect, request) &&
      (effect.result.status === 'succeeded' || this.options.reuseFailures === true);
    for (const source of this.sources) {
      const inSlot = source.at(request.scope, request.ordinal);
      if (usable(inSlot)) return inSlot;
    }
    for (const source of this.sources) {
      const byKey = source.withKey(request.key).find(usable);
      if (byKey) return byKey;
    }
    return undefined;
  }
}
