import { randomUUID } from 'node:crypto';
import { cancelledReason, whenCancelled, type EngineEnvironment, type SleepCancellation } from './contracts/index.js';

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

function sleepWithTimer(ms: number, cancellation?: SleepCancellation): Promise<void> {
  return new Promise((resolve, reject) => {
    const already = cancelledReason(cancellation);
    if (already !== undefined) {
      reject(already);
      return;
    }
    const timer = setTimeout(() => {
      stopListening();
      resolve();
    }, Math.max(0, ms));
    const stopListening = whenCancelled(cancellation, (reason) => {
      clearTimeout(timer);
      reject(reason);
    });
  });
}
