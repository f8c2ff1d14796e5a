/**
 * How leaf commands are confined. `bubblewrap` (the default) runs every command under bwrap;
 * `none` runs them as ordinary processes, only when the user said `--no-sandbox`. There is no
 * third, silent mode: without bwrap and without `--no-sandbox`, commands are refused.
 */
export type SandboxMode = 'bubblewrap' | 'none';

/** What one command may touch: set from the leaf's workspace and its effective permissions. */
export interface CommandConfinement {
  /** The command's working directory (the leaf's workspace root). */
  readonly workspaceRoot: string;
  /** The directory the command may write (its worktree, or the tree under --allow-write-tree); undefined: nothing but /tmp. */
  readonly writableRoot?: string;
  /** Directories that must stay visible read-only even when they sit under /tmp (the repository the workspace belongs to). */
  readonly readableRoots: readonly string[];
  /** The leaf was granted the network. */
  readonly network: boolean;
  /** Absolute paths that must be invisible: WhaleFlow's state, the configuration, credential stores. */
  readonly hiddenPaths: readonly string[];
}
