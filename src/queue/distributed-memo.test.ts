// The shared memo of a distributed run, with a real Redis and real `whaleflow worker` processes:
// the coordinator serves its memo to the workers (docs/distributed.md, "The shared memo").
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/index.js';
import { starterConfigText } from '../config/index.js';
import { tempGitRepository, type TempGitRepository } from '../leaves/testing/temp-git-repository.js';
import { SqliteMemoStore } from '../memo/index.js';
import type { RunEvent } from '../engine/index.js';
import { SqliteTraceStore } from '../trace/index.js';
import { connectionOptions, parseRedisUrl } from './bullmq/redis-url.js';
import { redisServerAvailability, startTestRedis, startWorkerProcess, stopWorkers, twinsFixtures, twinsWorkflow, type TestRedis, type WorkerProcess } from './testing/index.js';

const availability = redisServerAvailability();
const LONG_TEST_MS = 240_000;
const TWINS = ['twin_a', 'twin_b', 'twin_c', 'twin_d'];

/** Four leaves that send the identical request (same prompt, same tools): a speculative fan-out's twins. */
const workflow = twinsWorkflow(TWINS);

/** The mock model answers every first turn with finish, slowly, so the twins' calls overlap. */
const fixtures = twinsFixtures(2500);
/** Slower: the leader's call is still in flight when its worker is killed. */
const slowFixtures = twinsFixtures(6000);

interface LeafResult {
  readonly id: string;
  readonly status: string;
  readonly output: string | null;
  readonly memo_usage: { armh_hits: number; armh_misses: number; armh_saved_estimated_tokens: number };
  readonly usage: { input_tokens: number };
}

