// The shared memo of a distributed run, with a real Redis and real `whaleflow worker` processes:
// the coordinator serves its memo to the workers (docs/distributed.md, "The shared memo").
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/index.js';
import { starterConfigText } from '../config/index.js';
import { tempGitRepository, type TempGitRepository } from '../leaves/testing/temp-git-repository.js';
import { SqliteMemoStore } from '../memo/index.js';
import { SqliteTraceStore } from '../trace/index.js';
import { redisServerAvailability, startTestRedis, startWorkerProcess, stopWorkers, type TestRedis, type WorkerProcess } from './testing/index.js';

const availability = redisServerAvailability();
const LONG_TEST_MS = 240_000;
const TWINS = ['twin_a', 'twin_b', 'twin_c', 'twin_d'];

/** Four leaves that send the identical request (same prompt, same tools): a speculative fan-out's twins. */
const workflow = [
  'id: twins',
  'goal: Four identical explorers',
  'nodes:',
  '  - kind: branch_set',
  '    spec:',
  '      id: fan',
  '      parallel: true',
  '      children:',
  ...TWINS.flatMap((id) => ['        - kind: leaf', '          spec:', `            id: ${id}`, '            prompt: Summarise the README in one line.', '            agent_type: explore']),
  '',
].join('\n');

/** The mock model answers every first turn with finish, slowly, so the twins' calls overlap. */
const fixtures = ['model:', '  rules:', '    - match: {turn: 0}', '      latency_ms: 2500', '      usage: {input_tokens: 1000, output_tokens: 50}', '      tool_calls:', '        - {name: finish, arguments: {summary: "A demo project.", status: succeeded}}', ''].join('\n');

interface LeafResult {
  readonly id: string;
  readonly status: string;
  readonly output: string | null;
  readonly memo_usage: { armh_hits: number; armh_misses: number; armh_saved_estimated_tokens: number };
  readonly usage: { input_tokens: number };
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
    expect(run.exitCode, run.stderr).toBe(0);
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
});
