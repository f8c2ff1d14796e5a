import { executeWorkflow } from '../../engine/index.js';
import { parseWorkflowSpec, type WorkflowResult, type WorkflowSpec } from '../../ir/index.js';
import type { RecordedRun } from '../../runs/index.js';
import { TraceSink } from '../../trace/index.js';
import { planRunOverlay, type OverlayPlan } from '../apply-overlay.js';
import type { Lesson } from '../lesson-schema.js';
import { overlaySettingsOf } from '../overlay-settings.js';
import { changedNodes } from './changed-nodes.js';
import type { LearningRuntime } from './learning-runtime.js';
import { StudentReplayBoundary } from './student-replay-boundary.js';

/** The role whose route runs a student replay's changed work (the mock unless configured). */
export const STUDENT_ROLE = 'student';

const ANY_SHAPE = { maxAgents: Number.MAX_SAFE_INTEGER, maxDepth: Number.MAX_SAFE_INTEGER };

export interface StudentReplayRequest {
  readonly baseline: RecordedRun;
  /** The overlay to replay under: the current overlay's lessons, plus the candidate lesson. */
  readonly lessons: readonly Lesson[];
  readonly snapshotId: string;
  readonly label: string;
}

export interface StudentRun {
  readonly runId: string;
  readonly result: WorkflowResult;
  readonly plan: OverlayPlan;
  readonly liveNodes: readonly string[];
  readonly servedFromTrace: number;
  readonly ranLive: number;
  /** Model calls that reached a provider: what the replay paid. */
  readonly providerCalls: number;
  readonly paid: { readonly tokens: number; readonly costMicrousd: number | null };
}

/**
 * Re-executes a recorded baseline run under another overlay, as a new run of mode `replay` linked
 * to it (parentRunId) and recorded like any run. Only the nodes the overlay change reaches run
 * live — in a scratch checkout of HEAD, with model calls routed as the `student` role — and every
 * other effect is served from the baseline's trace: the replay pays for the changed requests and
 * their dependents, nothing else.
 */
export async function runStudentReplay(runtime: LearningRuntime, request: StudentReplayRequest): Promise<StudentRun> {
  const { baseline } = request;
  const plan = planRunOverlay({
    spec: baseSpecOf(baseline),
    snapshotId: request.snapshotId,
    lessons: request.lessons,
    repository: runtime.repository,
    settings: overlaySettingsOf(runtime.config),
  });
  const live = changedNodes({ spec: baseline.spec, overlay: baseline.started.overlay }, { spec: plan.spec, overlay: plan.overlay });
  const runId = runtime.environment.newId();
  const boundary = new StudentReplayBoundary(baseline.effects, live);
  const workspace = live.size > 0 ? await runtime.openWorkspace(runId) : undefined;
  const sink = new TraceSink(runtime.trace);
  let ports: Awaited<ReturnType<LearningRuntime['openPorts']>> | undefined;
  try {
    ports = await runtime.openPorts({ workspace: workspace?.path ?? runtime.cwd, runId, routeAsRole: STUDENT_ROLE });
    const result = await executeWorkflow({
      spec: plan.spec,
      runId,
      label: request.label,
      sink,
      boundary,
      leafRunner: ports.leafRunner,
      gateway: ports.gateway,
      environment: runtime.environment,
      grant: runtime.grant,
      mode: 'replay',
      parentRunId: baseline.runId,
      ...(baseline.started.sourceFile !== undefined ? { sourceFile: baseline.started.sourceFile } : {}),
      validation: ANY_SHAPE,
      overlay: plan.overlay,
    });
    return {
      runId,
      result,
      plan,
      liveNodes: [...live],
      servedFromTrace: boundary.servedFromTrace,
      ranLive: boundary.ranLive,
      providerCalls: ports.providerCalls(),
      paid: { tokens: boundary.liveUsage.inputTokens + boundary.liveUsage.outputTokens, costMicrousd: boundary.liveUsage.costMicrousd },
    };
  } finally {
    sink.close();
    await ports?.close();
    await workspace?.release();
  }
}

/** The workflow as written: the recorded spec before the baseline's own overlay changed its structure. */
export function baseSpecOf(baseline: RecordedRun): WorkflowSpec {
  const base = baseline.started.overlay?.baseSpec;
  if (base === undefined) return baseline.spec;
  const parsed = parseWorkflowSpec(JSON.parse(base));
  return parsed.ok ? parsed.spec : baseline.spec;
}
