import type { EffectResult, LeafRunContext, LeafRunInput, LeafRunner } from '../engine/index.js';
import { assertNever, SecretRedactor } from '../util/index.js';
import { leafJobOf, type LeafJob } from './leaf-job.js';
import type { LeafJobListener, LeafJobOutcome } from './leaf-job-outcome.js';
import type { LeafQueue } from './leaf-queue.js';
import { LeafJobFailedError, LeafJobStoppedError } from './queue-errors.js';
import { RemoteModelWaits } from './remote-model-waits.js';

export interface QueueLeafRunnerOptions {
  readonly queue: LeafQueue;
  /** The first run of the resume chain (the run itself when it is not a resume). */
  readonly lineage: string;
  /** Id of the run's settings as the queue stores them (provider mode, fixture, base commit). */
  readonly runContext: string;
  readonly now: () => number;
  /**
   * Runs the leaves that need what only the coordinator has: its working tree (writers with
   * shared isolation, under --allow-write-tree; a worker's checkout is not the user's tree) and
   * the project's external memory store (leaves that declared memory contexts).
   */
  readonly local?: LeafRunner;
  /**
   * The secrets known to this run (default: those of this process's environment). A job that
   * would carry one (in a prompt, the goal, a resolved input) never goes to the queue: the leaf
   * runs here instead, so no secret of the coordinator reaches Redis or a worker.
   */
  readonly redactor?: SecretRedactor;
}

/**
 * The engine's LeafRunner over a LeafQueue: each leaf becomes a job; what the worker reports
 * (where it runs, activity, spend) reaches the engine as if the leaf ran here, so heartbeats,
 * budgets and cancellation work unchanged. The engine never knows a queue exists.
 */
export class QueueLeafRunner implements LeafRunner {
  private readonly redactor: SecretRedactor;

  constructor(private readonly options: QueueLeafRunnerOptions) {
    this.redactor = options.redactor ?? new SecretRedactor();
  }

  async run(input: LeafRunInput, context: LeafRunContext): Promise<EffectResult> {
    // The user's working tree and the project's memory store are here, not on a worker.
    if (this.options.local && (writesSharedTree(input) || context.memory !== undefined)) return this.options.local.run(input, context);
    const job = leafJobOf(input, { lineage: this.options.lineage, runContext: this.options.runContext, now: this.options.now });
    if (this.carriesSecret(job)) return this.runHoldingSecret(input, context);
    let placedOn: string | undefined;
    // Made on the first model call a worker reports: most leaves of a wide fan-out never need one.
    let modelWaits: RemoteModelWaits | undefined;
    const listener: LeafJobListener = {
      placed: (worker) => {
        placedOn = worker.workerId;
        context.placed?.(worker);
      },
      activity: (message) => context.activity(message),
      spend: (usage) => context.spend(usage),
      modelWait: (state) => (modelWaits ??= new RemoteModelWaits(context)).report(state),
    };
    // The engine's cancel hook when it offers one: no AbortSignal is made for a leaf handed to the queue.
    const cancellation = context.onCancel ? { onCancel: context.onCancel.bind(context) } : context.signal;
    let outcome: LeafJobOutcome;
    try {
      outcome = await this.options.queue.submit(job, listener, cancellation);
    } finally {
      modelWaits?.settleAll();
    }
    // Progress travels apart from the result and may arrive after it, or not at all: the result names its worker too.
    if (placedOn !== outcome.worker.workerId && outcome.worker.pid > 0) context.placed?.(outcome.worker);
    switch (outcome.type) {
      case 'completed':
        return outcome.result;
      case 'threw':
        throw new LeafJobFailedError(outcome.message);
      case 'stopped':
        throw new LeafJobStoppedError(outcome.message, outcome.artifacts);
      default:
        return assertNever(outcome, 'leaf job outcome');
    }
  }

  private carriesSecret(job: LeafJob): boolean {
    return this.redactor.hasSecrets && this.redactor.mayContainSecret(JSON.stringify(job));
  }

  private async runHoldingSecret(input: LeafRunInput, context: LeafRunContext): Promise<EffectResult> {
    if (!this.options.local) throw new LeafJobFailedError(`leaf ${input.leaf.id} is not sent to the queue: its job would carry a secret known to this run, and this run has no local runner`);
    context.activity('runs at the coordinator: its job would carry a secret known to this run');
    return this.options.local.run(input, context);
  }
}

function writesSharedTree(input: LeafRunInput): boolean {
  return input.permissions.allowWrite && input.permissions.isolation === 'shared';
}
