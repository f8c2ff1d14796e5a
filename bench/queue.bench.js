// Scale-out: 2,000 leaves × 20 ms through 1, 2 and 4 `whaleflow worker` processes (BullMQ on a
// redis-server started here, loopback only) against the same run in-process, plus the latency
// one leaf pays for the queue. Ratios are to baselines measured in this same run. Skips with a
// printed reason when redis-server is not installed.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executeWorkflow, MemoryEventSink, systemEnvironment } from '../dist/engine/index.js';
import { parseWorkflowSpec } from '../dist/ir/index.js';
import { MockLeafRunner, MockModelGateway, mockFixtureSchema } from '../dist/leaves/mock/index.js';
import { QueueLeafRunner } from '../dist/queue/index.js';
import { BullmqLeafQueue } from '../dist/queue/bullmq/index.js';
import { startTestRedis } from '../dist/queue/testing/test-redis.js';
import { Redis } from 'ioredis';
import { startWorkerProcesses } from './worker-processes.js';
import { redisMissingRows } from './redis-missing.js';

const here = dirname(fileURLToPath(import.meta.url));
const binary = join(here, '..', 'bin', 'whaleflow.js');
const LEAVES = 2_000;
const LATENCY_MS = 20;
const SLOTS = 100;
const SEQUENTIAL_LEAVES = 200;
// `QUEUE_BENCH_WORKERS=4 npm run bench queue` measures only the 4-worker row (and the baselines).
// `QUEUE_BENCH_WORKER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'` profiles the worker processes.
const WORKER_NODE_ARGS = (process.env.QUEUE_BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const WORKER_COUNTS = (process.env.QUEUE_BENCH_WORKERS ?? '1,2,4').split(',').map(Number).filter((count) => count > 0);
// Workers are long-lived processes, and so is the bench's coordinator: each pool first runs the
// same fan-out untimed (at WARM_LATENCY_MS, so it is quick) until each worker has taken about
// WARM_BATCHES_PER_WORKER batches. Per-batch code (BullMQ moving a job to active and to finished,
// the outcome pipeline, the batch's job checks) runs only ~20 times per worker per run of 2,000
// leaves, so a worker that has seen a few runs still spends much of its CPU in V8's compiler:
// its CPU per leaf kept falling until about that many batches (4 workers × 25, CPU per leaf of each
// 1 ms warm-up run, load ~13: ~125 µs after 250 batches per worker, ~100 after 500, ~85 after
// 800-1,200, ~80 from then on; V8's --log-function-events showed TurboFan still compiling the
// workers' per-batch functions after 250). `QUEUE_BENCH_WARM_ROUNDS=N` sets the warm-up runs per
// pool; `QUEUE_BENCH_COLD=1` measures fresh processes.
const WARM_UP = process.env.QUEUE_BENCH_COLD !== '1';
const WARM_BATCHES_PER_WORKER = 1_000;
const WARM_LATENCY_MS = 1;
const DEFAULT_BATCH_MAX_LEAVES = 64;
// `QUEUE_BENCH_BATCH_MAX=25` caps batches lower than the queue's default (what a batch costs: compare 1 worker × 100 at 64 and at 25).
const BATCH_MAX_LEAVES = process.env.QUEUE_BENCH_BATCH_MAX ? Number(process.env.QUEUE_BENCH_BATCH_MAX) : undefined;
/** The in-process baseline's warm-up runs: its engine is as warm as the coordinator's. */
const IN_PROCESS_WARM_ROUNDS = 4;
// Each figure is the median of ROUNDS timed runs (`QUEUE_BENCH_ROUNDS`): one run on a shared
// machine moves by half with the load.
const ROUNDS = Math.max(1, Number(process.env.QUEUE_BENCH_ROUNDS ?? 3));

/** Warm-up runs for a pool: enough for each worker to take about WARM_BATCHES_PER_WORKER batches. */
function warmUpRounds(workerCount, slots, leaves) {
  if (!WARM_UP) return 0;
  if (process.env.QUEUE_BENCH_WARM_ROUNDS !== undefined) return Math.max(0, Number(process.env.QUEUE_BENCH_WARM_ROUNDS));
  const batchLeaves = Math.min(BATCH_MAX_LEAVES ?? DEFAULT_BATCH_MAX_LEAVES, Math.ceil(slots / workerCount));
  const batchesPerWorker = Math.ceil(leaves / batchLeaves) / workerCount;
  return Math.ceil(WARM_BATCHES_PER_WORKER / batchesPerWorker);
}

/** What a row's figure is the median of. */
function roundsNote(values) {
  return values.length === 1 ? '1 timed run' : `median of ${values.length} timed runs (${values.map((value) => Math.round(value)).join(', ')} ms)`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function fanOut(count, id) {
  const children = Array.from({ length: count }, (_, index) => ({ kind: 'leaf', spec: { id: `leaf-${index}`, prompt: `task ${index}` } }));
  const parsed = parseWorkflowSpec({ id, goal: `fan out ${count}`, nodes: [{ kind: 'branch_set', spec: { id: 'fan', parallel: true, children } }] });
  if (!parsed.ok) throw new Error('bad bench spec');
  return parsed.spec;
}

// No forced garbage collection before a timed run: a full collection between runs frees the
// hidden classes (maps) of the finished run's objects, and V8 then throws away every optimized
// function that depended on them ("dependency-change: weak objects" in --log-deopt, 13-15 times per
// engine function over 17 runs). Each timed run then measured a coordinator re-optimizing its
// engine on V8's compiler threads (about 40 % of its CPU in `perf record`), not the warm,
// long-lived coordinator this bench sets out to measure. Both the in-process baseline and the
// queued runs are timed the same way.
async function timeRun(spec, leafRunner, slots, runId) {
  const environment = systemEnvironment();
  const started = performance.now();
  const result = await executeWorkflow({ spec, runId, sink: new MemoryEventSink(), leafRunner, gateway: new MockModelGateway(environment), environment, limits: { maxConcurrentLeaves: slots }, validation: { maxAgents: 100_000 } });
  if (result.status !== 'succeeded') throw new Error(`bench run ${runId} ended ${result.status}`);
  return performance.now() - started;
}

async function startWorkers(url, count, concurrency) {
  return startWorkerProcesses(binary, count, ['--queue', url, '--concurrency', String(concurrency)], WORKER_NODE_ARGS);
}

async function stopWorkers(workers) {
  await Promise.all(workers.map((child) => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  })));
}

