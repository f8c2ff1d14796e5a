import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/index.js';
import type { RunEvent } from '../engine/index.js';
import type { WorkflowResult } from '../ir/index.js';
import { tempGitRepository } from '../leaves/testing/temp-git-repository.js';
import { wideWorkflow } from '../runs/testing/wide-workflow.js';
import { SqliteTraceStore } from '../trace/index.js';
import { connectionOptions, parseRedisUrl } from './bullmq/redis-url.js';
import { QUEUE_PREFIX, queueKeys } from './bullmq/queue-keys.js';
import { redisServerAvailability, spawnCli, startTestRedis, startWorkerProcess, stopWorkers, type TestRedis, type WorkerProcess } from './testing/index.js';

const availability = redisServerAvailability();
/** Real processes on a shared 2-core machine: a fault scenario can take minutes under load. */
const LONG_TEST_MS = 240_000;
const env = { ...process.env, WHALEFLOW_HOME: '' };

function traceEvents(directory: string, runId: string): RunEvent[] {
  const path = join(directory, '.whaleflow', 'whaleflow.db');
  if (!existsSync(path)) return [];
  const store = new SqliteTraceStore(path);
  try {
    return store.events(runId).map((stored) => stored.event);
  } catch {
    return []; // being created by the run
  } finally {
    store.close();
  }
}

async function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function leafCompletions(events: readonly RunEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) if (event.type === 'effect_completed' && event.kind === 'leaf') counts.set(event.scope.nodeId, (counts.get(event.scope.nodeId) ?? 0) + 1);
  return counts;
}

/** Every job (a batch of leaf jobs) BullMQ holds for this queue: its members, state and how many times a worker started it. */
/** Every batch in the queue: its members, those its worker handed back unrun (they were queued again in another batch), its state. */
async function queueJobs(url: string): Promise<{ id: string; members: string[]; handedBack: string[]; attemptsStarted: number; state: string }[]> {
  const queue = new Queue('leaves', { connection: connectionOptions(parseRedisUrl(url)), prefix: QUEUE_PREFIX });
  const client = new Redis(connectionOptions(parseRedisUrl(url)));
  try {
    const jobs = await queue.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed']);
    return await Promise.all(
      jobs.map(async (job) => {
        const recorded = Object.values(await client.hgetall(queueKeys('leaves').batchOutcomes(job.id ?? ''))).map((text) => JSON.parse(text) as { jobId: string; handedBack?: string });
        return {
          id: job.id ?? '',
          members: ((job.data as { members?: { jobId: string }[] }).members ?? []).map((member) => member.jobId),
          handedBack: recorded.filter((entry) => entry.handedBack !== undefined).map((entry) => entry.jobId),
          attemptsStarted: job.attemptsStarted,
          state: await job.getState(),
        };
      }),
    );
  } finally {
    client.disconnect();
    await queue.close();
  }
}

/** Whether `workerId` holds an active batch with a member whose outcome is not recorded yet: killed now, it leaves a leaf to run elsewhere. */
async function holdsUnfinishedLeaf(url: string, workerId: string): Promise<boolean> {
  const queue = new Queue('leaves', { connection: connectionOptions(parseRedisUrl(url)), prefix: QUEUE_PREFIX });
  const client = new Redis(connectionOptions(parseRedisUrl(url)));
  try {
    for (const job of await queue.getJobs(['active'])) {
      if (job.processedBy !== workerId || !job.id) continue;
      const recorded = new Set(await client.hkeys(queueKeys('leaves').batchOutcomes(job.id)));
      if (((job.data as { members?: { jobId: string }[] }).members ?? []).some((member) => !recorded.has(member.jobId))) return true;
    }
    return false;
  } finally {
    client.disconnect();
    await queue.close();
  }
}

