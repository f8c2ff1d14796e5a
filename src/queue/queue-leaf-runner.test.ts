import { describe, expect, it } from 'vitest';
import { executeWorkflow, MemoryEventSink, systemEnvironment, type RunEventOf } from '../engine/index.js';
import { parseWorkflowSpec, type WorkflowSpec } from '../ir/index.js';
import { MockLeafRunner, MockModelGateway, parseMockFixture } from '../leaves/mock/index.js';
import { InProcessLeafQueue } from './in-process-leaf-queue.js';
import { QueueLeafRunner } from './queue-leaf-runner.js';
import { ScriptedLeafRunner } from './testing/index.js';

function spec(raw: unknown): WorkflowSpec {
  const parsed = parseWorkflowSpec(raw);
  if (!parsed.ok) throw new Error('bad spec');
  return parsed.spec;
}

const leaf = (id: string, extra: Record<string, unknown> = {}) => ({ kind: 'leaf', spec: { id, prompt: `do ${id}`, ...extra } });

const workflow = spec({
  id: 'through-queue',
  goal: 'run leaves through a queue',
  nodes: [
    { kind: 'branch_set', spec: { id: 'fan', parallel: true, children: [leaf('a'), leaf('b'), leaf('c')] } },
    leaf('d', { depends_on_results: ['a', 'b'] }),
    { kind: 'loop_until', spec: { id: 'again', condition: 'done?', max_iterations: 2, children: [leaf('e')] } },
  ],
});

async function runThrough(leafRunner: (mock: MockLeafRunner) => import('../engine/index.js').LeafRunner) {
  const environment = systemEnvironment();
  const fixture = parseMockFixture('judge:\n  - match: {node: again}\n    answers: [false, true]\n');
  const mock = new MockLeafRunner(environment, fixture);
  const sink = new MemoryEventSink();
  const result = await executeWorkflow({ spec: workflow, runId: 'run-q', sink, leafRunner: leafRunner(mock), gateway: new MockModelGateway(environment, fixture), environment });
  return { result, sink };
}

describe('QueueLeafRunner', () => {
  it('gives the engine the same results as running the leaves in-process, and records where each leaf ran', async () => {
    const direct = await runThrough((mock) => mock);
    const queue = new InProcessLeafQueue({ runnerFor: () => new MockLeafRunner(systemEnvironment()) });
    const queued = await runThrough(() => new QueueLeafRunner({ queue, lineage: 'run-q', runContext: 'ctx', now: Date.now }));
    const summary = (run: typeof direct) => run.result.results.map((node) => [node.id, node.status, node.output]);
    expect(summary(queued)).toEqual(summary(direct));
    expect(queued.result.status).toBe('succeeded');
    const placed = queued.sink.events.filter((event): event is RunEventOf<'leaf_placed'> => event.type === 'leaf_placed');
    // a, b, c, d and e twice (two loop iterations): each run of a leaf is its own job.
    expect(placed.map((event) => `${event.nodeId}@${event.iteration}`).sort()).toEqual(['a@0', 'b@0', 'c@0', 'd@0', 'e@0', 'e@1']);
    expect(placed[0]?.worker.host).toBe('in-process');
    expect(queue.stats()).toMatchObject({ submitted: 6, reattached: 0 });
  });

  it('runs writers of the shared working tree on the coordinator, never on a worker', async () => {
    const remote = new ScriptedLeafRunner();
    const local = new ScriptedLeafRunner();
    const queue = new InProcessLeafQueue({ runnerFor: () => remote });
    const runner = new QueueLeafRunner({ queue, lineage: 'r', runContext: 'c', now: Date.now, local });
    const tree = spec({ goal: 'g', nodes: [leaf('ok-tree', { mode: 'read_write' }), leaf('ok-read')] });
    const environment = systemEnvironment();
    const result = await executeWorkflow({ spec: tree, runId: 'r', sink: new MemoryEventSink(), leafRunner: runner, gateway: new MockModelGateway(environment), environment, grant: { allowWrite: true, allowWriteTree: true, allowNetwork: false, allowedCommands: [] } });
    expect(result.status).toBe('succeeded');
    expect([...local.runs.keys()]).toEqual(['ok-tree']);
    expect([...remote.runs.keys()]).toEqual(['ok-read']);
  });

  it('keeps a remote leaf waiting on a model call alive: the no-progress watchdog fires on silence, not on a model wait', async () => {
    const queue = new InProcessLeafQueue({ runnerFor: () => new ScriptedLeafRunner() });
    const runner = new QueueLeafRunner({ queue, lineage: 'w', runContext: 'c', now: Date.now });
    const environment = systemEnvironment();
    const run = (id: string) =>
      executeWorkflow({ spec: spec({ goal: 'g', nodes: [leaf(id)] }), runId: `w-${id}`, sink: new MemoryEventSink(), leafRunner: runner, gateway: new MockModelGateway(environment), environment, limits: { leafIdleTimeoutMs: 100, leafStopGraceMs: 1_000 } });
    // A 1.5 s model call with no activity, far beyond the 100 ms idle limit: waiting on a model is not idleness.
    const waiting = await run('model-long');
    expect(waiting.status).toBe('succeeded');
    // The watchdog is on: a remote leaf that is silent without a model call is stopped for no progress.
    const silent = await run('hang-silent');
    expect(silent.status).not.toBe('succeeded');
    expect(silent.results.find((node) => node.id === 'hang-silent')?.error).toMatch(/progress/i);
  });
});
