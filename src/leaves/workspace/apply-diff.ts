import { gitTopLevel, runGit } from './run-git.js';
import { describeError, touchesProtectedState } from '../../util/index.js';
import { DiffDoesNotApplyError, ProtectedPathInDiffError, WorkspaceError } from './workspace-errors.js';

export interface ApplyDiffOptions {
  /** Fall back to a three-way merge (may leave conflict markers and touches the index). */
  readonly threeWay?: boolean;
  /** Only check that it applies; change nothing. */
  readonly checkOnly?: boolean;
}

export interface ApplyDiffOutcome {
  readonly applied: boolean;
  readonly method: 'plain' | '3way' | 'check';
}

/**
 * Applies a recorded leaf diff to the working tree containing `cwd`. It is checked first, so
 * a diff that does not apply changes nothing; only with `threeWay` is a merge attempted.
 * Paths in the diff are relative to the repository's top, so git runs there. A diff that
 * touches WhaleFlow's or git's own state (a leaf's command created `whaleflow.config.yaml` in
 * its worktree, say) is refused whole: applying it would hand the leaf the next run's
 * configuration.
 */
export async function applyDiff(cwd: string, diff: string, options: ApplyDiffOptions = {}): Promise<ApplyDiffOutcome> {
  if (diff.trim() === '') throw new WorkspaceError('the diff is empty: the leaf changed nothing');
  const top = await gitTopLevel(cwd);
  await refuseProtectedPaths(top, diff);
  const check = await tryGit(top, ['apply', '--check', '--whitespace=nowarn', '-'], diff);
  if (check === undefined) {
    if (options.checkOnly) return { applied: false, method: 'check' };
    await runGit(top, ['apply', '--whitespace=nowarn', '-'], { input: diff });
    return { applied: true, method: 'plain' };
  }
  if (!options.threeWay) {
    throw new DiffDoesNotApplyError(check, `the diff does not apply to the working tree (nothing was changed):\n${check.trim()}\nretry with --3way to attempt a three-way merge`);
  }
  if (options.checkOnly) return { applied: false, method: 'check' };
  const merge = await tryGit(top, ['apply', '--3way', '--whitespace=nowarn', '-'], diff);
  if (merge !== undefined) throw new DiffDoesNotApplyError(merge, `the diff does not apply, even with a three-way merge:\n${merge.trim()}`);
  return { applied: true, method: '3way' };
}

/** Undefined when git succeeded, else its error text. */
async function tryGit(cwd: string, args: readonly string[], input: string): Promise<string | undefined> {
  try {
    await runGit(cwd, args, { input });
    return undefined;
  } catch (error) {
    return error instanceof WorkspaceError ? error.stderr || error.message : describeError(error);
  }
}

/** Lists the diff's paths with git's own parser (renames give both names) and refuses protected ones. */
async function refuseProtectedPaths(top: string, diff: string): Promise<void> {
  let listing: string;
  try {
    listing = (await runGit(top, ['apply', '--numstat', '-z', '-'], { input: diff })).stdout;
  } catch {
    return; // not a diff git can read: the check that follows reports it
  }
  const paths = listing
    .split('\0')
    .map((field) => field.replace(/^(?:\d+|-)\t(?:\d+|-)\t/, ''))
    .filter((path) => path !== '');
  const touched = paths.filter(touchesProtectedState);
  if (touched.length > 0) throw new ProtectedPathInDiffError(touched);
}