/** CPU milliseconds a process has used so far, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return undefined;
  }
}

/** Redis's own CPU milliseconds and its commands so far (INFO), to count what each leaf costs Redis. */
async function redisCounters(admin) {
  const cpu = await admin.info('cpu');
  const seconds = [...cpu.matchAll(/used_cpu_(?:sys|user):([\d.]+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
  const stats = await admin.info('commandstats');
  const byCommand = new Map([...stats.matchAll(/cmdstat_([^:]+):calls=(\d+),usec=(\d+)/g)].map((match) => [match[1], { calls: Number(match[2]), usec: Number(match[3]) }]));
  const commands = [...byCommand.values()].reduce((sum, each) => sum + each.calls, 0);
  return { cpuMs: seconds * 1000, commands, byCommand };
}

/**
 * `QUEUE_BENCH_REDIS_COMMANDS=1`: which commands the timed run sent Redis, per leaf, with the
 * microseconds Redis spent in each (INFO commandstats; an EVALSHA is a BullMQ or WhaleFlow script).
 */
function printCommands(label, before, after, leaves) {
  if (process.env.QUEUE_BENCH_REDIS_COMMANDS !== '1') return;
  const rows = [...after.byCommand].map(([name, each]) => {
    const earlier = before.byCommand.get(name) ?? { calls: 0, usec: 0 };
    return { name, calls: each.calls - earlier.calls, usec: each.usec - earlier.usec };
  });
  const lines = rows.filter((row) => row.calls > 0).sort((a, b) => b.usec - a.usec).map((row) => `  ${row.name.padEnd(12)} ${(row.calls / leaves).toFixed(3).padStart(7)} calls/leaf ${(row.usec / leaves).toFixed(1).padStart(6)} µs/leaf`);
  process.stderr.write(`Redis commands, ${label}:\n${lines.join('\n')}\n`);
}

/**
 * Runs through `workerCount` workers sharing SLOTS leaf slots (their own Redis database so runs
 * never mix): the warm-up runs, then `rounds` timed runs, each under its own lineage. Besides the
 * wall time it counts the CPU each process spent on each timed run — coordinator (this process),
 * workers, Redis — and Redis's commands, per leaf: on a shared 2-core machine these say what the
 * wall time can be at best. Returns the median of each figure over the timed runs.
 */
async function queuedRun(redis, database, spec, workerCount, slots, latencyMs, { warmUpRounds = 0, rounds = ROUNDS } = {}) {
  const url = `${redis.url}/${database}`;
  const workers = await startWorkers(url, workerCount, Math.ceil(slots / workerCount));
  const contextFor = (latency) => ({ version: 1, provider: 'pure-mock', fixture: mockFixtureSchema.parse({ defaults: { latency_ms: latency } }) });
  const admin = new Redis(url);
  const runOnce = async (lineage, latency) => {
    const queue = await BullmqLeafQueue.open({ url, queueName: 'leaves', lineage, runContext: contextFor(latency), unavailableTimeoutMs: 30_000, keepFinishedSeconds: 600, ...(BATCH_MAX_LEAVES ? { batchMaxLeaves: BATCH_MAX_LEAVES } : {}) });
    try {
      return await timeRun(spec, new QueueLeafRunner({ queue, lineage, runContext: queue.runContextId, now: Date.now }), slots, lineage);
    } finally {
      await queue.close();
    }
  };
  try {
    for (let round = 0; round < warmUpRounds; round += 1) await runOnce(`bench-${database}-warm-up-${round}`, WARM_LATENCY_MS);
    const measured = [];
    for (let round = 0; round < rounds; round += 1) {
      const workersBefore = workers.map((child) => processCpuMs(child.pid));
      const redisBefore = await redisCounters(admin);
      const coordinatorBefore = process.cpuUsage();
      const ms = await runOnce(`bench-${database}-${round}`, latencyMs);
      const coordinator = process.cpuUsage(coordinatorBefore);
      const redisAfter = await redisCounters(admin);
      const workersAfter = workers.map((child) => processCpuMs(child.pid));
      if (round === 0) printCommands(`${workerCount} worker(s), ${spec.nodes[0].spec.children.length} leaves`, redisBefore, redisAfter, spec.nodes[0].spec.children.length);
      const workerCpuMs = workersAfter.every((value, index) => value !== undefined && workersBefore[index] !== undefined) ? workersAfter.reduce((sum, value, index) => sum + value - workersBefore[index], 0) : undefined;
      measured.push({
        ms,
        cpu: { coordinatorMs: (coordinator.user + coordinator.system) / 1000, workersMs: workerCpuMs, redisMs: redisAfter.cpuMs - redisBefore.cpuMs },
        // less the two INFO calls of redisCounters itself
        redisCommands: redisAfter.commands - redisBefore.commands - 2,
      });
    }
    const workersMs = measured.map((each) => each.cpu.workersMs);
    return {
      ms: median(measured.map((each) => each.ms)),
      rounds: measured.map((each) => each.ms),
      cpu: {
        coordinatorMs: median(measured.map((each) => each.cpu.coordinatorMs)),
        workersMs: workersMs.includes(undefined) ? undefined : median(workersMs),
        redisMs: median(measured.map((each) => each.cpu.redisMs)),
      },
      redisCommands: median(measured.map((each) => each.redisCommands)),
    };
  } finally {
    admin.disconnect();
    await stopWorkers(workers);
  }
}

/** `µs per leaf` for coordinator, workers and Redis, and the wall time that much CPU needs on this machine's cores at best. */
function cpuNote(cpu, leaves) {
  const perLeaf = (ms) => (ms === undefined ? '?' : String(Math.round((ms * 1000) / leaves)));
  const total = cpu.coordinatorMs + (cpu.workersMs ?? 0) + cpu.redisMs;
  return `CPU per leaf: coordinator ${perLeaf(cpu.coordinatorMs)} µs, workers ${perLeaf(cpu.workersMs)} µs, Redis ${perLeaf(cpu.redisMs)} µs; all of it ÷ ${cpus().length} cores = ${Math.round(total / cpus().length)} ms at best`;
}

export async function run() {
  const missing = redisMissingRows('queue');
  if (missing) return missing;
  const redis = await startTestRedis();
  const rows = [];
  try {
    const ideal = Math.ceil(LEAVES / SLOTS) * LATENCY_MS;
    const spec = fanOut(LEAVES, 'queue-bench');
    const environment = systemEnvironment();
    const inProcessRunner = new MockLeafRunner(environment, mockFixtureSchema.parse({ defaults: { latency_ms: LATENCY_MS } }));
    const warmRunner = new MockLeafRunner(environment, mockFixtureSchema.parse({ defaults: { latency_ms: WARM_LATENCY_MS } }));
    for (let round = 0; WARM_UP && round < IN_PROCESS_WARM_ROUNDS; round += 1) await timeRun(spec, warmRunner, SLOTS, `in-process-warm-up-${round}`);
    const inProcessRuns = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const inProcessCpu = process.cpuUsage();
      const ms = await timeRun(spec, inProcessRunner, SLOTS, `in-process-${round}`);
      const used = process.cpuUsage(inProcessCpu);
      inProcessRuns.push({ ms, cpuMs: (used.user + used.system) / 1000 });
    }
    const inProcessMs = median(inProcessRuns.map((each) => each.ms));
    const inProcessCpuMs = median(inProcessRuns.map((each) => each.cpuMs));
    rows.push({ bench: 'queue', metric: `${LEAVES} leaves × ${LATENCY_MS} ms in-process (baseline)`, value: inProcessMs, unit: 'ms', note: `ideal ${ideal} ms; ${Math.round(LEAVES / (inProcessMs / 1000))} leaves/s; efficiency ${Math.round((ideal / inProcessMs) * 100)} %; CPU ${Math.round((inProcessCpuMs * 1000) / LEAVES)} µs per leaf; ${roundsNote(inProcessRuns.map((each) => each.ms))}${WARM_UP ? '' : '; cold processes'}` });
    let database = 0;
    for (const workerCount of WORKER_COUNTS) {
      const queued = await queuedRun(redis, ++database, spec, workerCount, SLOTS, LATENCY_MS, { warmUpRounds: warmUpRounds(workerCount, SLOTS, LEAVES) });
      const queuedMs = queued.ms;
      rows.push({
        bench: 'queue',
        metric: `${LEAVES} leaves × ${LATENCY_MS} ms, ${workerCount} worker${workerCount === 1 ? '' : 's'} × ${SLOTS / workerCount}`,
        value: queuedMs,
        unit: 'ms',
        ...(workerCount === 4 ? { target: `efficiency >= 80 % (<= ${Math.round(ideal / 0.8)} ms)` } : {}),
        note: `${Math.round(LEAVES / (queuedMs / 1000))} leaves/s; efficiency ${Math.round((ideal / queuedMs) * 100)} % of ideal; ${(queuedMs / inProcessMs).toFixed(2)}× in-process; adds ${Math.round(((queuedMs - inProcessMs) * 1000) / LEAVES)} µs per leaf; ${cpuNote(queued.cpu, LEAVES)}; ${(queued.redisCommands / LEAVES).toFixed(2)} Redis commands per leaf; ${roundsNote(queued.rounds)}`,
      });
      if (workerCount === 4) {
        rows.push({ bench: 'queue', metric: 'added per leaf, run wall time (4 workers)', value: ((queuedMs - inProcessMs) * 1000) / LEAVES, unit: 'µs', target: '< 1000', note: '(queued − in-process wall time) ÷ leaves: what the queue adds to the run, per leaf' });
        rows.push({ bench: 'queue', metric: 'added per leaf, latency at 100 slots (4 workers)', value: ((queuedMs - inProcessMs) * SLOTS * 1000) / LEAVES, unit: 'µs', note: '(queued − in-process wall time) × slots ÷ leaves: how much longer each leaf waits' });
      }
    }
    // Latency one leaf pays for the queue: zero-latency leaves one at a time through one worker.
    const sequential = fanOut(SEQUENTIAL_LEAVES, 'queue-latency');
    const sequentialRunner = new MockLeafRunner(environment);
    if (WARM_UP) await timeRun(sequential, sequentialRunner, 1, 'sequential-in-process-warm-up');
    const directMs = await timeRun(sequential, sequentialRunner, 1, 'sequential-in-process');
    const oneByOneMs = (await queuedRun(redis, ++database, sequential, 1, 1, 0, { warmUpRounds: WARM_UP ? 1 : 0, rounds: 1 })).ms;
    rows.push({ bench: 'queue', metric: 'added per leaf, one at a time (round trip)', value: ((oneByOneMs - directMs) * 1000) / SEQUENTIAL_LEAVES, unit: 'µs', note: `${SEQUENTIAL_LEAVES} zero-latency leaves at concurrency 1: job add → worker → completion event` });
  } finally {
    await redis.stop();
  }
  return rows;
}
