// Test support: recorded event streams for the workflow-mode views, produced by the real
// engine with the mock runner in virtual time (never re-exported from src/runs/index.ts).
import { executeWorkflow, VirtualEnvironment, type RunController, type RunEvent } from '../../engine/index.js';
import { parseWorkflowSpec, type WorkflowResult, type WorkflowSpec } from '../../ir/index.js';
import { MockLeafRunner, MockModelGateway, parseMockFixture } from '../../leaves/mock/index.js';
import { MemoryEventSink } from '../../engine/index.js';

export const START_AT = 1_700_000_000_000;

export function parseSpec(raw: unknown): WorkflowSpec {
  const parsed = parseWorkflowSpec(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
  return parsed.spec;
}

export const leafNode = (id: string, extra: Record<string, unknown> = {}) => ({ kind: 'leaf', spec: { id, prompt: `do ${id}`, ...extra } });
export const branchNode = (id: string, children: unknown[]) => ({ kind: 'branch_set', spec: { id, parallel: true, children } });

/** A review-like workflow: a parallel branch of three leaves, then a reduce. */
export function reviewSpec(): WorkflowSpec {
  return parseSpec({
    id: 'review',
    goal: 'review the change',
    budget: { max_tokens: 10_000 },
    nodes: [branchNode('reviewers', [leafNode('correctness'), leafNode('tests'), leafNode('design')]), { kind: 'reduce', spec: { id: 'verdict', inputs: ['correctness', 'tests', 'design'], prompt: 'merge' } }],
  });
}

/** A fixture giving each leaf its own latency, so the slowest leaf is known: design (4 s). */
export const REVIEW_FIXTURE = `
leaves:
  - match: { id: correctness }
    latency_ms: 1000
    activity: [read src/a.ts, grep TODO]
    usage: { input_tokens: 100, output_tokens: 10, cost_microusd: 50 }
  - match: { id: tests }
    latency_ms: 2000
    usage: { input_tokens: 200, output_tokens: 20, cost_microusd: 70 }
  - match: { id: design }
    latency_ms: 4000
    usage: { input_tokens: 300, output_tokens: 30, cost_microusd: 90 }
`;

export interface RecordedMockRun {
  readonly events: RunEvent[];
  readonly result: WorkflowResult;
  readonly environment: VirtualEnvironment;
}

/** Runs `spec` with the mock runner in virtual time and returns every event it emitted. */
export async function recordMockRun(
  spec: WorkflowSpec,
  options: { runId?: string; fixture?: string; controller?: RunController; during?: (environment: VirtualEnvironment) => void } = {},
): Promise<RecordedMockRun> {
  const environment = new VirtualEnvironment({ start: START_AT });
  const fixture = options.fixture ? parseMockFixture(options.fixture) : undefined;
  const runner = new MockLeafRunner(environment, fixture);
  const sink = new MemoryEventSink();
  const running = executeWorkflow({
    spec,
    runId: options.runId ?? 'run-review',
    sink,
    leafRunner: runner,
    ...(options.controller ? { controller: options.controller } : {}),
    gateway: new MockModelGateway(environment, fixture),
    environment,
    validation: { maxAgents: 1_000_000 },
    limits: { leafIdleTimeoutMs: 0 },
  });
  options.during?.(environment);
  const result = await environment.drive(running);
  return { events: [...sink.events], result, environment };
}
