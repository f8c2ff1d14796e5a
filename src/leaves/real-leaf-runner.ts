import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EffectArtifact, EffectResult, LeafRunContext, LeafRunInput, LeafRunner } from '../engine/index.js';
import { assertNever, describeError } from '../util/index.js';
import { AgentLeafRunner } from './agent/index.js';
import { CommandLeafRunner } from './command/index.js';
import { realLeafKind, type RealLeafKind } from './leaf-kind.js';
import type { LeafRouteResolver } from './leaf-model.js';
import { failedLeaf, withArtifacts } from './leaf-result.js';
import { LeafStoppedError } from './leaf-stopped-error.js';
import type { SandboxMode } from './sandbox/index.js';
import { SearchLeafRunner, type SearchEngineChoice } from './search/index.js';
import type { WorkspaceLeafRunner } from './workspace-leaf-runner.js';
import { openWorkspace, WorkspaceError, type Workspace, type WorkspaceOutcome } from './workspace/index.js';
import type { ModelClient } from '../providers/index.js';

export interface RealLeafRunnerOptions {
  /** The user's working directory: shared leaves work in it, worktrees are made from its repository. */
  readonly cwd: string;
  /** The environment commands inherit from (filtered before use). */
  readonly env: NodeJS.ProcessEnv;
  readonly modelClient: ModelClient;
  readonly routeFor: LeafRouteResolver;
  /** Clock of budget deadlines (the engine's injected clock); default Date.now. */
  readonly now?: () => number;
  /** Keep worktrees after their leaf (for debugging); default false. */
  readonly keepWorktrees?: boolean;
  readonly searchEngine?: SearchEngineChoice;
  readonly defaultMaxSteps?: number;
  /**
   * WhaleFlow's state wherever the user put it (the trace's directory, configuration files):
   * no leaf's tools or commands may reach it. `.git`, `.whaleflow` and `whaleflow.config.yaml`
   * are protected by name in every workspace regardless.
   */
  readonly protectedPaths?: readonly string[];
  /**
   * How leaf commands are confined: `bubblewrap` (the default; commands are refused when bwrap
   * cannot be used) or `none`, which only an explicit --no-sandbox may choose.
   */
  readonly sandbox?: SandboxMode;
  /** Ignored folders of the user's tree linked into every worktree (`worktrees.link`); default none. */
  readonly worktreeLinks?: readonly string[];
}

/**
 * Runs leaves for real: opens the leaf's workspace (its own git worktree under `isolation:
 * worktree`), dispatches by leaf kind, and attaches the worktree's diff as a `diff` artifact,
 * also when the leaf failed, threw or was cancelled (losing branches keep their fruit).
 */
export class RealLeafRunner implements LeafRunner {
  private readonly runners: Readonly<Record<RealLeafKind, WorkspaceLeafRunner>>;

  constructor(private readonly options: RealLeafRunnerOptions) {
    const shared = { modelClient: options.modelClient, routeFor: options.routeFor };
    const sandbox = { mode: options.sandbox ?? 'bubblewrap', protectedPaths: options.protectedPaths ?? [] } as const;
    this.runners = {
      command: new CommandLeafRunner({ env: options.env, now: options.now, sandbox }),
      search: new SearchLeafRunner({ ...shared, engine: options.searchEngine }),
      agent: new AgentLeafRunner({ ...shared, env: options.env, now: options.now, defaultMaxSteps: options.defaultMaxSteps, sandbox }),
    };
  }

  async run(input: LeafRunInput, context: LeafRunContext): Promise<EffectResult> {
    const kind = realLeafKind(input.leaf);
    let workspace: Workspace;
    try {
      workspace = await openWorkspace({
        cwd: this.options.cwd,
        isolation: input.permissions.isolation,
        runId: input.runId,
        leafId: input.leaf.id,
        keepWorktree: this.options.keepWorktrees,
        protectedPaths: this.options.protectedPaths,
        links: this.options.worktreeLinks ?? [],
        writer: input.permissions.allowWrite,
        ...(input.baseDiffs ? { baseDiffs: input.baseDiffs } : {}),
      });
    } catch (error) {
      if (error instanceof WorkspaceError) return failedLeaf({ output: null, error: error.message });
      throw error;
    }
    if (workspace.isolation === 'worktree') context.activity(`worktree ${workspace.root}`);
    let result: EffectResult;
    try {
      result = await this.runnerFor(kind).run(input, context, workspace);
    } catch (error) {
      return this.settleThrown(input, context, workspace, error);
    }
    return withArtifacts(result, diffArtifacts(input.leaf.id, await workspace.close()));
  }

  /**
   * The leaf threw: its worktree's diff is still its fruit, captured before the worktree goes.
   * A cancelled leaf that changed something (the engine has stopped waiting) saves the diff
   * beside the worktree and rethrows it in a LeafStoppedError; any other throw becomes a failed result carrying the
   * diff, recorded like any other effect.
   */
  private async settleThrown(input: LeafRunInput, context: LeafRunContext, workspace: Workspace, error: unknown): Promise<EffectResult> {
    let closed: WorkspaceOutcome;
    try {
      closed = await workspace.close();
    } catch {
      throw error; // the leaf's own error says more than a failed cleanup
    }
    const artifacts = diffArtifacts(input.leaf.id, closed);
    if (context.signal.aborted) {
      // Nothing changed (or a shared workspace): the cancel propagates as it came.
      if (!closed.diff || !closed.worktreePath) throw error;
      throw new LeafStoppedError(input.leaf.id, artifacts, await saveStoppedDiff(closed.worktreePath, closed.diff), { cause: error });
    }
    return failedLeaf({ output: null, error: `the leaf stopped: ${describeError(error)}`, artifacts });
  }

  private runnerFor(kind: RealLeafKind): WorkspaceLeafRunner {
    switch (kind) {
      case 'command':
      case 'search':
      case 'agent':
        return this.runners[kind];
      default:
        return assertNever(kind, 'leaf kind');
    }
  }
}

function diffArtifacts(leafId: string, outcome: WorkspaceOutcome): EffectArtifact[] {
  if (!outcome.diff) return [];
  return [{ kind: 'diff', name: `${leafId}.diff`, content: outcome.diff }];
}

/** `<worktree>.stopped.diff`, next to where the worktree was (`.whaleflow/worktrees/<run>/`), so `git apply` can bring it back. */
async function saveStoppedDiff(worktreePath: string, diff: string): Promise<string> {
  const path = `${worktreePath}.stopped.diff`;
  await mkdir(dirname(path), { recursive: true }); // removing the worktree may have removed its empty run directory
  await writeFile(path, diff);
  return path;
}
