import { describe, expect, it } from 'vitest';
import type { WorkflowSpec } from '../../ir/index.js';
import { MockLeafRunner, MockModelGateway } from '../../leaves/mock/index.js';
import type { RunEvent, RunEventSink } from '../contracts/index.js';
import { executeWorkflow } from '../execute-workflow.js';
import { MemoryEventSink } from '../memory-event-sink.js';
import { VirtualEnvironment } from '../testing/virtual-environment.js';
import { branch, leaf, spec } from './harness.js';

/** One parallel branch of `count` leaves of 10 ms each, at most `window` at a time. */
function windowed(count: number, window: number): WorkflowSpec {
  const leaves = Array.from({ length: count }, (_, index) => leaf(`leaf-${index}`));
  return spec({ id: 'window', goal: 'a windowed fan-out', nodes: [branch('fanout', leaves, { budget: { max_parallel: window } })] });
}

async function run(workflow: WorkflowSpec, throwOn?: (event: RunEvent) => boolean) {
  const environment = new VirtualEnvironment();
  const fixture = { defaults: { latency_ms: 10 }, leaves: [], judge: [], expand: [], reduce: [] };
  const runner = new MockLeafRunner(environment, fixture);
  const events = new MemoryEventSink();
  const sink: RunEventSink = {
    emit(event) {
      if (throwOn?.(event)) throw new Error(`cannot record ${event.type}`);
      events.emit(event);
    },
  };
  const running = executeWorkflow({ spec: workflow, runId: 'run-1', sink, leafRunner: runner, gateway: new MockModelGateway(environment, fixture), environment, validated: true });
  const outcome = await environment.drive(running).then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error }),
  );
  return { ...outcome, events: events.events, runner };
}

describe('a parallel branch window', () => {
  it('starts the next child as its predecessor finishes, in declaration order, never more than the window', async () => {
    const { result, events, runner } = await run(windowed(6, 2));
    expect(result?.status).toBe('succeeded');
    expect(runner.maxRunning).toBe(2);
    expect(runner.started).toEqual(['leaf-0', 'leaf-1', 'leaf-2', 'leaf-3', 'leaf-4', 'leaf-5']);
    // leaf-2 takes leaf-0's slot: it starts right after leaf-0's node_finished, at the same time.
    const nodeEvents = events.filter((event) => event.type === 'node_started' || event.type === 'node_finished') as (RunEvent & { nodeId: string })[];
    const finished0 = nodeEvents.findIndex((event) => event.type === 'node_finished' && event.nodeId === 'leaf-0');
    expect(nodeEvents[finished0 + 1]).toMatchObject({ type: 'node_started', nodeId: 'leaf-2', at: nodeEvents[finished0]!.at });
  });

  // The sink fails on the second child of three (window 1): the third starts only if the slot comes back.
  it('gives a slot back when node_finished cannot be recorded, so the next child still starts', async () => {
    const { result, runner } = await run(windowed(3, 1), (event) => event.type === 'node_finished' && event.nodeId === 'leaf-1');
    expect(runner.started).toEqual(['leaf-0', 'leaf-1', 'leaf-2']);
    expect(result?.status).toBe('failed');
    expect(result?.results[0]?.error).toContain('cannot record node_finished');
  });

  it('gives a slot back when node_started cannot be recorded, so the next child still starts', async () => {
    const { result, runner } = await run(windowed(3, 1), (event) => event.type === 'node_started' && event.nodeId === 'leaf-1');
    expect(runner.started).toEqual(['leaf-0', 'leaf-2']);
    expect(result?.status).toBe('failed');
    expect(result?.results[0]?.error).toContain('cannot record node_started');
  });
});
