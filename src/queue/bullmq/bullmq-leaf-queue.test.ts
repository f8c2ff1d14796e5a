import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeLeafQueueConformance, RecordingListener, redisServerAvailability, ScriptedLeafRunner, startTestRedis, testLeafJob, type TestRedis } from '../testing/index.js';
import { BullmqLeafQueue } from './bullmq-leaf-queue.js';
import { BullmqLeafWorker } from './bullmq-leaf-worker.js';
import { leafBatchOf } from './leaf-batch.js';
import { DEFAULT_WORKER_CEILING } from '../worker-ceiling.js';
import { QUEUE_PREFIX, queueKeys } from './queue-keys.js';

const availability = redisServerAvailability();
let redis: TestRedis | undefined;
let opened = 0;

beforeAll(async () => {
  if (availability.available) redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describeLeafQueueConformance(
  'bullmq',
  {
    async open({ runner, ceiling }) {
      if (!redis) throw new Error('no redis');
      opened += 1;
      const queueName = `conformance-${opened}`;
      // Two workers on one queue, as in a deployment: every property must hold whichever takes a job.
      const workers = await Promise.all(
        [1, 2].map((index) =>
          BullmqLeafWorker.start({ url: redis!.url, queueName, concurrency: 8, ceiling: ceiling ?? DEFAULT_WORKER_CEILING, runnerFor: async () => runner, stallTimeoutMs: 5_000, keepFinishedSeconds: 600, host: `worker-${index}` }),
        ),
      );
      const queue = await BullmqLeafQueue.open({ url: redis.url, queueName, lineage: 'run-1', runContext: { version: 1, provider: 'pure-mock' }, unavailableTimeoutMs: 10_000, keepFinishedSeconds: 600 });
      return {
        queue,
        runContext: queue.runContextId,
        async close() {
          await queue.close();
          await Promise.all(workers.map((worker) => worker.stop({ cancelRunning: true })));
        },
      };
    },
  },
  availability.available ? undefined : availability.skipReason,
);

describe.skipIf(!availability.available)('BullmqLeafQueue: a batch the queue fails', () => {
  it("settles its members as failed with the queue's reason (the coordinator reads no queue events)", async () => {
    const queueName = 'failing';
    // A worker that fails every batch it takes, as BullMQ fails one that stalled too often.
    const failing = new Worker(queueName, () => Promise.reject(new Error('this worker cannot read batches')), { connection: { host: '127.0.0.1', port: redis!.port }, prefix: QUEUE_PREFIX });
    const queue = await BullmqLeafQueue.open({ url: redis!.url, queueName, lineage: 'run-failing', runContext: { version: 1, provider: 'pure-mock' }, unavailableTimeoutMs: 10_000, keepFinishedSeconds: 600 });
    try {
      const jobs = [testLeafJob('a', { lineage: 'run-failing', runContext: queue.runContextId }), testLeafJob('b', { lineage: 'run-failing', runContext: queue.runContextId, ordinal: 1 })];
      const outcomes = await Promise.all(jobs.map((job) => queue.submit(job, new RecordingListener(), new AbortController().signal)));
      for (const outcome of outcomes) expect(outcome).toMatchObject({ type: 'threw', message: expect.stringMatching(/the queue failed the job: this worker cannot read batches/) });
    } finally {
      await queue.close();
      await failing.close();
    }
  });
});

describe.skipIf(!availability.available)('BullmqLeafQueue and BullmqLeafWorker connections', () => {
  it('open without a command Redis refuses (no CLIENT SETINFO or CLIENT MAINT_NOTIFICATIONS, which Redis 7.0 rejects)', async () => {
    const admin = new Redis(redis!.url);
    await admin.config('RESETSTAT');
    const queueName = 'connections';
    const worker = await BullmqLeafWorker.start({ url: redis!.url, queueName, concurrency: 2, ceiling: DEFAULT_WORKER_CEILING, runnerFor: async () => new ScriptedLeafRunner(), stallTimeoutMs: 5_000, keepFinishedSeconds: 600 });
    const queue = await BullmqLeafQueue.open({ url: redis!.url, queueName, lineage: 'run-connections', runContext: { version: 1, provider: 'pure-mock' }, unavailableTimeoutMs: 10_000, keepFinishedSeconds: 600 });
    try {
      const outcome = await queue.submit(testLeafJob('ok-a', { lineage: 'run-connections', runContext: queue.runContextId }), new RecordingListener(), new AbortController().signal);
      expect(outcome.type).toBe('completed');
      expect(await admin.info('errorstats')).not.toMatch(/errorstat_/);
    } finally {
      await queue.close();
      await worker.stop();
      admin.disconnect();
    }
  });
});

describe.skipIf(!availability.available)('BullmqLeafWorker: a leaf slot freed while its batch still runs', () => {
  it('takes the next batch at once instead of when the whole batch is done', async () => {
    const queueName = 'freed-slot';
    const runner = new ScriptedLeafRunner();
    const worker = await BullmqLeafWorker.start({ url: redis!.url, queueName, concurrency: 2, ceiling: DEFAULT_WORKER_CEILING, runnerFor: async () => runner, stallTimeoutMs: 5_000, keepFinishedSeconds: 600 });
    const queue = await BullmqLeafQueue.open({ url: redis!.url, queueName, lineage: 'run-freed', runContext: { version: 1, provider: 'pure-mock' }, unavailableTimeoutMs: 10_000, keepFinishedSeconds: 600 });
    const hanging = new AbortController();
    try {
      const job = (id: string, ordinal: number) => testLeafJob(id, { lineage: 'run-freed', runContext: queue.runContextId, ordinal });
      // One batch of two: a leaf that finishes and one that runs until cancelled.
      const first = queue.submit(job('ok-first', 0), new RecordingListener(), new AbortController().signal);
      const long = queue.submit(job('hang-long', 1), new RecordingListener(), hanging.signal);
      await expect(first).resolves.toMatchObject({ type: 'completed' });
      const second = queue.submit(job('ok-second', 2), new RecordingListener(), new AbortController().signal);
      const timedOut = new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 10_000).unref());
      expect(await Promise.race([second.then((outcome) => outcome.type), timedOut])).toBe('completed');
      expect(runner.aborted).not.toContain('hang-long');
      hanging.abort(new Error('test over'));
      await expect(long).resolves.toMatchObject({ type: 'stopped' });
    } finally {
      hanging.abort(new Error('test over'));
      await queue.close();
      await worker.stop({ cancelRunning: true });
    }
  }, 30_000);
});