async function waitFor(probe: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!availability.available)('the shared memo of a distributed run: the coordinator serves it to real worker processes', () => {
  let redis: TestRedis;
  let workers: WorkerProcess[] = [];
  let repository: TempGitRepository;
  const env = { ...process.env, WHALEFLOW_HOME: '' };

  beforeAll(async () => {
    redis = await startTestRedis();
    repository = tempGitRepository({ 'README.md': 'A demo project.\n', 'whaleflow.config.yaml': starterConfigText, 'twins.yaml': workflow, 'twins.fixtures.yaml': fixtures });
    workers = await Promise.all([1, 2].map(() => startWorkerProcess({ url: redis.url, cwd: repository.root, args: ['--concurrency', '2', '--quiet'] })));
  }, LONG_TEST_MS);

  afterAll(async () => {
    await stopWorkers(workers);
    await redis?.stop();
    repository?.remove();
  });

  async function queuedRun(runId: string): Promise<LeafResult[]> {
    const run = await runCliInMemory(['run', 'twins.yaml', '--provider', 'mock-model', '--fixtures', 'twins.fixtures.yaml', '--queue', redis.url, '--json', '--run-id', runId], { cwd: repository.root, env });
    // The run's JSON names the leaf that failed and why; stderr alone held only the pre-flight when this once failed under load.
    expect(run.exitCode, `${run.stderr}\n${run.stdout.slice(0, 4000)}`).toBe(0);
    const [fan] = (JSON.parse(run.stdout) as { results: { children: LeafResult[] }[] }).results;
    const results = fan!.children;
    expect(results.map((result) => [result.id, result.status, result.output])).toEqual(TWINS.map((id) => [id, 'succeeded', 'A demo project.']));
    return results;
  }

  const total = (results: readonly LeafResult[], field: keyof LeafResult['memo_usage']) => results.reduce((sum, result) => sum + result.memo_usage[field], 0);

  it('four identical leaves on two worker processes make one provider call; the other three are memo hits, each leaf counted once', async () => {
    const results = await queuedRun('twins-first');
    expect(total(results, 'armh_misses')).toBe(1);
    expect(total(results, 'armh_hits')).toBe(3);
    expect(total(results, 'armh_saved_estimated_tokens')).toBe(3 * 1050);
    // Only the leaf that called the provider paid for tokens.
    expect(results.filter((result) => result.usage.input_tokens > 0)).toHaveLength(1);
    // The leaves ran on both workers, not on the coordinator.
    const trace = new SqliteTraceStore(join(repository.root, '.whaleflow', 'whaleflow.db'));
    try {
      const placements = trace.events('twins-first').flatMap((stored) => (stored.event.type === 'leaf_placed' ? [stored.event.worker.pid] : []));
      expect(new Set(placements)).toEqual(new Set(workers.map((worker) => worker.pid)));
    } finally {
      trace.close();
    }
    // The answer is in the project memo, as for an in-process run.
    const memo = new SqliteMemoStore(join(repository.root, '.whaleflow', 'whaleflow.db'));
    try {
      expect(memo.stats().entries).toBe(1);
    } finally {
      memo.close();
    }
  }, LONG_TEST_MS);

  it('a second run is answered from the project memo through the coordinator: no provider call at all', async () => {
    const results = await queuedRun('twins-second');
    expect(total(results, 'armh_misses')).toBe(0);
    expect(total(results, 'armh_hits')).toBe(4);
    const replay = await runCliInMemory(['replay', 'twins-second'], { cwd: repository.root, env });
    expect(replay.stdout).toContain('ran 0 live');
    expect(replay.stdout).toContain('parity: identical');
  }, LONG_TEST_MS);

  // The leader of a shared call killed with kill -9: the lease logic is unit-tested in
  // memo-broker.test.ts; here real processes prove the run still finishes, each leaf is recorded
  // once and the provider is paid once in the trace.
  it('the leader of a shared call is killed with kill -9: another worker runs its leaves, the run succeeds, each leaf is recorded once and paid once', async () => {
    // Its own project (a fresh memo) and Redis database (the shared workers above never see its jobs).
    const project = tempGitRepository({ 'README.md': 'A demo project.\n', 'whaleflow.config.yaml': starterConfigText, 'twins.yaml': workflow, 'twins.fixtures.yaml': slowFixtures });
    const url = `${redis.url}/1`;
    const survivors: WorkerProcess[] = [];
    // Watch Redis for the worker's memo question, so the kill lands while the lead is out.
    const client = new Redis(connectionOptions(parseRedisUrl(url)));
    const monitor = await client.monitor();
    let asked = false;
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (String(args[0]).toLowerCase() === 'publish' && String(args[1]).includes(':memo:memo-kill')) asked = true;
    });
    try {
      const leader = await startWorkerProcess({ url, cwd: project.root, args: ['--concurrency', '4', '--quiet'] });
      survivors.push(leader);
      const running = runCliInMemory(['run', 'twins.yaml', '--provider', 'mock-model', '--fixtures', 'twins.fixtures.yaml', '--queue', url, '--json', '--run-id', 'memo-kill'], { cwd: project.root, env });
      await waitFor(() => asked, 'the worker to ask the coordinator memo');
      leader.child.kill('SIGKILL');
      expect((await leader.exited).signal).toBe('SIGKILL');
      // A survivor, started after the kill: the only place the stalled batch can go.
      survivors.push(await startWorkerProcess({ url, cwd: project.root, args: ['--concurrency', '4', '--quiet'] }));

      const run = await running;
      expect(run.exitCode, run.stderr).toBe(0);
      const [fan] = (JSON.parse(run.stdout) as { results: { children: LeafResult[] }[] }).results;
      expect(fan!.children.map((result) => [result.id, result.status, result.output])).toEqual(TWINS.map((id) => [id, 'succeeded', 'A demo project.']));
      // The killed leader's call was never answered, so never recorded: the trace pays once, the others share it.
      expect(fan!.children.reduce((sum, result) => sum + result.memo_usage.armh_misses, 0)).toBe(1);
      expect(fan!.children.reduce((sum, result) => sum + result.memo_usage.armh_hits, 0)).toBe(TWINS.length - 1);
      const trace = new SqliteTraceStore(join(project.root, '.whaleflow', 'whaleflow.db'));
      let events: RunEvent[];
      try {
        events = trace.events('memo-kill').map((stored) => stored.event);
      } finally {
        trace.close();
      }
      const completions = events.filter((event) => event.type === 'effect_completed' && event.kind === 'leaf').map((event) => (event.type === 'effect_completed' ? event.scope.nodeId : ''));
      expect(completions.sort()).toEqual([...TWINS].sort());
      // Every leaf was placed on the killed worker first and finished on the survivor.
      for (const id of TWINS) {
        const placed = events.flatMap((event) => (event.type === 'leaf_placed' && event.nodeId === id ? [event.worker.pid] : []));
        expect(placed[0]).toBe(leader.pid);
        expect(placed.at(-1)).toBe(survivors[1]!.pid);
      }
    } finally {
      monitor.disconnect();
      client.disconnect();
      await stopWorkers(survivors);
      project.remove();
    }
  }, LONG_TEST_MS);
});
