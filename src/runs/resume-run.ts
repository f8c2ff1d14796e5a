import {
  executeWorkflow,
  recordedPatches,
  type RunController,
  systemEnvironment,
  type EngineEnvironment,
  type ExecutionLimits,
  type LeafRunner,
  type MemoryPort,
  type ModelGateway,
  type PermissionGrant,
  type RunEventSink,
} from '../engine/index.js';
import type { ValidationOptions, WorkflowResult, WorkflowSpec } from '../ir/index.js';
import { ResumeBoundary, type TraceStore } from '../trace/index.js';
import { readRecordedRun, type RecordedRun } from './recorded-run.js';

export interface ResumeRequest {
  /** The store holding the interrupted run and its ancestors. */
  readonly store: TraceStore;
  readonly recorded: RecordedRun;
  readonly runId: string;
  readonly sink: RunEventSink;
  readonly leafRunner: LeafRunner;
  readonly gateway: ModelGateway;
  /** The memory store, for memory effects the recording did not finish (memory.enabled). */
  readonly memory?: MemoryPort;
  /** An edited workflow to continue with (`--file F`); unchanged leaves are reused by input hash. */
  readonly spec?: WorkflowSpec;
  readonly sourceFile?: string;
  readonly grant?: PermissionGrant;
  readonly environment?: EngineEnvironment;
  readonly limits?: ExecutionLimits;
  readonly signal?: AbortSignal;
  /** Per-node and whole-run cancels while the resumed run runs (`whaleflow cancel`). */
  readonly controller?: RunController;
  readonly validation?: ValidationOptions;
  /** --max-agents/--max-depth given to the resume: what live expansions are held to instead of the recorded limits. */
  readonly launchLimits?: { readonly maxAgents?: number; readonly maxDepth?: number };
  /** Serve recorded failures instead of trying them again. */
  readonly reuseFailures?: boolean;
}

export interface ResumeOutcome {
  readonly runId: string;
  readonly result: WorkflowResult;
  readonly servedFromTrace: number;
  readonly ranLive: number;
  /** The runs whose effects were reusable, the interrupted one first. */
  readonly chain: readonly string[];
}

const RECORDED_SPEC_VALIDATION = { maxAgents: Number.MAX_SAFE_INTEGER, maxDepth: Number.MAX_SAFE_INTEGER };

/** Most resume chains are short; this only stops a corrupt parent cycle. */
const MAX_CHAIN = 64;

/**
 * The interrupted run and, when it was itself a resume, the runs it resumed: an effect a
 * resume served from its parent may not have been re-recorded before a second crash.
 */
export function resumeChain(store: TraceStore, recorded: RecordedRun): RecordedRun[] {
  const chain = [recorded];
  let current = recorded;
  while (current.started.mode === 'resume' && current.started.parentRunId && chain.length < MAX_CHAIN) {
    const parentId = current.started.parentRunId;
    if (chain.some((run) => run.runId === parentId) || !store.getRun(parentId)) break;
    current = readRecordedRun(store, parentId);
    chain.push(current);
  }
  return chain;
}

/**
 * Continues an interrupted (crashed or cancelled) run as a new run of mode 'resume':
 * every effect that finished before is served from the trace, the rest runs live.
 */
export async function resumeRun(request: ResumeRequest): Promise<ResumeOutcome> {
  const chain = resumeChain(request.store, request.recorded);
  const boundary = new ResumeBoundary(
    chain.map((run) => run.effects),
    { reuseFailures: request.reuseFailures },
  );
  const result = await executeWorkflow({
    spec: request.spec ?? request.recorded.spec,
    runId: request.runId,
    label: `resume of ${request.recorded.started.label.replace(/^resume of /, '')}`,
    sink: request.sink,
    boundary,
    leafRunner: request.leafRunner,
    gateway: request.gateway,
    ...(request.memory ? { memory: request.memory } : {}),
    environment: request.environment ?? systemEnvironment(),
    limits: request.limits,
    grant: request.grant,
    signal: request.signal,
    ...(request.controller ? { controller: request.controller } : {}),
    mode: 'resume',
    parentRunId: request.recorded.runId,
    // Finished effects were keyed by the recorded behaviour; the rest continues with it too.
    patches: recordedPatches(request.recorded.started),
    // Expansions that run live are held to the limits the run started with, unless the caller gives its own.
    launchLimits: { ...request.recorded.started.launchLimits, ...definedLimits(request.launchLimits ?? request.validation) },
    sourceFile: request.sourceFile ?? request.recorded.started.sourceFile,
    // The recorded spec passed the launch-shape gate when it first ran; an edited one passes
    // the caller's limits (the CLI compiles it with --max-agents/--max-depth).
    validation: request.validation ?? (request.spec ? undefined : RECORDED_SPEC_VALIDATION),
    // The recorded spec was read back from our own store, in canonical form, after it passed the gate once.
    ...(request.spec ? {} : { validated: true }),
    // A resumed run continues under the overlay it started with, so finished leaves match by key.
    ...(request.recorded.started.overlay ? { overlay: request.recorded.started.overlay } : {}),
  });
  return { runId: request.runId, result, servedFromTrace: boundary.servedFromTrace, ranLive: boundary.ranLive, chain: chain.map((run) => run.runId) };
}

/** The limits a caller set (--max-agents/--max-depth), leaving out those it did not. */
function definedLimits(validation: { readonly maxAgents?: number; readonly maxDepth?: number } | undefined): { maxAgents?: number; maxDepth?: number } {
  return {
    ...(validation?.maxAgents !== undefined ? { maxAgents: validation.maxAgents } : {}),
    ...(validation?.maxDepth !== undefined ? { maxDepth: validation.maxDepth } : {}),
  };
}
