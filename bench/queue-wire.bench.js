// What the queue's transport costs per batch, each choice against the one it replaced, alternated
// in this one process (CPU time, so the load of a shared machine moves both sides alike): the
// member index a coordinator writes before each batch, a MULTI (before) against one script command
// (now), on a connection that carries BullMQ's scripts, as the coordinator's does.
// `npm run bench queue-wire`. Skips with a printed reason when redis-server is not installed.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { indexMembers } from '../dist/queue/bullmq/member-index.js';
import { queueKeys, QUEUE_PREFIX } from '../dist/queue/bullmq/index.js';
import { startTestRedis } from '../dist/queue/testing/test-redis.js';
import { testLeafJob } from '../dist/queue/testing/index.js';
import { redisMissingRows } from './redis-missing.js';

const BATCH = 25;
const ROUNDS = 10;
const BATCHES_PER_ROUND = 50;

function cpuMicros() {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** Runs `before` and `after` alternately ROUNDS times; the CPU µs each spent per call, summed over rounds. */
async function alternate(before, after, callsPerRound) {
  const spent = { before: 0, after: 0 };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [side, work] of round % 2 === 0 ? [['before', before], ['after', after]] : [['after', after], ['before', before]]) {
      globalThis.gc?.();
      const started = cpuMicros();
      for (let call = 0; call < callsPerRound; call += 1) await work(call);
      spent[side] += cpuMicros() - started;
    }
  }
  return { before: spent.before / (ROUNDS * callsPerRound), after: spent.after / (ROUNDS * callsPerRound) };
}

function testBatch(offset) {
  return Array.from({ length: BATCH }, (_, index) => testLeafJob(`leaf-${offset + index}`, { ordinal: offset + index, lineage: '3f0c9a52-6d1e-4b7a-9a51-0d2c8e7f4b21', runContext: 'ctx-21d34e9fef8a20abe31063bd19cd93bc77f520dd' }));
}

async function memberIndexRows(url) {
  const keys = queueKeys('wire-bench');
  const redis = new Redis(url);
  const queue = new Queue('wire-bench', { connection: redis, prefix: QUEUE_PREFIX });
  await queue.waitUntilReady();
  const jobIds = testBatch(0).map((job) => job.jobId);
  const pairs = jobIds.flatMap((jobId) => [jobId, 'batch-x']);
  const cost = await alternate(
    () => redis.multi().hset(keys.members('multi'), ...pairs).expire(keys.members('multi'), 600).exec(),
    () => indexMembers(redis, keys, 'script', 'batch-x', jobIds, 600),
    BATCHES_PER_ROUND,
  );
  await queue.close();
  redis.disconnect();
  return [
    { bench: 'queue-wire', metric: `member index per batch of ${BATCH}: MULTI (before)`, value: cost.before, unit: 'µs', note: 'coordinator CPU per batch, on a connection carrying BullMQ’s scripts' },
    { bench: 'queue-wire', metric: `member index per batch of ${BATCH}: one script command (now)`, value: cost.after, unit: 'µs', note: `${(cost.after / cost.before).toFixed(2)}× the MULTI, same run` },
  ];
}

export async function run() {
  const missing = redisMissingRows('queue-wire');
  if (missing) return missing;
  const redis = await startTestRedis();
  try {
    return await memberIndexRows(redis.url);
  } finally {
    await redis.stop();
  }
}
