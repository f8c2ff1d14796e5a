import type { LeafPlacement } from '../../engine/index.js';
import type { ModelWaitState, SpendReport } from '../leaf-job-outcome.js';

/**
 * What a worker publishes on a run's channel. Messages written in the same tick travel as one
 * JSON array (one PUBLISH), so a batch of leaves costs one message, not one per leaf.
 */
export type ProgressMessage =
  | { readonly type: 'placed'; readonly jobIds: readonly string[]; readonly worker: LeafPlacement }
  | { readonly type: 'activity'; readonly jobId: string; readonly message: string }
  | { readonly type: 'spend'; readonly jobId: string; readonly usage: SpendReport }
  | { readonly type: 'model'; readonly jobId: string; readonly state: ModelWaitState };

/**
 * Members' records as written (batch-outcomes.ts): an `outcome`, checked by the coordinator, or
 * `handedBack` with the batch a worker gave the member back from, unrun.
 */
export interface ResultsMessage {
  readonly type: 'results';
  readonly discarded: number;
  readonly outcomes: readonly { readonly jobId: string; readonly outcome?: unknown; readonly handedBack?: unknown }[];
}

export type ChannelMessage = ProgressMessage | ResultsMessage;

/** Parses what arrived on a run's channel; anything malformed is dropped (progress is advisory, outcomes are also kept in Redis). */
export function parseChannelMessages(text: string): ChannelMessage[] {
  try {
    const value = JSON.parse(text) as unknown;
    return (Array.isArray(value) ? value : [value]).flatMap((each) => {
      const message = checkMessage(each);
      return message ? [message] : [];
    });
  } catch {
    return [];
  }
}

function checkMessage(raw: unknown): ChannelMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const value = raw as Record<string, unknown>;
  switch (value['type']) {
    case 'placed':
      return Array.isArray(value['jobIds']) && value['jobIds'].every((id) => typeof id === 'string') && isPlacement(value['worker']) ? (value as unknown as ProgressMessage) : undefined;
    case 'activity':
      return typeof value['jobId'] === 'string' && typeof value['message'] === 'string' ? (value as unknown as ProgressMessage) : undefined;
    case 'spend':
      return typeof value['jobId'] === 'string' && isSpend(value['usage']) ? (value as unknown as ProgressMessage) : undefined;
    case 'model':
      return typeof value['jobId'] === 'string' && (value['state'] === 'started' || value['state'] === 'settled') ? (value as unknown as ProgressMessage) : undefined;
    case 'results':
      return typeof value['discarded'] === 'number' && Array.isArray(value['outcomes']) && value['outcomes'].every((entry) => typeof (entry as { jobId?: unknown })?.jobId === 'string') ? (value as unknown as ResultsMessage) : undefined;
    default:
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
