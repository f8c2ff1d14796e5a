import { describe, expect, it } from 'vitest';
import { executeWorkflow, RunController, toRecordedResult, VirtualEnvironment, type RunEvent, type RunEventSink } from '../engine/index.js';
import type { WorkflowSpecInput } from '../ir/index.js';
import { MockLeafRunner, MockModelGateway, parseMockFixture } from '../leaves/mock/index.js';
import { TraceSink, type TraceStore } from '../trace/index.js';
import { readRecordedRun } from './recorded-run.js';
import { replayRun } from './replay-run.js';
import { freshStore, spec } from './testing/hand-built-specs.js';

// A leaf answered after a wait hands its slot over before its answer is recorded (docs/engine.md,
// Scheduling): its successor's start comes before its end in the trace. Such runs replay identical,
// also when a cancel came between a leaf's answer and its recording.

const FIXTURE = 'defaults: {latency_ms: 10, usage: {input_tokens: 100, output_tokens: 20, cost_microusd: 40}}\n';

const WINDOWED = spec({
  id: 'windowed',
  goal: 'a windowed fan-out, then a fan-in',
  nodes: [
    { kind: 'branch_set', spec: { id: 'fan', parallel: true, budget: { max_parallel: 2 }, children: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ kind: 'leaf', spec: { id, prompt: `do ${id}` } })) } },
    { kind: 'reduce', spec: { id: 'merge', inputs: ['a', 'b', 'c', 'd', 'e'], prompt: 'merge' } },
  ],
} as WorkflowSpecInput);

/** Records the run as `original`; `onEvent` sees each event as it is recorded (and may cancel through the controller). */
async function record(store: TraceStore, onEvent?: (event: RunEvent, controller: RunController) => void) {
  const environment = new VirtualEnvironment();
  const mock = parseMockFixture(FIXTURE);
  const controller = new RunController();
  const trace = new TraceSink(store);
  const sink: RunEventSink = {
    emit(event) {
      trace.emit(event);
      onEvent?.(event, controller);
    },
  };
  const result = await environment.drive(executeWorkflow({ spec: WINDOWED, runId: 'original', sink, leafRunner: new MockLeafRunner(environment, mock), gateway: new MockModelGateway(environment, mock), environment, controller }));
  trace.close();
  return result;
}

async function expectIdenticalReplay(store: TraceStore) {
  const live = readRecordedRun(store, 'original');
  const sink = new TraceSink(store);
  const outcome = await replayRun({ recorded: live, runId: 'replayed', sink, trustedSpec: true });
  sink.close();
  expect(outcome.divergences).toEqual([]);
  expect(outcome.parity).toEqual({ identical: true });
  expect(outcome.liveCalls).toEqual({ leafRuns: 0, gatewayCalls: 0 });
  expect(toRecordedResult({ ...outcome.result, run_id: 'original' })).toEqual(live.result);
  return outcome;
}

function nodeOrder(store: TraceStore): string[] {
  return store
    .events('original')
    .map((entry) => entry.event)
    .flatMap((event) => (event.type === 'node_started' || event.type === 'node_finished' ? [`${event.type === 'node_started' ? '+' : '-'}${event.nodeId}`] : []));
}

describe('a run whose leaves handed their slots over', () => {
  it('replays identical', async () => {
    const store = freshStore();
    const live = await record(store);
    expect(live.status).toBe('succeeded');
    // c and d start as a and b are answered, before a and b are recorded finished.
    expect(nodeOrder(store).slice(0, 7)).toEqual(['+fan', '+a', '+b', '+c', '+d', '-a', '-b']);
    await expectIdenticalReplay(store);
    store.close();
  });

  // Virtual time fires one timer a turn: a is answered (and hands its slot to c), b is still waiting.
  it('replays identical when the run was cancelled between a leaf answer and its recording', async () => {
    const store = freshStore();
    const live = await record(store, (event, controller) => {
      // Once c has started: a cancel comes between turns of the engine's work, never inside one.
      if (event.type === 'node_started' && event.nodeId === 'c') queueMicrotask(() => controller.cancel(null, { type: 'user', message: 'stop' }));
    });
    expect(live.status).toBe('cancelled');
    expect(live.results[0]?.children?.map((child) => [child.id, child.status])).toEqual([
      ['a', 'succeeded'],
      ['b', 'cancelled'],
      ['c', 'cancelled'],
      ['d', 'cancelled'],
      ['e', 'cancelled'],
    ]);
    const outcome = await expectIdenticalReplay(store);
    expect(outcome.result.status).toBe('cancelled');
    store.close();
  });
});
