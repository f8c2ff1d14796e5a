import type { WhaleflowConfig } from '../config/index.js';
import { systemEnvironment, type LeafRunner } from '../engine/index.js';
import { MockLeafRunner, mockFixtureSchema } from '../leaves/mock/index.js';
import type { RemoteMemo } from '../memo/index.js';
import type { MockScriptInput } from '../providers/index.js';
import type { QueueRunContext, WorkerCheckouts } from '../queue/index.js';
import { createRuntime } from './create-runtime.js';

export interface WorkerRunnerOptions {
  /** The worker's clone of the repository (`--repo`, default its working directory). */
  readonly repository: string;
  /** The worker's own environment: provider keys come from here, never from a job. */
  readonly env: NodeJS.ProcessEnv;
  /** The worker's own configuration (providers, routes, prices, memo). */
  readonly config: WhaleflowConfig;
  /** The worker's checkouts of base commits in `repository` (real leaves of a run at a commit). */
  readonly checkouts: WorkerCheckouts;
}

/** A run's leaf runner on a worker, and what releases it: its runtime, and its use of the checkout. */
export interface WorkerLeafRunner extends LeafRunner {
  close(): Promise<void>;
}

/** What the worker process offers every run's leaves: the coordinator's memo over the queue's Redis. */
export interface WorkerServices {
  readonly remoteMemo?: RemoteMemo;
}

/**
 * How a worker gets the leaf runner for a run's settings: the engine's mock for `pure-mock`;
 * otherwise the same real leaves as in-process (tool loop, commands, search, worktrees),
 * working in a checkout of the run's base commit, with the worker's own providers and keys.
 * Closing the runner closes its runtime and lets go of the checkout (removed with the last user).
 */
export function workerRunnerFactory(options: WorkerRunnerOptions): (context: QueueRunContext, services: WorkerServices) => Promise<WorkerLeafRunner> {
  return async (context, services) => {
    switch (context.provider) {
      case 'pure-mock':
        return closable(new MockLeafRunner(systemEnvironment(), mockFixtureSchema.parse(context.fixture ?? {})), () => Promise.resolve());
      case 'mock':
      case 'config': {
        const commit = context.baseCommit;
        const cwd = commit ? await options.checkouts.acquire(commit) : options.repository;
        try {
          const runtime = createRuntime({
            cwd,
            env: options.env,
            config: options.config,
            provider: context.provider,
            ...(context.modelScript !== undefined ? { fixtures: { modelScript: context.modelScript as MockScriptInput } } : {}),
            ...(context.keepWorktrees ? { keepWorktrees: true } : {}),
            // The coordinator's memo when it serves one (single-flight across workers), else the worker's own.
            ...(context.memo === 'coordinator' && services.remoteMemo ? { remoteMemo: services.remoteMemo } : {}),
          });
          return closable(runtime.leafRunner, async () => {
            await runtime.close();
            if (commit) await options.checkouts.release(commit);
          });
        } catch (error) {
          if (commit) await options.checkouts.release(commit);
          throw error;
        }
      }
    }
  };
}

function closable(runner: LeafRunner, close: () => Promise<void>): WorkerLeafRunner {
  return { run: (input, context) => runner.run(input, context), close };
}
