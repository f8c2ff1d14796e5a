import type { LeafPlacement } from '../../engine/index.js';
import type { LeafJobOutcome } from '../leaf-job-outcome.js';

/** Where an outcome came from when no worker is known (a batch the queue failed, a cancel before any worker took it). */
export const UNKNOWN_WORKER: LeafPlacement = { workerId: 'unknown', host: 'unknown', pid: 0 };

/** Checks an outcome read from Redis; anything else is undefined (the coordinator then fails the leaf, naming the job). */
export function parseOutcome(value: unknown): LeafJobOutcome | undefined {
  const parsed = typeof value === 'string' ? safeJson(value) : value;
  const outcome = parsed as Partial<LeafJobOutcome> | undefined;
  if (!outcome || typeof outcome !== 'object') return undefined;
  if (outcome.type === 'completed' && typeof outcome.result === 'object' && outcome.result !== null) return { ...outcome, worker: outcome.worker ?? UNKNOWN_WORKER } as LeafJobOutcome;
  if (outcome.type === 'threw' && typeof outcome.message === 'string') return { ...outcome, worker: outcome.worker ?? UNKNOWN_WORKER } as LeafJobOutcome;
  if (outcome.type === 'stopped' && typeof outcome.message === 'string') return { ...outcome, artifacts: outcome.artifacts ?? [], worker: outcome.worker ?? UNKNOWN_WORKER } as LeafJobOutcome;
  return undefined;
}

/** A cancel reason as the text a worker shows and a stopped outcome carries. */
export function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'object' && reason !== null && 'type' in reason) {
    const typed = reason as { type: string; message?: string };
    return typed.message ? `${typed.type}: ${typed.message}` : typed.type;
  }
  return String(reason ?? 'cancelled');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
