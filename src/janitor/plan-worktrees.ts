import { statSync } from 'node:fs';
import { join } from 'node:path';
import { safeSegment, WORKTREES_DIRECTORY } from '../leaves/index.js';
import { subdirectories } from '../util/index.js';
import type { WorktreeRemoval } from './janitor-plan.js';
import type { RunInventory } from './run-inventory.js';

/** A directory of a run this database does not know is left this long (it may be another database's run starting). */
export const UNKNOWN_RUN_GRACE_MS = 24 * 60 * 60 * 1000;
/**
 * An unfinished run whose process cannot be asked (no pid, or another host) must have been
 * silent this long: a run starved of CPU may miss heartbeats for a while and still be at work.
 */
export const SILENT_RUN_GRACE_MS = 10 * 60 * 1000;

/**
 * Worktrees under `.whaleflow/worktrees/<run>/<leaf>` that no live run uses: a finished run
 * removes its own, so what is left belongs to a run that crashed (or was killed). A run that is
 * alive (as `ps` judges it) keeps its worktrees; a directory of a run this database does not
 * know is left for a day, since it may belong to a run recorded elsewhere (`--db`) that is just
 * starting. Saved diffs of stopped writers (`<leaf>.stopped.diff`) are files, not worktrees,
 * and stay: they are how a user gets a stopped writer's work back.
 */
export function planWorktrees(repositoryRoot: string, inventory: RunInventory, now: number): WorktreeRemoval[] {
  const root = join(repositoryRoot, WORKTREES_DIRECTORY);
  const runsBySegment = new Map<string, { runId: string; alive: boolean }>();
  for (const [runId, facts] of inventory.runs) {
    // Conservative: only a finished run, or one whose process is known dead or long silent, has orphans.
    const gone = facts.state === 'finished' || facts.pidAlive === false || (facts.state === 'interrupted' && facts.lastSignAt < now - SILENT_RUN_GRACE_MS);
    runsBySegment.set(safeSegment(runId), { runId, alive: !gone });
  }
  const removals: WorktreeRemoval[] = [];
  for (const segment of subdirectories(root)) {
    const run = runsBySegment.get(segment);
    if (run?.alive) continue;
    const runDirectory = join(root, segment);
    if (!run && modifiedAt(runDirectory) > now - UNKNOWN_RUN_GRACE_MS) continue;
    for (const leaf of subdirectories(runDirectory)) {
      removals.push({
        path: join(runDirectory, leaf),
        runId: run?.runId ?? null,
        registered: true,
        reason: run ? `left by run ${run.runId.slice(0, 8)}, which is no longer running` : 'left by a run this database does not know, untouched for over a day',
      });
    }
  }
  return removals;
}

function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
