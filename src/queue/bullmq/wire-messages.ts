import type { LeafPlacement } from '../../engine/index.js';
import type { ModelWaitState, SpendReport } from '../leaf-job-outcome.js';

/** What a worker publishes on a run's channel while a job runs. */
export type ProgressMessage =
  | { readonly type: 'placed'; readonly jobId: string; readonly worker: LeafPlacement }
  | { readonly type: 'activity'; readonly jobId: string; readonly message: string }
  | { readonly type: 'spend'; readonly jobId: string; readonly usage: SpendReport }
  | { readonly type: 'model'; readonly jobId: string; readonly state: ModelWaitState };

/** Parses a progress message; anything malformed is ignored (progress is advisory). */
export function parseProgressMessage(text: string): ProgressMessage | undefined {
  try {
    const value = JSON.parse(text) as Partial<ProgressMessage> & Record<string, unknown>;
    if (typeof value.jobId !== 'string') return undefined;
    switch (value.type) {
      case 'placed':
        return isPlacement(value.worker) ? (value as ProgressMessage) : undefined;
      case 'activity':
        return typeof value.message === 'string' ? (value as ProgressMessage) : undefined;
      case 'spend':
        return isSpend(value.usage) ? (value as ProgressMessage) : undefined;
      case 'model':
        return value.state === 'started' || value.state === 'settled' ? (value as ProgressMessage) : undefined;
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

export interface CancelMessage {
  readonly jobId: string;
  readonly reason: string;
}

export function parseCancelMessage(text: string): CancelMessage | undefined {
  try {
    const value = JSON.parse(text) as Partial<CancelMessage>;
    return typeof value.jobId === 'string' ? { jobId: value.jobId, reason: typeof value.reason === 'string' ? value.reason : 'cancelled' } : undefined;
  } catch {
    return undefined;
  }
}

function isPlacement(value: unknown): value is LeafPlacement {
  const placement = value as LeafPlacement | undefined;
  return typeof placement?.workerId === 'string' && typeof placement.host === 'string' && typeof placement.pid === 'number';
}

function isSpend(value: unknown): value is SpendReport {
  const usage = value as SpendReport | undefined;
  return typeof usage?.inputTokens === 'number' && typeof usage.outputTokens === 'number' && (usage.costMicrousd === null || typeof usage.costMicrousd === 'number');
}
