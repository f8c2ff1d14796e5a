/**
 * The user's ceiling for a run (configuration plus command-line flags). The workflow can only
 * narrow it; a run that needs more is refused before it starts, never silently downgraded.
 */
export interface PermissionGrant {
  /** Leaves may write at all (into isolated worktrees unless `allowWriteTree`). `--read-only` clears it. */
  readonly allowWrite: boolean;
  /** Leaves may write the user's own working tree (`--allow-write-tree`). */
  readonly allowWriteTree: boolean;
  readonly allowNetwork: boolean;
  /**
   * Commands test/shell leaves may run: `declared` allows exactly the commands the workflow's
   * own leaves declare (listed in the pre-flight), a list allows only those.
   */
  readonly allowedCommands: 'declared' | readonly string[];
}

/** Writes only in isolated worktrees, no network, only the workflow's own declared commands. */
export const DEFAULT_PERMISSION_GRANT: PermissionGrant = {
  allowWrite: true,
  allowWriteTree: false,
  allowNetwork: false,
  allowedCommands: 'declared',
};

export interface GrantFlags {
  readonly readOnly?: boolean;
  readonly allowNetwork?: boolean;
  readonly allowWriteTree?: boolean;
  readonly allowedCommands?: readonly string[];
}

export function grantFromFlags(flags: GrantFlags, base: PermissionGrant = DEFAULT_PERMISSION_GRANT): PermissionGrant {
  return {
    allowWrite: flags.readOnly ? false : base.allowWrite,
    allowWriteTree: flags.readOnly ? false : (flags.allowWriteTree ?? base.allowWriteTree),
    allowNetwork: flags.allowNetwork ?? base.allowNetwork,
    allowedCommands: flags.allowedCommands ?? base.allowedCommands,
  };
}
