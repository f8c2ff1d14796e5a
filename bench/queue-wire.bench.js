// What the queue's transport costs per batch, each choice against the one it replaced, alternated
// in this one process (CPU time, so the load of a shared machine moves both sides alike): the
// member index a coordinator writes before each batch, a MULTI (before) against one script command
// (now), on a connection that carries BullMQ's scripts, as the coordinator's does.
// Also what a worker's own code costs per member of a batch (read and check the job, run it with a
// zero-latency mock, encode its outcome), without Redis, BullMQ or sockets: set against a worker's
// CPU per leaf in `npm run bench queue`, it says how much of that is WhaleFlow's code at all.
// `npm run bench queue-wire`. Skips with a printed reason when redis-server is not installed.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { indexMembers } from '../dist/queue/bullmq/member-index.js';
import { queueKeys, QUEUE_PREFIX } from '../dist/queue/bullmq/index.js';
import { startTestRedis } from '../dist/queue/testing/test-redis.js';
import { testLeafJob } from '../dist/queue/testing/index.js';
import { DEFAULT_WORKER_CEILING, executeLeafJob, leafJobSchema } from '../dist/queue/index.js';
import { MockLeafRunner } from '../dist/leaves/mock/index.js';
import { systemEnvironment } from '../dist/engine/index.js';
import { SecretRedactor } from '../dist/util/index.js';
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

/** CPU µs per member of each step a worker's own code takes, over batches of BATCH members, repeated. */
async function workerCodeRows() {
  const members = Array.from({ length: BATCH * BATCHES_PER_ROUND }, (_, index) => testLeafJob(`leaf-${index}`, { ordinal: index, lineage: '3f0c9a52-6d1e-4b7a-9a51-0d2c8e7f4b21', runContext: 'ctx-21d34e9fef8a20abe31063bd19cd93bc77f520dd' }));
  const text = JSON.stringify({ members });
  const runner = new MockLeafRunner(systemEnvironment());
  const options = { runner, ceiling: DEFAULT_WORKER_CEILING, worker: { workerId: 'bench', host: 'bench', pid: 1 }, now: Date.now, redactor: new SecretRedactor() };
  const listener = { placed() {}, activity() {}, spend() {}, modelWait() {} };
  const execute = () => Promise.all(members.map((job) => executeLeafJob(job, options, listener, new AbortController().signal)));
  const outcomes = await execute();
  const steps = [
    ['parse the batch’s JSON', () => JSON.parse(text)],
    ['check each member (job schema)', () => members.forEach((member) => leafJobSchema.safeParse(member))],
    ['run each (input hash check, 0 ms mock, redaction)', execute],
    ['encode each outcome', () => outcomes.forEach((outcome, index) => JSON.stringify({ jobId: members[index].jobId, outcome }))],
  ];
  const rows = [];
  let total = 0;
  for (const [label, step] of steps) {
    for (let warm = 0; warm < 3; warm += 1) await step();
    globalThis.gc?.();
    const started = cpuMicros();
    for (let round = 0; round < ROUNDS; round += 1) await step();
    const perMember = (cpuMicros() - started) / (ROUNDS * members.length);
    total += perMember;
    rows.push({ bench: 'queue-wire', metric: `worker code per member: ${label}`, value: perMember, unit: 'µs', note: `${Math.round(text.length / members.length)} bytes of job per member` });
  }
  rows.push({ bench: 'queue-wire', metric: 'worker code per member, all of it', value: total, unit: 'µs', note: 'what WhaleFlow’s own code costs a worker per leaf; the rest of its CPU per leaf in `npm run bench queue` is BullMQ, ioredis, sockets, timers and GC' });
  return rows;
}

export async function run() {
  const missing = redisMissingRows('queue-wire');
  if (missing) return missing;
  const redis = await startTestRedis();
  try {
    return [...(await memberIndexRows(redis.url)), ...(await workerCodeRows())];
  } finally {
    await redis.stop();
  }
}
