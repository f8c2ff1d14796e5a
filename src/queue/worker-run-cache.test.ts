import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/index.js';
import type { WorkflowResult } from '../ir/index.js';
import { tempGitRepository, type TempGitRepository } from '../leaves/testing/temp-git-repository.js';
import { subdirectories } from '../util/index.js';
import { BullmqLeafQueue } from './bullmq/bullmq-leaf-queue.js';
import { queueKeys } from './bullmq/queue-keys.js';
import { connectionOptions, parseRedisUrl } from './bullmq/redis-url.js';
import { listWorkers } from './bullmq/worker-registry.js';
import { queueRunContextId, type QueueRunContext } from './queue-run-context.js';
import { redisServerAvailability, spawnCli, startTestRedis, startWorkerProcess, stopWorkers, testLeafJob, RecordingListener, type TestRedis, type WorkerProcess } from './testing/index.js';
import { CHECKOUTS_DIRECTORY } from './worker-checkouts.js';

const availability = redisServerAvailability();
/** Real processes on a shared 2-core machine: runs of real leaves can take minutes under load. */
const LONG_TEST_MS = 300_000;
const env = { ...process.env, WHALEFLOW_HOME: '' };
const COMMIT = /^[0-9a-f]{40}$/;

function leafWorkflow(id: string, command: string): string {
  return JSON.stringify({ id, goal: 'show which commit the leaf sees', nodes: [{ kind: 'leaf', spec: { id, prompt: `Run test command: ${command}`, command, agent_type: 'verifier' } }] });
}

async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A `whaleflow worker` serving more runs than its --cached-runs: the checkouts of base commits it
 * keeps on disk, the contexts it reports, and the results of leaves in kept, dropped and rebuilt
 * contexts — all real: Redis, the worker process, git checkouts, sandboxed commands.
 */
