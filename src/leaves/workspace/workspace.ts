import { realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isInside } from './workspace-path.js';
import { assertNever } from '../../util/index.js';
import { captureDiff } from './capture-diff.js';
import { addGitWorktree, removeGitWorktree, type GitWorktree } from './git-worktree.js';
import { applyBaseDiffs, linkIgnoredFolders, type BaseDiff } from './prepare-worktree.js';

/** What a workspace leaves behind when its leaf is done. */
export interface WorkspaceOutcome {
  /** The leaf's changes as a git diff (worktree isolation only; empty when nothing changed). */
  readonly diff?: string;
  /** Where the worktree was kept, when removal was turned off. */
  readonly keptAt?: string;
  /** Where the worktree was (or still is, when kept): worktree isolation only. */
  readonly worktreePath?: string;
}

/** The directory a leaf works in, and how to close it. */
export interface Workspace {
  /** Real path (symlinks resolved) of the directory the leaf's paths are relative to. */
  readonly root: string;
  readonly isolation: 'shared' | 'worktree';
  /** The user's tree this workspace comes from: the root itself when shared, the repository's top for a worktree. */
  readonly sourceRoot: string;
  /** Absolute locations inside the workspace that no tool or command may reach (WhaleFlow's state). */
  readonly protectedPaths: readonly string[];
  /** Captures the diff and removes the worktree (unless kept); a shared workspace just ends. */
  close(): Promise<WorkspaceOutcome>;
}

export interface OpenWorkspaceOptions {
  /** The user's working directory. */
  readonly cwd: string;
  readonly isolation: 'shared' | 'worktree';
  readonly runId: string;
  readonly leafId: string;
  /** Keep worktrees after the leaf (for debugging); default false. */
  readonly keepWorktree?: boolean;
  /**
   * WhaleFlow's state wherever the user put it (the trace's directory, configuration files),
   * absolute. Those inside the workspace are refused to its tools and hidden from its commands
   * (a worktree gets the same locations inside it); `.git`, `.whaleflow` and
   * `whaleflow.config.yaml` are refused by name everywhere anyway.
   */
  readonly protectedPaths?: readonly string[];
  /** Ignored folders of the user's tree to link into a worktree (`worktrees.link`), repository-relative. */
  readonly links?: readonly string[];
  /** Changes of the leaves this one depends on: a worktree starts from HEAD with them applied. */
  readonly baseDiffs?: readonly BaseDiff[];
  /** The leaf may write: its diff includes what it started from even when it added nothing. */
  readonly writer?: boolean;
}

export async function openWorkspace(options: OpenWorkspaceOptions): Promise<Workspace> {
  switch (options.isolation) {
    case 'shared': {
      const root = await realpath(options.cwd);
      return { root, isolation: 'shared', sourceRoot: root, protectedPaths: protectedInside(root, root, options.protectedPaths), close: async () => ({}) };
    }
    case 'worktree':
      return openWorktreeWorkspace(options);
    default:
      return assertNever(options.isolation, 'isolation');
  }
}

async function openWorktreeWorkspace(options: OpenWorkspaceOptions): Promise<Workspace> {
  const worktree = await addGitWorktree(options.cwd, options.runId, options.leafId);
  let start: WorktreeStart;
  try {
    start = await prepareWorktree(worktree, options);
  } catch (error) {
    await removeGitWorktree(worktree).catch(() => undefined);
    throw error;
  }
  // A run started in a subdirectory works in the same subdirectory of the worktree.
  const subdirectory = relative(await realpath(worktree.repositoryRoot), await realpath(options.cwd));
  const root = await realpath(join(worktree.path, subdirectory));
  let closed: Promise<WorkspaceOutcome> | undefined;
  return {
    root,
    isolation: 'worktree',
    sourceRoot: await realpath(worktree.repositoryRoot),
    protectedPaths: protectedInside(await realpath(worktree.repositoryRoot), await realpath(worktree.path), options.protectedPaths).filter((path) => isInside(root, path)),
    close: () => (closed ??= closeWorktree(worktree, start, options.keepWorktree ?? false, options.writer ?? true)),
  };
}

/** What a worktree holds before its leaf starts: linked folders, and the diff of the changes it started from. */
interface WorktreeStart {
  readonly linked: readonly string[];
  readonly startingDiff: string;
}

async function prepareWorktree(worktree: GitWorktree, options: OpenWorkspaceOptions): Promise<WorktreeStart> {
  const linked = await linkIgnoredFolders(worktree.repositoryRoot, worktree.path, options.links ?? []);
  const baseDiffs = options.baseDiffs ?? [];
  if (baseDiffs.length === 0) return { linked, startingDiff: '' };
  await applyBaseDiffs(worktree.path, baseDiffs);
  return { linked, startingDiff: await captureDiff(worktree.path, worktree.baseCommit, linked) };
}

/**
 * The diff is everything since HEAD, the changes the worktree started from included, so
 * `whaleflow apply` of a leaf that built on another brings the whole change (and a writer's next
 * loop iteration continues from it). A read-only leaf that changed nothing beyond what it started
 * from (a test of another leaf's change) has no diff of its own.
 */
async function closeWorktree(worktree: GitWorktree, start: WorktreeStart, keep: boolean, writer: boolean): Promise<WorkspaceOutcome> {
  try {
    const captured = await captureDiff(worktree.path, worktree.baseCommit, start.linked);
    const diff = !writer && captured === start.startingDiff ? '' : captured;
    return keep ? { diff, keptAt: worktree.path, worktreePath: worktree.path } : { diff, worktreePath: worktree.path };
  } finally {
    if (!keep) await removeGitWorktree(worktree);
  }
}

/**
 * The protected locations of the user's tree (under `source`) as they appear in a workspace
 * rooted at `target` (the same tree, or a worktree of it). A location that contains the
 * workspace itself is dropped: protecting it would refuse everything, and the wiring protects
 * the state files one by one in that case.
 */
function protectedInside(source: string, target: string, paths: readonly string[] = []): string[] {
  const inside: string[] = [];
  for (const path of paths) {
    if (!isInside(source, path) || isInside(path, source)) continue;
    inside.push(join(target, relative(source, path)));
  }
  return inside;
}
