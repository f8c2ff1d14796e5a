// Test support: runs a workflow built in code against the mock runner and gateway in virtual time.
import { parseWorkflowSpec, validateSpec, type RunStatus, type NodeResult, type WorkflowResult, type WorkflowSpec } from '../../ir/index.js';
import { MockLeafRunner, MockModelGateway, parseMockFixture, type MockFixture } from '../../leaves/mock/index.js';
import { formatDiagnostic } from '../../util/index.js';
import type { EffectBoundary, EnginePatch } from '../contracts/index.js';
import { executeWorkflow } from '../execute-workflow.js';
import type { ExecuteRequest, ExecutionLimits } from '../execute-request.js';
import { MemoryEventSink } from '../memory-event-sink.js';
import type { RunController } from '../run-controller.js';
import type { PermissionGrant } from '../permissions/index.js';
import { VirtualEnvironment } from '../testing/virtual-environment.js';

export function spec(raw: unknown): WorkflowSpec {
  const parsed = parseWorkflowSpec(raw);
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic)).join('\n'));
  const diagnostics = validateSpec(parsed.spec, { maxAgents: 1_000_000, maxDepth: 100 });
  if (diagnostics.length > 0) throw new Error(diagnostics.map((diagnostic) => formatDiagnostic(diagnostic)).join('\n'));
  return parsed.spec;
}

/** The results digest's definition, spelled out: each node's JSON without its children, then its children in brackets, each node followed by a comma. */
export function digestText(nodes: readonly NodeResult[]): string {
  let text = '[';
  for (const node of nodes) {
    if (node.children === undefined) {
      text += JSON.stringify(node);
    } else {
      const { children, ...own } = node;
      text += JSON.stringify(own) + digestText(children);
    }
    text += ',';
  }
  return `${text}]`;
}

export const leaf = (id: string, extra: Record<string, unknown> = {}) => ({ kind: 'leaf', spec: { id, prompt: `do ${id}`, ...extra } });
export const branch = (id: string, children: unknown[], extra: Record<string, unknown> = {}) => ({ kind: 'branch_set', spec: { id, parallel: true, children, ...extra } });
export const sequence = (id: string, children: unknown[]) => ({ kind: 'sequence', spec: { id, children } });

export interface HarnessOptions {
  readonly fixture?: string | MockFixture;
  readonly limits?: ExecutionLimits;
  readonly grant?: PermissionGrant;
  /** The user's --max-agents/--max-depth; default as generous as the validation here. */
  readonly launchLimits?: { readonly maxAgents?: number; readonly maxDepth?: number };
  readonly boundary?: EffectBoundary;
  readonly signal?: AbortSignal;
  readonly controller?: RunController;
  /** The engine patches to run with (default: every one, as a new run). */
  readonly patches?: readonly EnginePatch[];
  /** Run as a caller that validated the spec itself does (`validated: true`: run_started's text is written in pieces). */
  readonly validated?: boolean;
  /** Called once the run is under way (virtual time 0), e.g. to schedule a cancel. */
  readonly during?: (environment: VirtualEnvironment) => void;
}

export interface HarnessRun {
  readonly result: WorkflowResult;
  readonly sink: MemoryEventSink;
  readonly runner: MockLeafRunner;
  readonly gateway: MockModelGateway;
  readonly environment: VirtualEnvironment;
  readonly byId: (id: string) => NodeResult;
}

export async function runMock(workflow: WorkflowSpec, options: HarnessOptions = {}): Promise<HarnessRun> {
  const environment = new VirtualEnvironment();
  const fixture = typeof options.fixture === 'string' ? parseMockFixture(options.fixture) : options.fixture;
  const runner = new MockLeafRunner(environment, fixture);
  const gateway = new MockModelGateway(environment, fixture);
  const sink = new MemoryEventSink();
  const request: ExecuteRequest = {
    spec: workflow,
    runId: 'run-1',
    sink,
    leafRunner: runner,
    gateway,
    environment,
    validation: { maxAgents: 1_000_000, maxDepth: 100 },
    launchLimits: options.launchLimits ?? { maxAgents: 1_000_000, maxDepth: 100 },
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.grant ? { grant: options.grant } : {}),
    ...(options.boundary ? { boundary: options.boundary } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.controller ? { controller: options.controller } : {}),
    ...(options.patches ? { patches: options.patches } : {}),
    ...(options.validated ? { validated: true } : {}),
  };
  const running = executeWorkflow(request);
  options.during?.(environment);
  const result = await environment.drive(running);
  return { result, sink, runner, gateway, environment, byId: (id) => findResult(result.results, id) };
}

export function findResult(results: readonly NodeResult[], id: string): NodeResult {
  for (const result of results) {
    if (result.id === id) return result;
    const inner = result.children ? tryFind(result.children, id) : undefined;
    if (inner) return inner;
  }
  throw new Error(`no result for ${id}`);
}

function tryFind(results: readonly NodeResult[], id: string): NodeResult | undefined {
  try {
    return findResult(results, id);
  } catch {
    return undefined;
  }
}

export function statuses(results: readonly NodeResult[]): Record<string, RunStatus> {
  const out: Record<string, RunStatus> = {};
  const visit = (result: NodeResult): void => {
    out[result.id] = result.status;
    result.children?.forEach(visit);
  };
  results.forEach(visit);
  return out;
}
