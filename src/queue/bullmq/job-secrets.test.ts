import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeWorkflow, MemoryEventSink, systemEnvironment, type LeafRunner } from '../../engine/index.js';
import { parseWorkflowSpec } from '../../ir/index.js';
import { MockModelGateway } from '../../leaves/mock/index.js';
import { SecretRedactor } from '../../util/index.js';
import { QueueLeafRunner } from '../queue-leaf-runner.js';
import { redisServerAvailability, ScriptedLeafRunner, startTestRedis, type TestRedis } from '../testing/index.js';
import { DEFAULT_WORKER_CEILING } from '../worker-ceiling.js';
import { BullmqLeafQueue } from './bullmq-leaf-queue.js';
import { BullmqLeafWorker } from './bullmq-leaf-worker.js';
import { parseRedisUrl, connectionOptions } from './redis-url.js';

const availability = redisServerAvailability();
const SECRET = 'sk-live-0123456789abcdefDEADBEEF';

describe.skipIf(!availability.available)('secrets known to the run never reach Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('a leaf whose prompt or inputs carry a secret runs at the coordinator; Redis never sees the secret in any command', async () => {
    const client = new Redis(connectionOptions(parseRedisUrl(redis.url)));
    const monitor = await client.monitor();
    const commands: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => commands.push(args.join(' ')));
    const remote = new ScriptedLeafRunner();
    const scripted = new ScriptedLeafRunner();
    // The local runner echoes its prompt, so a later leaf's resolved input carries the secret too.
    const local: LeafRunner = { run: async (input, context) => ({ ...(await scripted.run(input, context)), output: input.leaf.prompt }) };
    const worker = await BullmqLeafWorker.start({ url: redis.url, queueName: 'secrets', concurrency: 4, ceiling: DEFAULT_WORKER_CEILING, runnerFor: async () => remote, stallTimeoutMs: 5_000, keepFinishedSeconds: 600 });
    const queue = await BullmqLeafQueue.open({ url: redis.url, queueName: 'secrets', lineage: 'secret-run', runContext: { version: 1, provider: 'pure-mock' }, unavailableTimeoutMs: 10_000, keepFinishedSeconds: 600 });
    try {
      const runner = new QueueLeafRunner({ queue, lineage: 'secret-run', runContext: queue.runContextId, now: Date.now, local, redactor: new SecretRedactor({}, [SECRET]) });
      const parsed = parseWorkflowSpec({
        id: 'secrets',
        goal: 'deploy',
        nodes: [
          { kind: 'leaf', spec: { id: 'ok-holds-secret', prompt: `call the API with ${SECRET}` } },
          { kind: 'leaf', spec: { id: 'ok-plain', prompt: 'summarise the README' } },
          { kind: 'leaf', spec: { id: 'ok-reads-secret', prompt: 'use what came before', depends_on_results: ['ok-holds-secret'] } },
        ],
      });
      if (!parsed.ok) throw new Error('bad spec');
      const environment = systemEnvironment();
      const result = await executeWorkflow({ spec: parsed.spec, runId: 'secret-run', sink: new MemoryEventSink(), leafRunner: runner, gateway: new MockModelGateway(environment), environment });
      expect(result.status).toBe('succeeded');
      // The two leaves whose jobs would carry the secret ran here; the clean one went to the worker.
      expect([...scripted.runs.keys()].sort()).toEqual(['ok-holds-secret', 'ok-reads-secret']);
      expect([...remote.runs.keys()]).toEqual(['ok-plain']);
      expect(commands.some((command) => command.includes('ok-plain'))).toBe(true); // the monitor saw the traffic
      expect(commands.filter((command) => command.includes(SECRET))).toEqual([]);
    } finally {
      await queue.close();
      await worker.stop({ cancelRunning: true });
      monitor.disconnect();
      client.disconnect();
    }
  }, 120_000);
});
