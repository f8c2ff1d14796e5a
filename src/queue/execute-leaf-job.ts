import { stoppedLeafArtifacts, type EffectResult, type LeafPlacement, type LeafRunContext, type LeafRunInput, type LeafRunner } from '../engine/index.js';
import { emptyMemoUsage, leafInputHash, type Usage } from '../ir/index.js';
import { SecretRedactor } from '../util/index.js';
import { remainingBudgetOf, type LeafJob } from './leaf-job.js';
import type { LeafJobListener, LeafJobOutcome, SpendReport } from './leaf-job-outcome.js';
import { LeafStopSwitch } from './leaf-stop-switch.js';
import { ceilingRefusal, type WorkerCeiling } from './worker-ceiling.js';

export interface ExecuteLeafJobOptions {
  readonly runner: LeafRunner;
  readonly ceiling: WorkerCeiling;
  readonly worker: LeafPlacement;
  /** The worker's clock, for the budget's deadline. */
  readonly now: () => number;
  /**
   * The worker's own secrets (its provider keys): removed from everything the job sends back,
   * since the coordinator, which records it, cannot know them. Default: this process's environment.
   */
  readonly redactor?: SecretRedactor;
}

const NO_USAGE: Usage = { input_tokens: 0, output_tokens: 0, cost_microusd: 0 };

/**
 * Runs one leaf job on a worker — the same code whichever queue delivered it. The job's
 * permissions are the most it gets: a job beyond the worker's ceiling is refused (a failed
 * result naming the worker and why), and a job whose input hash does not match its leaf is
 * refused too, so what the trace records under that hash is what ran. `stop` is the caller's
 * signal, or a worker's per-leaf stop switch (no AbortSignal unless the runner asks for one).
 */
export async function executeLeafJob(job: LeafJob, options: ExecuteLeafJobOptions, listener: LeafJobListener, stop: AbortSignal | LeafStopSwitch): Promise<LeafJobOutcome> {
  const redactor = options.redactor ?? new SecretRedactor();
  const redacting: LeafJobListener = {
    placed: (worker) => listener.placed(worker),
    activity: (message) => listener.activity(redactor.redactString(message)),
    spend: (usage) => listener.spend(usage),
    modelWait: (state) => listener.modelWait(state),
  };
  return redactor.redact(await runLeafJob(job, options, redacting, stop instanceof LeafStopSwitch ? stop : LeafStopSwitch.following(stop)));
}

async function runLeafJob(job: LeafJob, options: ExecuteLeafJobOptions, listener: LeafJobListener, stop: LeafStopSwitch): Promise<LeafJobOutcome> {
  const { worker } = options;
  const refusal = refusalOf(job, options.ceiling);
  if (refusal !== undefined) {
    return { type: 'completed', worker, result: refusedResult(`worker ${worker.host}:${worker.pid} refuses leaf ${job.leaf.id}: ${refusal}`) };
  }
  const input: LeafRunInput = {
    workflow: job.workflow,
    leaf: job.leaf,
    resolvedInputs: job.resolvedInputs,
    inputHash: job.inputHash,
    role: job.role,
    permissions: job.permissions,
    budget: remainingBudgetOf(job.budget, options.now()),
    runId: job.runId,
    effect: job.effect,
    ...(job.overlay ? { overlay: job.overlay } : {}),
    ...(job.baseDiffs ? { baseDiffs: job.baseDiffs } : {}),
  };
  try {
    const result = await options.runner.run(input, new JobRunContext(stop, listener));
    if (stop.aborted) return { type: 'stopped', worker, message: messageOf(stop.reason), artifacts: result.artifacts ?? [] };
    return { type: 'completed', worker, result };
  } catch (error) {
    if (stop.aborted) return { type: 'stopped', worker, message: messageOf(error), artifacts: stoppedLeafArtifacts(error) ?? [] };
    return { type: 'threw', worker, message: messageOf(error) };
  }
}

function refusalOf(job: LeafJob, ceiling: WorkerCeiling): string | undefined {
  if (leafInputHash(job.workflow, job.leaf, job.resolvedInputs) !== job.inputHash) return 'the job input hash does not match its leaf and inputs';
  return ceilingRefusal(ceiling, job.leaf, job.permissions);
}

function refusedResult(message: string): EffectResult {
  return { status: 'failed', output: null, usage: NO_USAGE, memo_usage: emptyMemoUsage(), error: message };
}

function messageOf(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'object' && value !== null && 'type' in value) {
    const reason = value as { type: string; message?: string };
    return reason.message ?? `cancelled (${reason.type})`;
  }
  return String(value);
}

/** The runner's LeafRunContext on a worker: reports go to the coordinator through the queue. */
class JobRunContext implements LeafRunContext {
  constructor(
    private readonly stop: LeafStopSwitch,
    private readonly listener: LeafJobListener,
  ) {}

  get signal(): AbortSignal {
    return this.stop.signal;
  }

  sleep(ms: number): Promise<void> {
    return this.stop.sleep(ms);
  }

  activity(message: string): void {
    this.listener.activity(message);
  }

  spend(usage: SpendReport): void {
    this.listener.spend(usage);
  }

  async awaitModel<T>(call: Promise<T>): Promise<T> {
    this.listener.modelWait('started');
    try {
      return await call;
    } finally {
      this.listener.modelWait('settled');
    }
  }
}
