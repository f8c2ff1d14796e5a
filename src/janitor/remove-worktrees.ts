import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { runGit } from '../leaves/index.js';
import type { WorktreeRemoval } from './janitor-plan.js';
import type { RecordAction } from './janitor-records.js';
import type { SummaryCounts } from './janitor-summary.js';

/**
 * Removes orphaned worktrees: through git (`worktree remove --force`) so its registration goes
 * too, or, for a directory git no longer knows, from disk; then `git worktree prune` forgets
 * registrations whose directory is gone, and an emptied run directory goes. Saved diffs stay.
 */
export async function removeWorktrees(repositoryRoot: string, removals: readonly WorktreeRemoval[], counts: SummaryCounts, record: RecordAction): Promise<void> {
  if (removals.length === 0) return;
  for (const removal of removals) {
    let how = 'git worktree remove';
    try {
      await runGit(repositoryRoot, ['worktree', 'remove', '--force', removal.path]);
    } catch {
      how = 'removed from disk (not registered with git)';
      rmSync(removal.path, { recursive: true, force: true });
    }
    counts.worktrees.count += 1;
    record({ policy: 'worktrees', action: 'remove', targetKind: 'worktree', target: removal.path, count: 1, bytes: 0, reason: removal.reason, detail: { runId: removal.runId, how } });
    const runDirectory = dirname(removal.path);
    try {
      if (readdirSync(runDirectory).length === 0) rmdirSync(runDirectory);
    } catch {
      // Already gone, or holds saved diffs: either way it stays as it is.
    }
  }
  await runGit(repositoryRoot, ['worktree', 'prune']).catch(() => undefined);
}
