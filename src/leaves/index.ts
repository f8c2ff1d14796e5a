// Real leaves: the agent tool loop, test/shell commands and search, each in its workspace.
// The engine's deterministic mock leaf runner lives in ./mock and is exported from there.
export { RealLeafRunner, type RealLeafRunnerOptions } from './real-leaf-runner.js';
export { LeafStoppedError } from './leaf-stopped-error.js';
export { realLeafKind, type RealLeafKind } from './leaf-kind.js';
export type { WorkspaceLeafRunner } from './workspace-leaf-runner.js';
export { detectBubblewrap, bubblewrapArguments, confineCommand, SandboxUnavailableError, SANDBOX_REMEDY, type SandboxMode, type CommandConfinement, type BubblewrapProbe } from './sandbox/index.js';
export { callLeafModel, providerFailureOf, type LeafRoute, type LeafRouteResolver, type PaidCall } from './leaf-model.js';
export { AgentLeafRunner, agentSystemPrompt, agentFirstMessage, selectTools, ToolError, type AgentLeafRunnerOptions, type AgentLeafData } from './agent/index.js';
export { CommandLeafRunner, runProcess, runLeafCommand, commandEnvironment, isCommandAllowed, type CommandSandboxSettings, type CommandLeafRunnerOptions, type CommandLeafData } from './command/index.js';
export { SearchLeafRunner, searchFiles, isRipgrepInstalled, type SearchEngineChoice, type SearchLeafRunnerOptions } from './search/index.js';
export {
  openWorkspace,
  applyDiff,
  WORKTREE_BASE_NOTICE,
  WORKTREES_DIRECTORY,
  safeSegment,
  removeRunWorktrees,
  runGit,
  gitTopLevel,
  resolveWorkspacePath,
  PathOutsideWorkspaceError,
  WorkspaceError,
  DiffDoesNotApplyError,
  type Workspace,
  type WorkspaceOutcome,
  type ApplyDiffOptions,
  type ApplyDiffOutcome,
} from './workspace/index.js';