describe.skipIf(!availability.available)('distributed runs under faults: kill -9, resume, cancel, replay without Redis', () => {
  let redis: TestRedis;
  let directory: string;
  let workers: WorkerProcess[] = [];
  let database = 0;
  /** Each test gets its own Redis database, so queues never mix. */
  const nextUrl = () => `${redis.url}/${++database}`;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterEach(async () => {
    await stopWorkers(workers);
    workers = [];
    if (directory) rmSync(directory, { recursive: true, force: true });
  });
  afterAll(async () => {
    await redis?.stop();
  });

  function project(leaves: number, latencyMs: number): string {
    directory = mkdtempSync(join(tmpdir(), 'whaleflow-faults-'));
    writeFileSync(join(directory, 'wide.json'), JSON.stringify(wideWorkflow(leaves)));
    writeFileSync(join(directory, 'latency.yaml'), `defaults:\n  latency_ms: ${latencyMs}\n`);
    return directory;
  }

  it('a worker killed with kill -9 mid-leaf: its jobs go to another worker, the run succeeds, each leaf is recorded once; replay needs no Redis', async () => {
    // Long leaves: a leaf seen placed on the victim is still running when the kill lands, even under load.
    const cwd = project(36, 3_000);
    const url = nextUrl();
    workers = await Promise.all([1, 2, 3].map(() => startWorkerProcess({ url, cwd, args: ['--concurrency', '4', '--quiet'] })));
    const running = runCliInMemory(['run', 'wide.json', '--fixtures', 'latency.yaml', '--queue', url, '--max-concurrency', '12', '--run-id', 'killed-worker', '--json'], { cwd, env });
    const victim = workers[0]!;
    // Kill the first worker while a leaf placed on it has not finished. The trace lags the workers
    // under load (a leaf it shows running may have finished already), so Redis must agree too: the
    // victim holds a batch with a member whose outcome is not recorded.
    await waitFor(() => {
      const events = traceEvents(cwd, 'killed-worker');
      const done = new Set(events.flatMap((event) => (event.type === 'effect_completed' ? [event.scope.nodeId] : [])));
      return events.some((event) => event.type === 'leaf_placed' && event.worker.workerId === victim.workerId && !done.has(event.nodeId));
    }, 'a leaf running on the first worker');
    const deadline = Date.now() + 60_000;
    while (!(await holdsUnfinishedLeaf(url, victim.workerId))) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the first worker to hold an unfinished leaf');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    victim.child.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');

    const outcome = await running;
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    const result = JSON.parse(outcome.stdout) as WorkflowResult;
    expect(result.status).toBe('succeeded');
    const events = traceEvents(cwd, 'killed-worker');
    const completions = leafCompletions(events);
    expect(completions.size).toBe(37);
    expect([...completions.values()].every((count) => count === 1)).toBe(true);
    // A leaf the killed worker held was placed again, on a survivor, and finished there.
    const placements = new Map<string, string[]>();
    for (const event of events) if (event.type === 'leaf_placed') placements.set(event.nodeId, [...(placements.get(event.nodeId) ?? []), event.worker.workerId]);
    const moved = [...placements.values()].filter((ids) => ids[0] === victim.workerId && ids.length > 1);
    expect(moved.length).toBeGreaterThan(0);
    for (const ids of moved) expect(ids.at(-1)).not.toBe(victim.workerId);
    // The one model call (the reduce at the coordinator) was made once.
    expect(events.filter((event) => event.type === 'effect_completed' && event.kind === 'reduce')).toHaveLength(1);

    // Replay with Redis gone: identical, and not one live call.
    await stopWorkers(workers);
    workers = [];
    await redis.stop();
    try {
      const replay = await runCliInMemory(['replay', 'killed-worker', '--json'], { cwd, env });
      expect(replay.exitCode, replay.stderr).toBe(0);
      const replayed = JSON.parse(replay.stdout) as { parity: { identical: boolean }; liveCalls: Record<string, number> };
      expect(replayed.parity.identical).toBe(true);
      expect(Object.values(replayed.liveCalls).every((count) => count === 0)).toBe(true);
    } finally {
      redis = await startTestRedis();
      database = 0;
    }
  }, LONG_TEST_MS);

  it('a coordinator killed with kill -9: resume collects the jobs it left, queues none twice, runs no finished leaf again', async () => {
    const cwd = project(40, 1_500);
    const url = nextUrl();
    workers = await Promise.all([1, 2].map(() => startWorkerProcess({ url, cwd, args: ['--concurrency', '4', '--quiet'] })));
    const coordinator = spawnCli(['run', 'wide.json', '--fixtures', 'latency.yaml', '--queue', url, '--max-concurrency', '8', '--run-id', 'crashed-coordinator', '--json'], { cwd, env });
    await waitFor(() => leafCompletions(traceEvents(cwd, 'crashed-coordinator')).size >= 8, `8 finished leaves (${coordinator.output()})`);
    coordinator.child.kill('SIGKILL');
    expect((await coordinator.exited).signal).toBe('SIGKILL');
    const recordedBefore = leafCompletions(traceEvents(cwd, 'crashed-coordinator')).size;
    expect(recordedBefore).toBeLessThan(41);
    // The jobs it had queued keep running on the workers meanwhile.
    const resumed = await runCliInMemory(['resume', 'crashed-coordinator', '--fixtures', 'latency.yaml', '--queue', url, '--json'], { cwd, env });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const outcome = JSON.parse(resumed.stdout) as { runId: string; result: WorkflowResult; servedFromTrace: number };
    expect(outcome.result.status).toBe('succeeded');
    expect(outcome.servedFromTrace).toBeGreaterThanOrEqual(recordedBefore);
    expect(resumed.stderr, resumed.stdout + resumed.stderr).toMatch(/re-attached to jobs already there/);
    // Each leaf effect of the workflow queued to run exactly once (as a member of one batch; a member
    // a worker handed back unrun is in a second one), each batch started by a worker once.
    const jobs = await queueJobs(url);
    const members = jobs.flatMap((job) => job.members.filter((member) => !job.handedBack.includes(member)));
    expect(members).toHaveLength(41);
    expect(new Set(members).size).toBe(41);
    expect(jobs.every((job) => job.state === 'completed' && job.attemptsStarted === 1)).toBe(true);
  }, LONG_TEST_MS);

  it('cancel reaches the worker: its command stops and the process is gone; the run ends cancelled', async () => {
    const repository = tempGitRepository({ 'README.md': 'cancel test\n' });
    directory = repository.root;
    const url = nextUrl();
    writeFileSync(join(repository.root, 'long.json'), JSON.stringify({ id: 'long', goal: 'wait', nodes: [{ kind: 'leaf', spec: { id: 'wait', prompt: 'Run test command: sleep 37.25', command: 'sleep 37.25', agent_type: 'verifier' } }] }));
    workers = [await startWorkerProcess({ url, cwd: repository.root, args: ['--concurrency', '2', '--quiet'] })];
    const running = runCliInMemory(['run', 'long.json', '--provider', 'mock-model', '--queue', url, '--run-id', 'to-cancel', '--json'], { cwd: repository.root, env });
    const sleeper = () => execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n').filter((line) => line.includes('sleep 37.25') && !line.includes('Run test'));
    await waitFor(() => sleeper().length > 0 && traceEvents(repository.root, 'to-cancel').some((event) => event.type === 'leaf_placed'), 'the leaf command running on the worker');
    const cancel = await runCliInMemory(['cancel', 'to-cancel'], { cwd: repository.root, env });
    expect(cancel.exitCode, cancel.stderr).toBe(0);
    await waitFor(() => sleeper().length === 0, 'the command to be gone', 15_000);
    const outcome = await running;
    expect((JSON.parse(outcome.stdout) as WorkflowResult).status).toBe('cancelled');
    expect(workers[0]!.child.exitCode).toBeNull(); // the worker itself lives on
  }, LONG_TEST_MS);

  it('Redis restarted mid-run (losing every job): the run waits, re-adds what Redis lost, and finishes with each leaf recorded once', async () => {
    const cwd = project(24, 800);
    const url = nextUrl();
    workers = await Promise.all([1, 2].map(() => startWorkerProcess({ url, cwd, args: ['--concurrency', '6', '--quiet'] })));
    const running = runCliInMemory(['run', 'wide.json', '--fixtures', 'latency.yaml', '--queue', url, '--max-concurrency', '12', '--run-id', 'redis-restart', '--json'], { cwd, env });
    await waitFor(() => leafCompletions(traceEvents(cwd, 'redis-restart')).size >= 4, 'a few finished leaves');
    await redis.restart({ downMs: 1_500 });
    const outcome = await running;
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    const completions = leafCompletions(traceEvents(cwd, 'redis-restart'));
    expect(completions.size).toBe(25);
    expect([...completions.values()].every((count) => count === 1)).toBe(true);
  }, LONG_TEST_MS);

  it('Redis gone for good: pending leaves fail after queue.unavailable_timeout_secs with a clear error, not a hang', async () => {
    // Leaves far longer than the test can be slow to stop Redis: under load, 1 s leaves were all
    // done before the stop landed, and the run rightly succeeded.
    const cwd = project(12, 60_000);
    const url = nextUrl();
    writeFileSync(join(cwd, 'whaleflow.config.yaml'), `providers:\n  mock: {kind: mock}\nmodels:\n  - {provider: mock, model: mock-default, capabilities: {tool_calls: true, json_mode: true}, prices: {input_cache_miss: 0, input_cache_hit: 0, output: 0}}\nroles:\n  default: {primary: mock/mock-default}\nqueue:\n  enabled: true\n  url: ${url}\n  unavailable_timeout_secs: 3\n`);
    workers = [await startWorkerProcess({ url, cwd, args: ['--concurrency', '4', '--quiet'] })];
    const running = runCliInMemory(['run', 'wide.json', '--fixtures', 'latency.yaml', '--run-id', 'redis-gone', '--json'], { cwd, env });
    await waitFor(() => traceEvents(cwd, 'redis-gone').some((event) => event.type === 'leaf_placed'), 'a leaf placed on the worker');
    await redis.stop();
    try {
      const outcome = await running;
      expect(outcome.exitCode).toBe(1);
      const result = JSON.parse(outcome.stdout) as WorkflowResult;
      expect(result.status).toBe('failed');
      expect(result.results.some((node) => /has been unreachable for \d+ s \(queue\.unavailable_timeout_secs is 3\)/.test(node.error ?? ''))).toBe(true);
    } finally {
      redis = await startTestRedis();
      database = 0;
    }
  }, LONG_TEST_MS);
});
