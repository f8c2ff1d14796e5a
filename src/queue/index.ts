// Scale-out: leaf effects as queue jobs run by workers; the coordinator keeps the trace.
export { leafJobOf, leafJobSchema, remainingBudgetOf, LEAF_JOB_VERSION, type LeafJob, type LeafJobBudget, type LeafJobOptions } from './leaf-job.js';
export { leafJobId } from './leaf-job-id.js';
export type { LeafJobOutcome, LeafJobListener, SpendReport } from './leaf-job-outcome.js';
export type { LeafCancellation, LeafQueue, LeafQueueStats } from './leaf-queue.js';
export { executeLeafJob, type ExecuteLeafJobOptions } from './execute-leaf-job.js';
export { InProcessLeafQueue, type InProcessLeafQueueOptions } from './in-process-leaf-queue.js';
export { QueueLeafRunner, type QueueLeafRunnerOptions } from './queue-leaf-runner.js';
export { ceilingRefusal, DEFAULT_WORKER_CEILING, WORKER_WRITE_CEILINGS, type WorkerCeiling } from './worker-ceiling.js';
export { QueueUnavailableError, LeafJobFailedError, LeafJobStoppedError, LeafQueueClosedError, QueueConfigurationError } from './queue-errors.js';
export { queueRunContextId, queueRunContextSchema, type QueueRunContext } from './queue-run-context.js';
export { headCommit } from './repository-commit.js';
export { WorkerCheckouts, CHECKOUTS_DIRECTORY } from './worker-checkouts.js';
export { RunContextCache, type CacheLease, type Closable, type RunContextCacheOptions } from './run-context-cache.js';
