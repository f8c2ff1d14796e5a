import type { WhaleflowConfig } from '../../config/index.js';
import type { EngineEnvironment, LeafRunner, ModelGateway, PermissionGrant } from '../../engine/index.js';
import type { SqliteTraceStore } from '../../trace/index.js';
import type { LearningStore } from '../learning-store.js';
import type { RepositoryState } from '../repository-state.js';
import type { TeacherModel } from '../teacher/teacher-review.js';

/** Ports for the live part of a learning run (a student replay, a task's baseline run). */
export interface LivePorts {
  readonly leafRunner: LeafRunner;
  readonly gateway: ModelGateway;
  /** Calls that reached a model provider so far (below the memo): what was paid. */
  readonly providerCalls: () => number;
  close(): Promise<void>;
}

/** A scratch checkout of HEAD where learning's live leaves work, never the user's tree. */
export interface ScratchWorkspace {
  readonly path: string;
  release(): Promise<void>;
}

/**
 * What the learning loop needs from the outside world, put together by the CLI (the composition
 * root for commands): the project's trace and learning store, the configuration, the repository,
 * and factories for live ports and scratch workspaces. Clock and randomness are injected here.
 */
export interface LearningRuntime {
  readonly trace: SqliteTraceStore;
  readonly store: LearningStore;
  readonly config: WhaleflowConfig;
  readonly repository: RepositoryState;
  readonly cwd: string;
  readonly environment: EngineEnvironment;
  /** What live leaves of learning runs may do: write their scratch workspace, run declared commands, no network. */
  readonly grant: PermissionGrant;
  /** Ports whose leaves work in `workspace`; `routeAsRole` routes every call as that role (the student). */
  openPorts(options: { readonly workspace: string; readonly runId: string; readonly routeAsRole?: string }): Promise<LivePorts>;
  openWorkspace(runId: string): Promise<ScratchWorkspace>;
  /** The teacher's model, when there is one (`undefined`: deterministic proposals only). */
  readonly teacher: TeacherModel | undefined;
}
