/**
 * `git worktree add/remove` update shared files under `.git/worktrees` without a lock that
 * covers concurrent callers, so parallel leaves of one run would race (observed: "failed to
 * read .git/worktrees/<x>/commondir"). Worktree bookkeeping is therefore serialized per
 * repository within this process; the leaves themselves still run in parallel.
 */
const queues = new Map<string, Promise<unknown>>();

export function inRepositoryQueue<T>(repositoryRoot: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(repositoryRoot) ?? Promise.resolve();
  const next = previous.then(task, task);
  const settled = next.catch(() => undefined);
  queues.set(repositoryRoot, settled);
  void settled.then(() => {
    if (queues.get(repositoryRoot) === settled) queues.delete(repositoryRoot);
  });
  return next;
}
