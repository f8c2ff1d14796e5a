import { describe, expect, it } from 'vitest';
import { leafInputHash, type LeafSpec, type WorkflowSpec } from '../../ir/index.js';
import { MockLeafRunner, MockModelGateway } from '../../leaves/mock/index.js';
import type { EffectResult, LeafRunContext, LeafRunInput, LeafRunner, MaybePromise, RunEvent, RunEventSink } from '../contracts/index.js';
import { executeWorkflow } from '../execute-workflow.js';
import { MemoryEventSink } from '../memory-event-sink.js';
import { VirtualEnvironment } from '../testing/virtual-environment.js';
import { branch, leaf, spec } from './harness.js';

/** A mock runner that notes how many events the sink had received when each leaf was started. */
class WatchingRunner implements LeafRunner {
  readonly seenAtStart = new Map<string, number>();
  constructor(
    private readonly inner: MockLeafRunner,
    private readonly sink: MemoryEventSink,
  ) {}

  run(input: LeafRunInput, context: LeafRunContext): MaybePromise<EffectResult> {
    this.seenAtStart.set(input.leaf.id, this.sink.events.length);
    return this.inner.run(input, context);
  }
}

function fanOut(count: number, window: number): WorkflowSpec {
  const leaves = Array.from({ length: count }, (_, index) => leaf(`leaf-${index}`));
  return spec({ id: 'fan', goal: 'fan out', nodes: [branch('fanout', leaves, { budget: { max_parallel: window } })] });
}

async function run(workflow: WorkflowSpec, options: { latencyMs: number; validated: boolean; sink?: RunEventSink }) {
  const environment = new VirtualEnvironment();
  const fixture = { defaults: { latency_ms: options.latencyMs }, leaves: [], judge: [], expand: [], reduce: [] };
  const inner = new MockLeafRunner(environment, fixture);
  const events = new MemoryEventSink();
  const runner = new WatchingRunner(inner, events);
  const sink: RunEventSink = options.sink ? { emit: (event) => (options.sink!.emit(event), events.emit(event)) } : events;
  const running = executeWorkflow({
    spec: workflow,
    runId: 'run-1',
    sink,
    leafRunner: runner,
    gateway: new MockModelGateway(environment, fixture),
    environment,
    limits: { maxConcurrentLeaves: 1_000 },
    ...(options.validated ? { validated: true } : { validation: { maxAgents: 1_000_000, maxDepth: 100 } }),
  });
  const result = await environment.drive(running);
  return { result, events: events.events, runner, inner };
}

/** run_started first and once, every other event after it in time, each leaf's four events in order. */
function expectWellOrdered(events: readonly RunEvent[], workflow: WorkflowSpec): void {
  expect(events[0]?.type).toBe('run_started');
  expect(events.filter((event) => event.type === 'run_started')).toHaveLength(1);
  expect(events.at(-1)?.type).toBe('run_finished');
  for (const event of events) expect(event.at).toBeGreaterThanOrEqual(events[0]!.at);
  const steps = new Map<string, string[]>();
  for (const event of events) {
    if (event.type === 'node_started' || event.type === 'node_finished') steps.set(event.nodeId, [...(steps.get(event.nodeId) ?? []), event.type]);
    if (event.type === 'effect_requested' || event.type === 'effect_completed') {
      const nodeId = event.scope.nodeId!;
      steps.set(nodeId, [...(steps.get(nodeId) ?? []), event.type]);
    }
  }
  for (const node of workflow.nodes[0]!.kind === 'branch_set' ? workflow.nodes[0].spec.children : []) {
    expect(steps.get(node.spec.id)).toEqual(['node_started', 'effect_requested', 'effect_completed', 'node_finished']);
  }
  // Every leaf's effect is keyed by its input hash, whether it took it before run_started's text was written or from it.
  const leaves = new Map((workflow.nodes[0]!.spec as { children: { spec: LeafSpec }[] }).children.map((child) => [child.spec.id, child.spec]));
  for (const event of events) {
    if (event.type === 'effect_requested') expect(event.key).toBe(leafInputHash(workflow, leaves.get(event.scope.nodeId!)!, {}));
  }
}

/** A run (leaves of `latencyMs`, up to 1,000 at once) whose sink refuses run_started and notes every other event. */
function runRefusingStart(workflow: WorkflowSpec, latencyMs = 10) {
  const environment = new VirtualEnvironment();
  const fixture = { defaults: { latency_ms: latencyMs }, leaves: [], judge: [], expand: [], reduce: [] };
  const runner = new MockLeafRunner(environment, fixture);
  const heard: RunEvent[] = [];
  const sink: RunEventSink = {
    emit: (event) => {
      if (event.type === 'run_started') throw new Error('cannot record');
      heard.push(event);
    },
  };
  const running = executeWorkflow({ spec: workflow, runId: 'run-1', sink, leafRunner: runner, gateway: new MockModelGateway(environment, fixture), environment, limits: { maxConcurrentLeaves: 1_000 }, validated: true });
  return { outcome: environment.drive(running), runner, heard };
}

