import type { EffectResult, LeafRunContext, LeafRunInput, LeafRunner } from '../engine/index.js';
import { assertNever } from '../util/index.js';
import { leafJobOf } from './leaf-job.js';
import type { LeafJobListener } from './leaf-job-outcome.js';
import type { LeafQueue } from './leaf-queue.js';
import { LeafJobFailedError, LeafJobStoppedError } from './queue-errors.js';

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
}

/**
 * The engine's LeafRunner over a LeafQueue: each leaf becomes a job; what the worker reports
 * (where it runs, activity, spend) reaches the engine as if the leaf ran here, so heartbeats,
 * budgets and cancellation work unchanged. The engine never knows a queue exists.
 */
export class QueueLeafRunner implements LeafRunner {
  constructor(private readonly options: QueueLeafRunnerOptions) {}

  async run(input: LeafRunInput, context: LeafRunContext): Promise<EffectResult> {
    // The user's working tree and the project's memory store are here, not on a worker.
    if (this.options.local && (writesSharedTree(input) || context.memory !== undefined)) return this.options.local.run(input, context);
    const job = leafJobOf(input, { lineage: this.options.lineage, runContext: this.options.runContext, now: this.options.now });
    let placedOn: string | undefined;
    const listener: LeafJobListener = {
      placed: (worker) => {
        placedOn = worker.workerId;
        context.placed?.(worker);
      },
      activity: (message) => context.activity(message),
      spend: (usage) => context.spend(usage),
    };
    const outcome = await this.options.queue.submit(job, listener, context.signal);
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
}

function writesSharedTree(input: LeafRunInput): boolean {
  return input.permissions.allowWrite && input.permissions.isolation === 'shared';
}
