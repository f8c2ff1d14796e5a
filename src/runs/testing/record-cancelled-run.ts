// Test support: a mock run in virtual time with cancels applied while it runs (never re-exported
// from src/runs/index.ts).
import { executeWorkflow, RunController, VirtualEnvironment } from '../../engine/index.js';
import type { WorkflowSpec, WorkflowSpecInput } from '../../ir/index.js';
import { MockLeafRunner, MockModelGateway, parseMockFixture } from '../../leaves/mock/index.js';
import { TraceSink, type TraceStore } from '../../trace/index.js';
import { spec } from './hand-built-specs.js';

export const leaf = (id: string, extra: Record<string, unknown> = {}) => ({ kind: 'leaf', spec: { id, prompt: `do ${id}`, ...extra } });

/** Latencies spread over activity lines, so a leaf cut off mid-flight has spent part of its usage. */
export const CANCEL_FIXTURE = `
defaults: {latency_ms: 1000, usage: {input_tokens: 100, output_tokens: 20, cost_microusd: 40}}
leaves:
  - match: {id: slow}
    latency_ms: 5000
    activity: [one, two, three]
  - match: {id: slower}
    latency_ms: 8000
    activity: [one, two, three]
  - match: {prompt: "."}
    activity: [one, two, three]
`;

export const CANCELLED_FAN = spec({
  id: 'fan',
  goal: 'fan out',
  nodes: [
    { kind: 'branch_set', spec: { id: 'reviewers', parallel: true, children: [leaf('quick'), leaf('slow'), leaf('slower')] } },
    { kind: 'reduce', spec: { id: 'merge', inputs: ['quick', 'slow', 'slower'], prompt: 'merge' } },
    leaf('after'),
  ],
} as WorkflowSpecInput);

/** Records a mock run (id `original`) in virtual time into the store, applying `cancels` (at virtual ms) through a RunController. */
export async function recordCancelledRun(store: TraceStore, workflow: WorkflowSpec, cancels: readonly [number, string | null][], fixture = CANCEL_FIXTURE) {
  const environment = new VirtualEnvironment();
  const mock = parseMockFixture(fixture);
  const runner = new MockLeafRunner(environment, mock);
  const controller = new RunController();
  const sink = new TraceSink(store);
  const running = executeWorkflow({ spec: workflow, runId: 'original', sink, leafRunner: runner, gateway: new MockModelGateway(environment, mock), environment, controller });
  for (const [at, nodeId] of cancels) void environment.sleep(at).then(() => controller.cancel(nodeId, { type: 'user', message: `stop ${nodeId ?? 'run'}` }));
  const result = await environment.drive(running);
  sink.close();
  if (runner.running !== 0) throw new Error(`${runner.running} leaves still running after the run ended`);
  return result;
}