describe('run_started is written once the first leaves have started', () => {
  for (const validated of [true, false]) {
    it(`starts the first window of leaves before the sink hears anything, and the sink hears run_started first (validated: ${validated})`, async () => {
      const workflow = fanOut(40, 8);
      const { result, events, runner } = await run(workflow, { latencyMs: 10, validated });
      expect(result.status).toBe('succeeded');
      for (let index = 0; index < 8; index += 1) expect(runner.seenAtStart.get(`leaf-${index}`)).toBe(0);
      // Later leaves start after the first ones finished: run_started and what came before were passed on by then.
      expect(runner.seenAtStart.get('leaf-8')).toBeGreaterThan(0);
      expectWellOrdered(events, workflow);
    });
  }

  it('takes the first leaves\' answers while run_started\'s text is still being written, a batch of nodes per turn', async () => {
    // 2,000 leaves in windows of 100: the text takes several turns of the event loop, and the virtual
    // clock moves between them, so leaves of the second window start before the sink hears anything.
    const workflow = fanOut(2_000, 100);
    const { result, events, runner } = await run(workflow, { latencyMs: 10, validated: true });
    expect(result.status).toBe('succeeded');
    expect(runner.seenAtStart.get('leaf-100')).toBe(0);
    expect(runner.seenAtStart.get('leaf-1999')).toBeGreaterThan(0);
    expectWellOrdered(events, workflow);
  });

  it('writes run_started while the launch is still going once many events wait behind it', async () => {
    // 800 leaves answering at once in one window: the launch never waits, and emits ~1,600 events.
    const workflow = fanOut(800, 800);
    const { result, events, runner } = await run(workflow, { latencyMs: 0, validated: true });
    expect(result.status).toBe('succeeded');
    expect(runner.seenAtStart.get('leaf-0')).toBe(0);
    expect(runner.seenAtStart.get('leaf-799')).toBeGreaterThan(0);
    expectWellOrdered(events, workflow);
  });

  it('writes run_started before any leaf starts in a spec of more than 20,000 nodes (its text would add to the launch peak memory)', async () => {
    const workflow = fanOut(20_001, 8);
    const { result, events, runner } = await run(workflow, { latencyMs: 0, validated: true });
    expect(result.status).toBe('succeeded');
    expect(runner.seenAtStart.get('leaf-0')).toBeGreaterThan(0);
    expect(events[0]?.type).toBe('run_started');
  });

  it('fails before starting anything when run_started of a wide spec cannot be written', async () => {
    const { outcome, runner } = runRefusingStart(fanOut(20_001, 5));
    await expect(outcome).rejects.toThrow('cannot record');
    expect(runner.started).toHaveLength(0);
  });

  it('fails as before when run_started cannot be written, with nothing left running and nothing recorded', async () => {
    const { outcome, runner, heard } = runRefusingStart(fanOut(20, 5));
    await expect(outcome).rejects.toThrow('cannot record');
    expect(heard).toEqual([]);
    expect(runner.running).toBe(0);
    expect(runner.started.length).toBeLessThanOrEqual(5);
  });

  it('stops what started when run_started, written over several turns, cannot be written', async () => {
    const { outcome, runner, heard } = runRefusingStart(fanOut(2_000, 100));
    await expect(outcome).rejects.toThrow('cannot record');
    expect(heard).toEqual([]);
    expect(runner.running).toBe(0);
    // The text took turns, in which the first window's answers came and the next leaves started; then nothing more.
    expect(runner.started.length).toBeGreaterThan(100);
    expect(runner.started.length).toBeLessThan(2_000);
  });

  it('fails, with nothing recorded, when the events held behind run_started make it be written after the launch first waited, and it cannot be', async () => {
    // Leaves answering at once in windows of 8: the launch waits after the first window, and the
    // 1,024th held event comes later, from a leaf's answer. Such leaves all run in one go; the
    // run must still fail rather than pass for recorded.
    const { outcome, runner, heard } = runRefusingStart(fanOut(2_000, 8), 0);
    await expect(outcome).rejects.toThrow('cannot record');
    expect(heard).toEqual([]);
    expect(runner.running).toBe(0);
  });
});
