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
  /**
   * Commands the user granted explicitly (`--allow-command CMD`, exact text): any leaf may run
   * them, including leaves a model generated (an expansion, a generated plan), which may run no
   * other command than those their source declared.
   */
  readonly grantedCommands?: readonly string[];
  /**
   * Who declared the workflow's commands: `source` for a workflow the user wrote or chose; a
   * model-generated plan (`.plan.json`) is `granted-only`: its commands are model output, so
   * only those granted with --allow-command may run.
   */
  readonly commandAuthority?: 'source' | 'granted-only';
}

/** Writes only in isolated worktrees, no network, only the workflow's own declared commands. */
export const DEFAULT_PERMISSION_GRANT: PermissionGrant = {
  allowWrite: true,
  allowWriteTree: false,
  allowNetwork: false,
  allowedCommands: 'declared',
  grantedCommands: [],
  commandAuthority: 'source',
};

export interface GrantFlags {
  readonly readOnly?: boolean;
  readonly allowNetwork?: boolean;
  readonly allowWriteTree?: boolean;
  readonly allowedCommands?: readonly string[];
  /** `--allow-command`, repeatable. */
  readonly grantedCommands?: readonly string[];
  /** The workflow is a model-generated plan: only granted commands may run. */
  readonly generatedSource?: boolean;
}

export function grantFromFlags(flags: GrantFlags, base: PermissionGrant = DEFAULT_PERMISSION_GRANT): PermissionGrant {
  return {
    allowWrite: flags.readOnly ? false : base.allowWrite,
    allowWriteTree: flags.readOnly ? false : (flags.allowWriteTree ?? base.allowWriteTree),
    allowNetwork: flags.allowNetwork ?? base.allowNetwork,
    allowedCommands: flags.allowedCommands ?? base.allowedCommands,
    grantedCommands: [...(base.grantedCommands ?? []), ...(flags.grantedCommands ?? [])],
    commandAuthority: flags.generatedSource ? 'granted-only' : (base.commandAuthority ?? 'source'),
  };
}
