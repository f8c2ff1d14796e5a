// Pairs two builds on the queue bench's 2,000 × 20 ms fan-out through warm workers, alternating
// timed runs (A B, B A, …) in one process against one redis-server, so the machine's load falls on
// both alike: `node bench/queue-pair.js BUILD_A BUILD_B [--pairs 6] [--workers 4]`. Each build has
// its own warm worker pool (its own Redis database) and its own coordinator modules. Prints each
// run and the medians: wall ms, batches per run, Redis commands per leaf, CPU ms per run.
// `--timeline DIR` also writes per-event timelines of the timed runs (coordinator and workers) there.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median, numberOption } from './alternating-builds.js';
import { startWorkerProcesses } from './worker-processes.js';

const builds = process.argv.slice(2, 4).map((path) => resolve(path));
if (builds.length < 2) {
  console.error('usage: node bench/queue-pair.js BUILD_A BUILD_B [--pairs N] [--workers N] [--timeline DIR]');
  process.exit(2);
}
const PAIRS = numberOption('--pairs', 6);
const WORKERS = numberOption('--workers', 4);
const LEAVES = numberOption('--leaves', 2_000);
const LATENCY_MS = numberOption('--latency', 20);
const SLOTS = 100;
const WARM_ROUNDS = numberOption('--warm-rounds', Math.ceil(1_000 / (Math.ceil(LEAVES / Math.min(64, Math.ceil(SLOTS / WORKERS))) / WORKERS)));
const timelineIndex = process.argv.indexOf('--timeline');
const TIMELINE = timelineIndex < 0 ? undefined : resolve(process.argv[timelineIndex + 1]);
// `QUEUE_PAIR_WORKER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'` profiles the worker processes.
const WORKER_NODE_ARGS = (process.env.QUEUE_PAIR_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const hrNow = () => Number(process.hrtime.bigint()) / 1e6;

const load = (build, path) => import(pathToFileURL(join(build, path)).href);

function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** The build's worker processes; with `--timeline`, each runs through queue-timeline-worker.js, which records its events. */
function startWorkers(build, url, concurrency, label) {
  const args = ['--queue', url, '--concurrency', String(concurrency)];
  if (!TIMELINE) return startWorkerProcesses(join(build, 'bin', 'whaleflow.js'), WORKERS, args, WORKER_NODE_ARGS);
  const env = { ...process.env, QUEUE_TIMELINE_BUILD: build, QUEUE_TIMELINE_OUT: join(TIMELINE, `worker-${label}`) };
  return startWorkerProcesses(join(import.meta.dirname, 'queue-timeline-worker.js'), WORKERS, args, WORKER_NODE_ARGS, env);
}

async function side(build, label, redisUrl, database) {
  const engine = await load(build, 'dist/engine/index.js');
  const ir = await load(build, 'dist/ir/index.js');
  const mock = await load(build, 'dist/leaves/mock/index.js');
  const { QueueLeafRunner } = await load(build, 'dist/queue/index.js');
  const { BullmqLeafQueue } = await load(build, 'dist/queue/bullmq/index.js');
  const events = [];
  let recording = false;
  const counters = { batches: 0, batchLeaves: 0 };
  const proto = BullmqLeafQueue.prototype;
  const wrap = (name, before) => {
    const original = proto[name];
    if (typeof original !== 'function') return;
    proto[name] = function (...args) {
      before.call(this, ...args);
      return original.apply(this, args);
    };
  };
  wrap('addBatch', (entries) => {
    counters.batches += 1;
    counters.batchLeaves += entries.length;
    if (recording) events.push({ e: 'added', n: entries.length, jobs: entries.map((entry) => entry.job.jobId), t: hrNow() });
  });
  wrap('submit', (job) => recording && events.push({ e: 'submit', job: job.jobId, t: hrNow() }));
  wrap('settle', (jobId) => recording && events.push({ e: 'settle', job: jobId, t: hrNow() }));
  wrap('onChannel', (text) => recording && events.push({ e: 'message', bytes: text.length, t: hrNow() }));
  const children = Array.from({ length: LEAVES }, (_, index) => ({ kind: 'leaf', spec: { id: `leaf-${index}`, prompt: `task ${index}` } }));
  const parsed = ir.parseWorkflowSpec({ id: 'queue-pair', goal: 'fan out', nodes: [{ kind: 'branch_set', spec: { id: 'fan', parallel: true, children } }] });
  if (!parsed.ok) throw new Error('bad spec');
  const url = `${redisUrl}/${database}`;
  const workers = await startWorkers(build, url, Math.ceil(SLOTS / WORKERS), label);
  const contextFor = (latency) => ({ version: 1, provider: 'pure-mock', fixture: mock.mockFixtureSchema.parse({ defaults: { latency_ms: latency } }) });
  const runOnce = async (lineage, latency) => {
    const queue = await BullmqLeafQueue.open({ url, queueName: 'leaves', lineage, runContext: contextFor(latency), unavailableTimeoutMs: 30_000, keepFinishedSeconds: 600 });
    try {
      const environment = engine.systemEnvironment();
      const leafRunner = new QueueLeafRunner({ queue, lineage, runContext: queue.runContextId, now: Date.now });
      const started = performance.now();
      const result = await engine.executeWorkflow({ spec: parsed.spec, runId: lineage, sink: new engine.MemoryEventSink(), leafRunner, gateway: new mock.MockModelGateway(environment), environment, limits: { maxConcurrentLeaves: SLOTS }, validation: { maxAgents: 100_000 } });
      if (result.status !== 'succeeded') throw new Error(`run ${lineage} ended ${result.status}`);
      return performance.now() - started;
    } finally {
      await queue.close();
    }
  };
  let round = 0;
  return {
    label,
    build,
    runs: [],
    async warm() {
      for (let index = 0; index < WARM_ROUNDS; index += 1) await runOnce(`${label}-warm-${index}`, 1);
    },
    async timed(admin) {
      const before = { workers: workers.map((child) => cpuMsOf(child.pid)), coordinator: process.cpuUsage(), redis: await redisCounters(admin), ...counters };
      recording = Boolean(TIMELINE);
      const runStart = hrNow();
      const ms = await runOnce(`${label}-timed-${round}`, LATENCY_MS);
      recording = false;
      const coordinator = process.cpuUsage(before.coordinator);
      const redis = await redisCounters(admin);
      const workersMs = workers.reduce((sum, child, index) => sum + cpuMsOf(child.pid) - before.workers[index], 0);
      const run = {
        ms,
        batches: counters.batches - before.batches,
        commandsPerLeaf: (redis.commands - before.redis.commands - 2) / LEAVES,
        coordinatorMs: (coordinator.user + coordinator.system) / 1000,
        workersMs,
        redisMs: redis.cpuMs - before.redis.cpuMs,
      };
      if (TIMELINE) writeFileSync(join(TIMELINE, `coordinator-${label}-${round}.json`), JSON.stringify({ runStart, events: events.splice(0) }));
      round += 1;
      this.runs.push(run);
      return run;
    },
    async stop() {
      await Promise.all(workers.map((child) => new Promise((resolvePromise) => {
        if (child.exitCode !== null) return resolvePromise();
        child.once('exit', resolvePromise);
        child.kill('SIGTERM');
      })));
    },
  };
}

async function redisCounters(admin) {
  const cpu = await admin.info('cpu');
  const seconds = [...cpu.matchAll(/used_cpu_(?:sys|user):([\d.]+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
  const stats = await admin.info('commandstats');
  const commands = [...stats.matchAll(/cmdstat_[^:]+:calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
  return { cpuMs: seconds * 1000, commands };
}

const { startTestRedis } = await load(builds[0], 'dist/queue/testing/test-redis.js');
const { Redis } = await import(pathToFileURL(join(builds[0], 'node_modules/ioredis/built/index.js')).href);
const redis = await startTestRedis();
const admin = new Redis(redis.url);
const sides = [];
try {
  sides.push(await side(builds[0], 'A', redis.url, 1), await side(builds[1], 'B', redis.url, 2));
  for (const each of sides) await each.warm();
  for (let pair = 0; pair < PAIRS; pair += 1) {
    for (const each of pair % 2 === 0 ? sides : [...sides].reverse()) {
      const run = await each.timed(admin);
      console.log(`${each.label} ${Math.round(run.ms)} ms, ${run.batches} batches, ${run.commandsPerLeaf.toFixed(2)} commands/leaf, CPU coordinator ${Math.round(run.coordinatorMs)} workers ${Math.round(run.workersMs)} Redis ${Math.round(run.redisMs)} ms`);
    }
  }
  const summary = Object.fromEntries(sides.map((each) => [each.label, Object.fromEntries(Object.keys(each.runs[0]).map((key) => [key, median(each.runs.map((run) => run[key]))]))]));
  for (const each of sides) console.log(`${each.label} (${each.build}) medians: ${JSON.stringify(summary[each.label])}; efficiency ${Math.round(((Math.ceil(LEAVES / SLOTS) * LATENCY_MS) / summary[each.label].ms) * 100)} %`);
  console.log(`B ÷ A wall: ${(summary.B.ms / summary.A.ms).toFixed(3)}; per-pair ratios: ${sides[1].runs.map((run, index) => (run.ms / sides[0].runs[index].ms).toFixed(3)).join(' ')}`);
} finally {
  admin.disconnect();
  for (const each of sides) await each.stop();
  await redis.stop();
}
