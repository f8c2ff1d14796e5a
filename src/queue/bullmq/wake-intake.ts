import type { Worker } from 'bullmq';

interface MainLoopQueue {
  add(promise: Promise<unknown>): void;
}

/**
 * Makes BullMQ's worker loop look at its `concurrency` again now. The loop re-reads it only when
 * something it waits on settles — a job it holds finishing, or a fetch returning — so a leaf slot
 * freed while the worker's batch still runs (one leaf of it takes longer) stayed idle until the
 * whole batch was done. A settled promise handed to the loop's queue (BullMQ 6's
 * `mainLoopQueue`, not public API) is read as "nothing fetched" and the loop goes round, fetching
 * if its concurrency allows. Without that field (another BullMQ) it does nothing, as before: the
 * test 'a leaf slot freed while its batch still runs' then fails.
 */
export function wakeIntake(worker: Worker): void {
  const loop = (worker as unknown as { mainLoopQueue?: MainLoopQueue | null }).mainLoopQueue;
  loop?.add(Promise.resolve(undefined));
}
