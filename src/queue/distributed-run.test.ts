import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/index.js';
import type { RunEvent } from '../engine/index.js';
import type { WorkflowResult } from '../ir/index.js';
import { wideWorkflow } from '../runs/testing/wide-workflow.js';
import { SqliteTraceStore } from '../trace/index.js';
import { redisServerAvailability, startTestRedis, startWorkerProcess, stopWorkers, type TestRedis, type WorkerProcess } from './testing/index.js';

const availability = redisServerAvailability();
/** Real processes on a shared 2-core machine: a fault scenario can take minutes under load. */
const LONG_TEST_MS = 240_000;
const repositoryRoot = resolve(import.meta.dirname, '../..');

function traceEvents(directory: string, runId: string): RunEvent[] {
  const store = new SqliteTraceStore(join(directory, '.whaleflow', 'whaleflow.db'));
  try {
    return store.events(runId).map((stored) => stored.event);
  } finally {
    store.close();
  }
}

function outcomeOf(result: WorkflowResult) {
  return result.results.map((node) => ({ id: node.id, status: node.status, output: node.output }));
}

describe.skipIf(!availability.available)('distributed runs: a real Redis and real `whaleflow worker` processes', () => {
  let redis: TestRedis;
  let workers: WorkerProcess[] = [];
  let directory: string;
  const env = { ...process.env, WHALEFLOW_HOME: '' };

  beforeAll(async () => {
    redis = await startTestRedis();
    directory = mkdtempSync(join(tmpdir(), 'whaleflow-distributed-'));
    copyFileSync(join(repositoryRoot, 'workflows', 'rlm_cache_change.star'), join(directory, 'dogfood.star'));
    writeFileSync(join(directory, 'wide.json'), JSON.stringify(wideWorkflow(500)));
    writeFileSync(join(directory, 'latency.yaml'), 'defaults:\n  latency_ms: 5\n');
    workers = await Promise.all([1, 2, 3].map(() => startWorkerProcess({ url: redis.url, cwd: directory, args: ['--concurrency', '8', '--quiet'] })));
  }, LONG_TEST_MS);

  afterAll(async () => {
    await stopWorkers(workers);
    await redis?.stop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  async function runBothWays(file: string, extra: readonly string[]) {
    const local = await runCliInMemory(['run', file, '--json', '--run-id', `${file}-local`, ...extra], { cwd: directory, env });
    const queued = await runCliInMemory(['run', file, '--json', '--run-id', `${file}-queued`, '--queue', redis.url, ...extra], { cwd: directory, env });
    expect(local.exitCode, local.stderr).toBe(0);
    expect(queued.exitCode, queued.stderr).toBe(0);
    return { local: JSON.parse(local.stdout) as WorkflowResult, queued: JSON.parse(queued.stdout) as WorkflowResult, queuedStderr: queued.stderr };
  }

  it('runs the dogfood workflow through 3 workers with the same results as in-process, control nodes at the coordinator', async () => {
    const { local, queued, queuedStderr } = await runBothWays('dogfood.star', []);
    expect(outcomeOf(queued)).toEqual(outcomeOf(local));
    expect(queued.status).toBe('succeeded');
    expect(queuedStderr).toMatch(/leaves ran on the workers of redis:\/\/127\.0\.0\.1:\d+ \(queue leaves\): \d+ jobs queued, 0 duplicate completions discarded/);
    const events = traceEvents(directory, 'dogfood.star-queued');
    const leafEffects = events.filter((event) => event.type === 'effect_completed' && event.kind === 'leaf');
    const placed = events.filter((event) => event.type === 'leaf_placed');
    // Every leaf effect went to a worker (never this process); decisions and the reduce did not.
    expect(placed.length).toBe(leafEffects.length);
    expect(new Set(placed.map((event) => (event.type === 'leaf_placed' ? event.worker.pid : 0)))).not.toContain(process.pid);
    expect(events.some((event) => event.type === 'effect_completed' && event.kind !== 'leaf')).toBe(true);
  }, LONG_TEST_MS);

  it('runs a 500-leaf fan-out through 3 workers: equal results, every leaf recorded exactly once, spread over the workers', async () => {
    const { local, queued } = await runBothWays('wide.json', ['--fixtures', 'latency.yaml', '--max-agents', '600', '--max-concurrency', '24']);
    expect(outcomeOf(queued)).toEqual(outcomeOf(local));
    const events = traceEvents(directory, 'wide.json-queued');
    const completedPerLeaf = new Map<string, number>();
    for (const event of events) if (event.type === 'effect_completed' && event.kind === 'leaf') completedPerLeaf.set(event.scope.nodeId, (completedPerLeaf.get(event.scope.nodeId) ?? 0) + 1);
    expect(completedPerLeaf.size).toBe(501);
    expect([...completedPerLeaf.values()].every((count) => count === 1)).toBe(true);
    const byWorker = new Map<string, number>();
    for (const event of events) if (event.type === 'leaf_placed') byWorker.set(event.worker.workerId, (byWorker.get(event.worker.workerId) ?? 0) + 1);
    expect([...byWorker.keys()].every((id) => workers.some((worker) => worker.workerId === id))).toBe(true);
    expect(byWorker.size).toBeGreaterThanOrEqual(2);

    // inspect names the worker of every leaf (host:pid of a real worker process), the run tree and one node alike.
    const pids = workers.map((worker) => worker.pid);
    const tree = await runCliInMemory(['inspect', 'wide.json-queued'], { cwd: directory, env });
    const shownPids = [...tree.stdout.matchAll(/leaf-\d+ \(leaf\).* on [^ :]+:(\d+)/g)].map((match) => Number(match[1]));
    expect(shownPids.length).toBe(500);
    expect(shownPids.every((pid) => pids.includes(pid))).toBe(true);
    const node = await runCliInMemory(['inspect', 'wide.json-queued', 'leaf-7'], { cwd: directory, env });
    expect(node.stdout).toMatch(/worker {5}on \S+:\d+/);
    // ps shows where the slowest leaf ran.
    const ps = await runCliInMemory(['ps'], { cwd: directory, env });
    expect(ps.stdout).toMatch(/slowest: \S+ \S+ on \S+:\d+/);
  }, LONG_TEST_MS);

  it('a worker stopped with SIGTERM says how many running leaves it lets finish, in plain English', async () => {
    const last = workers.at(-1)!;
    await stopWorkers([last]);
    expect(last.output()).toMatch(/stopping: 0 running leaves will finish first/);
    expect(last.output()).not.toMatch(/leafs/);
  }, LONG_TEST_MS);
});

