import type { EffectArtifact, EffectResult, LeafPlacement } from '../engine/index.js';

/**
 * How a job ended on its worker, as the coordinator receives it:
 * - `completed`: the runner returned a result (a failed leaf and a refused job are results too);
 * - `threw`: the runner threw outside a cancel, which in-process fails the leaf without a result;
 * - `stopped`: the job was cancelled; what the leaf made before it stopped (a diff) comes along.
 */
export type LeafJobOutcome =
  | { readonly type: 'completed'; readonly result: EffectResult; readonly worker: LeafPlacement }
  | { readonly type: 'threw'; readonly message: string; readonly worker: LeafPlacement }
  | { readonly type: 'stopped'; readonly message: string; readonly artifacts: readonly EffectArtifact[]; readonly worker: LeafPlacement };

/** What a job reports while it runs, relayed to the engine's LeafRunContext at the coordinator. */
export interface LeafJobListener {
  placed(worker: LeafPlacement): void;
  activity(message: string): void;
  spend(usage: SpendReport): void;
  /**
   * A model call of the leaf started or settled. The coordinator's no-progress watchdog leaves a
   * leaf alone while it waits on a model (the provider's timeout bounds that wait), exactly as
   * in-process: without this a remote leaf in a long model call would look idle and be stopped.
   */
  modelWait(state: ModelWaitState): void;
}

export type ModelWaitState = 'started' | 'settled';

export interface SpendReport {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costMicrousd: number | null;
  readonly steps?: number;
}
