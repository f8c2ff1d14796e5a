import { describe, expect, it } from 'vitest';
import type { WorkflowSpec } from '../../ir/index.js';
import { MockLeafRunner, MockModelGateway } from '../../leaves/mock/index.js';
import type { RunEvent, RunEventSink } from '../contracts/index.js';
import { executeWorkflow } from '../execute-workflow.js';
import { RunController } from '../run-controller.js';
import { MemoryEventSink } from '../memory-event-sink.js';
import { VirtualEnvironment } from '../testing/virtual-environment.js';
import { branch, leaf, spec } from './harness.js';

/** One parallel branch of `count` leaves of 10 ms each, at most `window` at a time (and what else the branch's budget says). */
function windowed(count: number, window: number, budget: Record<string, unknown> = {}): WorkflowSpec {
  const leaves = Array.from({ length: count }, (_, index) => leaf(`leaf-${index}`));
  return spec({ id: 'window', goal: 'a windowed fan-out', nodes: [branch('fanout', leaves, { budget: { max_parallel: window, ...budget } })] });
}

type NodeEvent = RunEvent & { nodeId: string };

function nodeEventsOf(events: readonly RunEvent[]): NodeEvent[] {
  return events.filter((event) => event.type === 'node_started' || event.type === 'node_finished') as NodeEvent[];
}

async function run(workflow: WorkflowSpec, throwOn?: (event: RunEvent) => boolean, controller?: RunController, onEvent?: (event: RunEvent) => void) {
  const environment = new VirtualEnvironment();
  const fixture = { defaults: { latency_ms: 10 }, leaves: [], judge: [], expand: [], reduce: [] };
  const runner = new MockLeafRunner(environment, fixture);
  const events = new MemoryEventSink();
  const sink: RunEventSink = {
    emit(event) {
      if (throwOn?.(event)) throw new Error(`cannot record ${event.type}`);
      events.emit(event);
      onEvent?.(event);
    },
  };
  const running = executeWorkflow({ spec: workflow, runId: 'run-1', sink, leafRunner: runner, gateway: new MockModelGateway(environment, fixture), environment, validated: true, ...(controller ? { controller } : {}) });
  const outcome = await environment.drive(running).then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error }),
  );
  return { ...outcome, events: events.events, runner };
}

describe('a parallel branch window', () => {
  it('starts the next child as its predecessor is answered, in declaration order, never more than the window', async () => {
    const { result, events, runner } = await run(windowed(6, 2));
    expect(result?.status).toBe('succeeded');
    expect(runner.maxRunning).toBe(2);
    expect(runner.started).toEqual(['leaf-0', 'leaf-1', 'leaf-2', 'leaf-3', 'leaf-4', 'leaf-5']);
    // leaf-2 takes leaf-0's slot as leaf-0's answer comes, at the same time; leaf-0's end is
    // recorded once the timers of that turn have run (leaf-1's answer, leaf-3's start).
    const nodeEvents = nodeEventsOf(events);
    const started2 = nodeEvents.findIndex((event) => event.type === 'node_started' && event.nodeId === 'leaf-2');
    const finished0 = nodeEvents.findIndex((event) => event.type === 'node_finished' && event.nodeId === 'leaf-0');
    expect(started2).toBeLessThan(finished0);
    expect(nodeEvents[started2]!.at).toBe(nodeEvents[finished0]!.at);
    expect(nodeEvents.slice(started2, finished0 + 1).map((event) => `${event.type} ${event.nodeId}`)).toEqual(['node_started leaf-2', 'node_started leaf-3', 'node_finished leaf-0']);
    // Each leaf's own events keep their order: started, requested, completed, finished.
    for (let index = 0; index < 6; index += 1) {
      const own = events.filter((event) => ('nodeId' in event && event.nodeId === `leaf-${index}`) || ('scope' in event && event.scope.nodeId === `leaf-${index}`)).map((event) => event.type);
      expect(own).toEqual(['node_started', 'effect_requested', 'effect_completed', 'node_finished']);
    }
  });

  // A budget a charge can cross: each leaf's usage is charged (and its end recorded) before the next starts.
  it('starts the next child only once its predecessor is recorded under a usage budget', async () => {
    const { result, events } = await run(windowed(6, 2, { max_tokens: 1_000_000 }));
    expect(result?.status).toBe('succeeded');
    const nodeEvents = nodeEventsOf(events);
    const finished0 = nodeEvents.findIndex((event) => event.type === 'node_finished' && event.nodeId === 'leaf-0');
    expect(nodeEvents[finished0 + 1]).toMatchObject({ type: 'node_started', nodeId: 'leaf-2', at: nodeEvents[finished0]!.at });
  });

  // The cancel comes while leaf-0's slot is handed over and its answer not yet recorded.
  it('keeps the answer of a leaf answered before the run was cancelled, however late it is recorded, and leaves nothing running', async () => {
    const controller = new RunController();
    const { result, events, runner } = await run(windowed(3, 1), undefined, controller, (event) => {
      if (event.type === 'node_started' && event.nodeId === 'leaf-1') queueMicrotask(() => controller.cancel(null, { type: 'user', message: 'stop' }));
    });
    expect(result?.status).toBe('cancelled');
    expect(runner.started).toEqual(['leaf-0', 'leaf-1']);
    expect(runner.running).toBe(0);
    const children = result?.results[0]?.children ?? [];
    expect(children.map((child) => [child.id, child.status])).toEqual([
      ['leaf-0', 'succeeded'],
      ['leaf-1', 'cancelled'],
      ['leaf-2', 'cancelled'],
    ]);
    expect(children[0]?.output).toContain('mock output for leaf-0');
    for (const id of ['leaf-0', 'leaf-1', 'leaf-2']) {
      expect(nodeEventsOf(events).filter((event) => event.nodeId === id).map((event) => event.type)).toEqual(['node_started', 'node_finished']);
    }
  });

  it('gives the same results whether a slot is handed over or given back at the end', async () => {
    const handedOver = await run(windowed(6, 2));
    const givenBack = await run(windowed(6, 2, { max_tokens: 1_000_000 }));
    expect(handedOver.result?.results).toEqual(givenBack.result?.results);
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
