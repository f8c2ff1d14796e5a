import type { Redis } from 'ioredis';
import type { WorkerCeiling } from '../worker-ceiling.js';
import type { QueueKeys } from './queue-keys.js';

/** What a worker says about itself every heartbeat; `whaleflow workers` lists these. */
export interface WorkerInfo {
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  readonly concurrency: number;
  readonly ceiling: WorkerCeiling;
  readonly startedAt: number;
  readonly lastSeenAt: number;
  /** The leaves it runs now: leaf id and the run whose trace records it. */
  readonly running: readonly { readonly jobId: string; readonly leafId: string; readonly runId: string; readonly startedAt: number }[];
  /** Jobs finished since it started, and results the queue refused because another worker had the job by then. */
  readonly finished: number;
  readonly discarded: number;
  /** Run contexts (settings, runtime, checkout) it keeps now; absent from workers older than the bound. */
  readonly cachedRuns?: number;
}

/** A worker not heard from for this long is gone (killed, or cut off from Redis). */
export const WORKER_STALE_MS = 10_000;

export async function publishWorkerInfo(redis: Redis, keys: QueueKeys, info: WorkerInfo): Promise<void> {
  await redis
    .multi()
    .set(keys.worker(info.workerId), JSON.stringify(info), 'PX', WORKER_STALE_MS)
    .zadd(keys.workers, info.lastSeenAt, info.workerId)
    .exec();
}

export async function removeWorkerInfo(redis: Redis, keys: QueueKeys, workerId: string): Promise<void> {
  await redis.multi().del(keys.worker(workerId)).zrem(keys.workers, workerId).exec();
}

/** Live workers, oldest first; entries of workers gone silent are pruned on the way. */
export async function listWorkers(redis: Redis, keys: QueueKeys, now: number): Promise<WorkerInfo[]> {
  await redis.zremrangebyscore(keys.workers, '-inf', now - WORKER_STALE_MS);
  const ids = await redis.zrange(keys.workers, 0, -1);
  if (ids.length === 0) return [];
  const documents = await redis.mget(ids.map((id) => keys.worker(id)));
  return documents
    .flatMap((document) => {
      if (document === null) return [];
      try {
        return [JSON.parse(document) as WorkerInfo];
      } catch {
        return [];
      }
    })
    .sort((left, right) => left.startedAt - right.startedAt);
}