interface BusyWorker {
  readonly queue: BullmqLeafQueue;
  readonly admin: Redis;
  readonly job: (id: string, ordinal: number) => ReturnType<typeof testLeafJob>;
}

/** A worker of two leaf slots, one held by a leaf that runs until the test is over: a batch of two does not fit. */
async function withBusyWorker(queueName: string, lineage: string, test: (context: BusyWorker) => Promise<void>): Promise<void> {
  const worker = await BullmqLeafWorker.start({ url: redis!.url, queueName, concurrency: 2, ceiling: DEFAULT_WORKER_CEILING, runnerFor: async () => new ScriptedLeafRunner(), stallTimeoutMs: 5_000, keepFinishedSeconds: 600 });
  const queue = await BullmqLeafQueue.open({ url: redis!.url, queueName, lineage, runContext: { version: 1, provider: 'pure-mock' }, unavailableTimeoutMs: 10_000, keepFinishedSeconds: 600 });
  const admin = new Redis(redis!.url);
  const hanging = new AbortController();
  try {
    const job = (id: string, ordinal: number) => testLeafJob(id, { lineage, runContext: queue.runContextId, ordinal });
    const long = queue.submit(job('hang-long', 0), new RecordingListener(), hanging.signal);
    await until(() => worker.info().running.length === 1);
    await test({ queue, admin, job });
    hanging.abort(new Error('test over'));
    await expect(long).resolves.toMatchObject({ type: 'stopped' });
  } finally {
    hanging.abort(new Error('test over'));
    admin.disconnect();
    await queue.close();
    await worker.stop({ cancelRunning: true });
  }
}

describe.skipIf(!availability.available)('BullmqLeafWorker: a batch larger than its free leaf slots', () => {
  it('starts what fits and hands the rest back, which the coordinator queues again', async () => {
    const lineage = 'run-hand-back';
    await withBusyWorker('hand-back', lineage, async ({ queue, admin, job }) => {
      const [first, second] = [job('ok-a', 1), job('ok-b', 2)];
      const outcomes = await Promise.all([first, second].map((each) => queue.submit(each, new RecordingListener(), new AbortController().signal)));
      expect(outcomes.map((outcome) => outcome.type)).toEqual(['completed', 'completed']);
      const keys = queueKeys('hand-back');
      const [firstBatch, secondBatch] = await admin.hmget(keys.members(lineage), first.jobId, second.jobId);
      // Queued together, ran apart: the member that did not fit is in a batch of its own now,
      // and the first batch's record says it was handed back unrun.
      expect(secondBatch).not.toBe(firstBatch);
      expect(JSON.parse((await admin.hget(keys.batchOutcomes(firstBatch!), second.jobId))!)).toEqual({ jobId: second.jobId, handedBack: firstBatch });
      expect(JSON.parse((await admin.hget(keys.batchOutcomes(secondBatch!), second.jobId))!)).toMatchObject({ outcome: { type: 'completed' } });
    });
  }, 30_000);

  it('keeps every member of an older coordinator\'s batch (no handBack): that coordinator would not queue one handed back', async () => {
    const lineage = 'run-no-hand-back';
    await withBusyWorker('no-hand-back', lineage, async ({ admin, job }) => {
      const { handBack: _omitted, ...older } = leafBatchOf(lineage, [job('ok-a', 1), job('ok-b', 2)]);
      const raw = new Queue('no-hand-back', { connection: { host: '127.0.0.1', port: redis!.port }, prefix: QUEUE_PREFIX });
      try {
        await raw.add('batch', older, { jobId: older.batchId });
      } finally {
        await raw.close();
      }
      const outcomes = () => admin.hgetall(queueKeys('no-hand-back').batchOutcomes(older.batchId));
      await until(async () => Object.keys(await outcomes()).length === 2);
      for (const text of Object.values(await outcomes())) expect(JSON.parse(text)).toMatchObject({ outcome: { type: 'completed' } });
    });
  }, 30_000);
});

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 10) {
    if (waited > 10_000) throw new Error('condition not met in 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
