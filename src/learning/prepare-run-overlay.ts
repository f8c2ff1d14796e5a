import type { WhaleflowConfig } from '../config/index.js';
import type { RunOverlay } from '../engine/index.js';
import type { WorkflowSpec } from '../ir/index.js';
import { planRunOverlay, type OverlayPlan } from './apply-overlay.js';
import { markLessonsStale } from './learning-maintenance.js';
import { openExistingLearningStore } from './learning-store.js';
import { EMPTY_SNAPSHOT_ID, shortSnapshotId } from './overlay-snapshot.js';
import { overlaySettingsOf } from './overlay-settings.js';
import { readRepositoryState } from './repository-state.js';

export interface PreparedRunOverlay {
  /** The spec to run (the workflow's, with structural lessons applied). */
  readonly spec: WorkflowSpec;
  /** What the engine records and applies; undefined when the overlay is off for this run. */
  readonly overlay?: RunOverlay;
  readonly plan?: OverlayPlan;
  /** One line for the pre-flight, when there is an overlay to speak of. */
  readonly summary?: string;
  /** Problems that did not stop the run (a lesson could not be marked stale…). */
  readonly warnings: readonly string[];
}

export interface PrepareRunOverlayOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly config: WhaleflowConfig;
  readonly spec: WorkflowSpec;
  /** `run --no-overlay`. */
  readonly skip?: boolean;
  readonly now?: () => number;
}

/**
 * The overlay for one run, read at run start: nothing at all when `overlay.enabled` is off or the
 * run asks for none (so existing users see no change); otherwise the head snapshot's lessons, with
 * stale ones marked stale (and left out) and the rest applied as data. The run records the result
 * in run_started, also when the overlay is empty or paused, so A/B telemetry can tell runs apart.
 */
export async function prepareRunOverlay(options: PrepareRunOverlayOptions): Promise<PreparedRunOverlay> {
  if (!options.config.overlay.enabled || options.skip) return { spec: options.spec, warnings: [] };
  const repository = await readRepositoryState(options.cwd);
  const store = openExistingLearningStore({ cwd: options.cwd, env: options.env, ...(options.now ? { now: options.now } : {}) });
  if (!store) return { spec: options.spec, overlay: emptyOverlay(EMPTY_SNAPSHOT_ID, repository.head), summary: 'overlay: empty (nothing promoted yet)', warnings: [] };
  try {
    const head = store.overlay.head();
    if (!head.enabled) return { spec: options.spec, overlay: emptyOverlay(head.snapshotId, repository.head), summary: `overlay: disabled (snapshot ${shortSnapshotId(head.snapshotId)} not applied; whaleflow overlay enable)`, warnings: [] };
    if (head.lessonIds.length === 0) return { spec: options.spec, overlay: emptyOverlay(head.snapshotId, repository.head), summary: 'overlay: empty', warnings: [] };
    const lessons = head.lessonIds.flatMap((id) => store.lessons.getEffective(id) ?? []);
    const plan = planRunOverlay({ spec: options.spec, snapshotId: head.snapshotId, lessons, repository, settings: overlaySettingsOf(options.config) });
    const warnings: string[] = [];
    for (const stale of plan.stale) {
      try {
        markLessonsStale(store, [stale.id], [stale.reason], { changedFiles: stale.changedFiles ?? [] });
      } catch (error) {
        warnings.push(`could not mark lesson ${stale.id.slice(0, 12)} stale: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const summary = `overlay: snapshot ${shortSnapshotId(head.snapshotId)}, ${plan.applied.length} lesson(s) applied${plan.skipped.length > 0 ? `, ${plan.skipped.length} skipped (${plan.skipped.map((entry) => `${entry.id.slice(0, 8)}: ${entry.reason}`).join('; ')})` : ''}`;
    return { spec: plan.spec, overlay: plan.overlay, plan, summary, warnings };
  } finally {
    store.close();
  }
}

function emptyOverlay(snapshot = EMPTY_SNAPSHOT_ID, commit?: string | null): RunOverlay {
  return { snapshotId: snapshot, ...(commit ? { commit } : {}), lessons: [], blocks: [], leafBlocks: {}, roleBlocks: {} };
}