describe.skipIf(!availability.available)('a worker keeps at most --cached-runs run contexts (and checkouts), dropping only idle ones', () => {
  let redis: TestRedis;
  let repository: TempGitRepository;
  let worker: WorkerProcess;
  const commits = new Map<string, string>();

  /** The commit directories of the worker's own checkouts directory, as on disk now. */
  const checkedOut = (): string[] => subdirectories(workerDirectory()).filter((name) => COMMIT.test(name));
  /** `w-<pid>-<random>`: the worker process's own. */
  const workerDirectory = (): string => {
    const parent = join(repository.root, CHECKOUTS_DIRECTORY);
    const own = subdirectories(parent).find((name) => name.startsWith(`w-${worker.pid}-`));
    return own ? join(parent, own) : join(parent, `w-${worker.pid}-not-yet`);
  };

  function commitMarker(name: string): string {
    repository.write('marker.txt', `marker ${name}\n`);
    repository.git('commit', '--quiet', '--no-gpg-sign', '-am', `marker ${name}`);
    const commit = repository.git('rev-parse', 'HEAD').trim();
    commits.set(name, commit);
    return commit;
  }

  async function runShow(runId: string): Promise<WorkflowResult> {
    const run = await runCliInMemory(['run', 'show.json', '--provider', 'mock-model', '--queue', redis.url, '--run-id', runId, '--json'], { cwd: repository.root, env });
    expect(run.exitCode, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as WorkflowResult;
  }

  beforeAll(async () => {
    redis = await startTestRedis();
    repository = tempGitRepository({ 'marker.txt': 'none\n' });
    writeFileSync(join(repository.root, 'show.json'), leafWorkflow('show', 'cat marker.txt'));
    // Runs until the test lets it finish: its context is in use the whole time.
    writeFileSync(join(repository.root, 'gate.json'), leafWorkflow('gate', 'until [ -f go ]; do sleep 0.05; done; cat marker.txt'));
    repository.write('.gitignore', 'show.json\ngate.json\n');
    repository.git('add', '.gitignore');
    repository.git('commit', '--quiet', '--no-gpg-sign', '-m', 'ignore the workflows');
    worker = await startWorkerProcess({ url: redis.url, cwd: repository.root, args: ['--concurrency', '2', '--cached-runs', '2'] });
  }, LONG_TEST_MS);

  afterAll(async () => {
    if (worker) await stopWorkers([worker]);
    await redis?.stop();
    repository?.remove();
  });

  it('serves five runs at four commits with a bound of 2: a busy context is never dropped, idle ones are, a dropped run is set up again', async () => {
    const gateCommit = commitMarker('A');
    const gated = spawnCli(['run', 'gate.json', '--provider', 'mock-model', '--queue', redis.url, '--run-id', 'run-A', '--json'], { cwd: repository.root });
    let gatedStdout = '';
    gated.child.stdout?.on('data', (chunk: Buffer) => (gatedStdout += chunk.toString()));
    await waitFor(() => checkedOut().includes(gateCommit), "run A's checkout on the worker");

    for (const name of ['B', 'C', 'D']) {
      const commit = commitMarker(name);
      const result = await runShow(`run-${name}`);
      expect(result.status).toBe('succeeded');
      expect(result.results[0]?.output).toContain(`marker ${name}`);
      // Run A's leaf still runs in its checkout: its context stays, however old; beside it only the newest.
      expect(checkedOut().sort()).toEqual([gateCommit, commit].sort());
      expect(gated.child.exitCode).toBeNull();
    }

    // Run A's leaf was not disturbed: it finishes now, in its own checkout, with its commit's file.
    writeFileSync(join(workerDirectory(), gateCommit, 'go'), '');
    const exited = await gated.exited;
    expect(exited.code, gated.output()).toBe(0);
    const gateResult = JSON.parse(gatedStdout) as WorkflowResult;
    expect(gateResult.status).toBe('succeeded');
    expect(gateResult.results[0]?.output).toContain('marker A');

    // Run B's context was dropped (C came); its commit again is set up anew and the leaf sees B's file.
    repository.git('checkout', '--quiet', commits.get('B')!);
    const again = await runShow('run-B-again');
    expect(again.status).toBe('succeeded');
    expect(again.results[0]?.output).toContain('marker B');
    // A was used after D: D, the least recently used idle context, went.
    expect(checkedOut().sort()).toEqual([gateCommit, commits.get('B')!].sort());
    repository.git('checkout', '--quiet', 'main');

    // Five contexts were set up (A, B, C, D, B again) and three dropped: the worker keeps two, and says so.
    expect(worker.output().match(/dropped the context of ctx-/g) ?? []).toHaveLength(3);
    const since = Date.now();
    const client = new Redis(connectionOptions(parseRedisUrl(redis.url)));
    try {
      const info = await waitFor(async () => (await listWorkers(client, queueKeys('leaves'), Date.now())).find((entry) => entry.workerId === worker.workerId && entry.lastSeenAt > since), 'a heartbeat after the runs');
      expect(info.cachedRuns).toBe(2);
    } finally {
      client.disconnect();
    }
  }, LONG_TEST_MS);

  it('a job naming forged or odd run contexts and run ids fails alone and removes nothing outside the worker’s own checkouts', async () => {
    const keep = [join(repository.root, 'keep'), join(repository.root, CHECKOUTS_DIRECTORY, 'keep'), join(repository.root, '.whaleflow', 'keep')];
    for (const path of keep) {
      mkdirSync(path, { recursive: true });
      writeFileSync(join(path, 'file'), 'keep me\n');
    }
    const client = new Redis(connectionOptions(parseRedisUrl(redis.url)));
    const keys = queueKeys('leaves');
    const commit = commitMarker('E');
    const context: QueueRunContext = { version: 1, provider: 'mock', baseCommit: commit };
    // Settings stored under an id that is not their hash: a worker must not take them for that id.
    const forgedId = `ctx-${'0'.repeat(40)}`;
    await client.set(keys.runContext(forgedId), JSON.stringify({ version: 1, provider: 'mock', baseCommit: commits.get('A') }), 'EX', 600);
    await client.set(keys.runContext('../../keep'), JSON.stringify({ version: 1, provider: 'mock', baseCommit: '../../keep' }), 'EX', 600);
    const queue = await BullmqLeafQueue.open({ url: redis.url, queueName: 'leaves', lineage: '../../keep', runContext: context, unavailableTimeoutMs: 30_000, keepFinishedSeconds: 600 });
    try {
      const real = queue.runContextId;
      expect(real).toBe(queueRunContextId(context));
      const cases: { id: string; runContext: string; expect: RegExp; type: 'threw' | 'completed' }[] = [
        { id: 'path-context', runContext: '../../keep', expect: /do not match that id/, type: 'threw' },
        { id: 'absolute-context', runContext: '/tmp', expect: /are not in the queue/, type: 'threw' },
        { id: 'forged-context', runContext: forgedId, expect: /do not match that id/, type: 'threw' },
        // A real context, under a run id that reads like a path: the leaf runs; its worktree name is one safe segment.
        { id: 'odd-run', runContext: real, expect: /.*/, type: 'completed' },
      ];
      const outcomes = await Promise.all(
        cases.map((entry, ordinal) =>
          queue.submit(testLeafJob(entry.id, { lineage: '../../keep', runContext: entry.runContext, ordinal, command: 'ls', permissions: { allowWrite: true, isolation: 'worktree', allowedCommands: ['ls'] } }), new RecordingListener(), new AbortController().signal),
        ),
      );
      cases.forEach((entry, index) => {
        const outcome = outcomes[index]!;
        expect(outcome.type, `${entry.id}: ${JSON.stringify(outcome)}`).toBe(entry.type);
        if (outcome.type === 'threw') expect(outcome.message).toMatch(entry.expect);
        if (outcome.type === 'completed') expect(outcome.result.status, JSON.stringify(outcome.result)).toBe('succeeded');
      });
    } finally {
      await queue.close();
      client.disconnect();
    }
    // Push run E's context out (bound 2) so its checkout is removed, then stop the worker: it removes the rest.
    for (const name of ['F', 'G']) {
      commitMarker(name);
      expect((await runShow(`run-${name}`)).status).toBe('succeeded');
    }
    expect(checkedOut()).not.toContain(commit);
    await stopWorkers([worker]);
    expect(existsSync(workerDirectory())).toBe(false);
    for (const path of keep) expect(existsSync(join(path, 'file')), path).toBe(true);
    expect(repository.git('worktree', 'list', '--porcelain').split('\n').filter((line) => line.startsWith('worktree '))).toEqual([`worktree ${repository.root}`]);
  }, LONG_TEST_MS);
});
