/** BullMQ's key prefix for WhaleFlow's queues (BullMQ's own default is `bull`). */
export const QUEUE_PREFIX = 'whaleflow';

/** The Redis keys and channels WhaleFlow keeps beside a BullMQ queue, all under its prefix. */
export function queueKeys(queueName: string) {
  const base = `${QUEUE_PREFIX}:${queueName}`;
  return {
    runContext: (id: string) => `${base}:ctx:${id}`,
    blob: (hash: string) => `${base}:blob:${hash}`,
    workers: `${base}:workers`,
    worker: (workerId: string) => `${base}:worker:${workerId}`,
    cancelled: (jobId: string) => `${base}:cancelled:${jobId}`,
    /** Hash: member job id → its outcome, first write wins (batch-outcomes.ts). */
    batchOutcomes: (batchId: string) => `${base}:outcomes:${batchId}`,
    /** Hash: member job id → the batch it was queued in, for one run lineage (a resume re-attaches through it). */
    members: (lineage: string) => `${base}:members:${lineage}`,
    /** Pub/sub: what jobs of one run lineage report while they run (placed, activity, spend). */
    runChannel: (lineage: string) => `${base}:run:${lineage}`,
    /** Pub/sub: workers' memo questions to the coordinator of one run (memo-over-redis.ts). */
    memoChannel: (runId: string) => `${base}:memo:${runId}`,
    /** Pub/sub: the coordinator's memo answers to one worker. */
    memoReplyChannel: (replyTo: string) => `${base}:memo-reply:${replyTo}`,
    /** Pub/sub: job ids to stop, heard by every worker. */
    cancelChannel: `${base}:cancel`,
  };
}

export type QueueKeys = ReturnType<typeof queueKeys>;
