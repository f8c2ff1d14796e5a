import type { WhaleflowConfig } from '../config/index.js';
import type { SqliteTraceStore } from '../trace/index.js';
import { describeError } from '../util/index.js';
import { JanitorRecords } from './janitor-records.js';
import { JanitorBusyError, runJanitorPass, type JanitorPassOutcome } from './run-janitor-pass.js';

export interface AutoPassInput {
  readonly trace: SqliteTraceStore;
  readonly config: WhaleflowConfig;
  readonly repositoryRoot: string | null;
  /** The run that just finished. */
  readonly runId?: string;
  readonly now: number;
}

export type AutoPassOutcome =
  | { readonly kind: 'off' }
  | { readonly kind: 'too_soon'; readonly lastPassAt: number }
  | { readonly kind: 'busy'; readonly reason: string }
  | { readonly kind: 'applied'; readonly outcome: JanitorPassOutcome }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * `janitor.auto`: after a run finishes, an applied pass — unless the last pass (of any kind) is
 * younger than `auto_interval_minutes`, or another pass or a resume holds the locks. It never
 * fails the run: a problem comes back as an outcome for the caller to print.
 */
export async function autoJanitorPass(input: AutoPassInput): Promise<AutoPassOutcome> {
  const settings = input.config.janitor;
  if (!settings.auto) return { kind: 'off' };
  const last = JanitorRecords.read(input.trace.database).lastPass();
  if (last && last.startedAt > input.now - settings.autoIntervalMinutes * 60_000) return { kind: 'too_soon', lastPassAt: last.startedAt };
  try {
    const outcome = await runJanitorPass({
      trace: input.trace,
      config: input.config,
      repositoryRoot: input.repositoryRoot,
      now: input.now,
      trigger: 'auto',
      ...(input.runId ? { triggerRunId: input.runId } : {}),
    });
    return { kind: 'applied', outcome };
  } catch (error) {
    if (error instanceof JanitorBusyError) return { kind: 'busy', reason: error.message };
    return { kind: 'failed', reason: describeError(error) };
  }
}
