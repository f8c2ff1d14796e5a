import { afterAll, beforeAll } from 'vitest';
import { describeLeafQueueConformance, redisServerAvailability, startTestRedis, type TestRedis } from '../testing/index.js';
import { BullmqLeafQueue } from './bullmq-leaf-queue.js';
import { BullmqLeafWorker } from './bullmq-leaf-worker.js';
import { DEFAULT_WORKER_CEILING } from '../worker-ceiling.js';

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
