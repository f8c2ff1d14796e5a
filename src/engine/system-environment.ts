import { randomUUID } from 'node:crypto';
import type { EngineEnvironment } from './contracts/index.js';

/**
 * The real clock, ids, randomness and timers. This is the only place the engine's globals are
 * read; everything inside engine/ receives an EngineEnvironment instead, so tests and replays
 * can substitute virtual time.
 */
export function systemEnvironment(): EngineEnvironment {
  return {
    now: () => Date.now(),
    newId: () => randomUUID(),
    random: () => Math.random(),
    sleep: sleepWithTimer,
  };
}

function sleepWithTimer(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
