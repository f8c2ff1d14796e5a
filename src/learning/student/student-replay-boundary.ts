import type { EffectBoundary, EffectOutcome, EffectRequest, EffectResult } from '../../engine/index.js';
import { RecordedEffects } from '../../trace/index.js';

/**
 * Serves a student replay: effects of the nodes the lesson changes (and their dependents) run
 * live; every other effect is served from the baseline's trace when the baseline recorded the
 * same effect (same slot and key, else the same key elsewhere — failures too, since this is the
 * baseline's outcome, not a retry). An effect the baseline never recorded runs live.
 */
export class StudentReplayBoundary implements EffectBoundary {
  servedFromTrace = 0;
  ranLive = 0;
  /** Usage of what ran live: the price of the replay. */
  readonly liveUsage = { inputTokens: 0, outputTokens: 0, costMicrousd: 0 as number | null };

  constructor(
    private readonly baseline: RecordedEffects,
    private readonly liveNodes: ReadonlySet<string>,
  ) {}

  async perform(request: EffectRequest, live: () => Promise<EffectResult>): Promise<EffectOutcome> {
    if (!this.liveNodes.has(request.scope.nodeId)) {
      const recorded = this.find(request);
      if (recorded) {
        this.servedFromTrace += 1;
        return { result: recorded, source: 'trace' };
      }
    }
    this.ranLive += 1;
    const result = await live();
    this.liveUsage.inputTokens += result.usage.input_tokens;
    this.liveUsage.outputTokens += result.usage.output_tokens;
    this.liveUsage.costMicrousd = this.liveUsage.costMicrousd === null || result.usage.cost_microusd === null ? null : this.liveUsage.costMicrousd + result.usage.cost_microusd;
    return { result, source: 'live' };
  }

  private find(request: EffectRequest): EffectResult | undefined {
    const inSlot = this.baseline.at(request.scope, request.ordinal);
    if (inSlot && inSlot.key === request.key && inSlot.kind === request.kind) return inSlot.result;
    return this.baseline.withKey(request.key).find((effect) => effect.kind === request.kind)?.result;
  }
}
