import { execFile } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, resolveRoute, type WhaleflowConfig } from '../../config/index.js';
import { countLivePorts } from '../../runs/index.js';
import { grantFromFlags, systemEnvironment, type EngineEnvironment } from '../../engine/index.js';
import { EMPTY_MOCK_FIXTURE, loadMockFixture, MockLeafRunner, MockModelGateway, type MockFixture } from '../../leaves/mock/index.js';
import { LearningStore, openLearningDatabase, readRepositoryState, type LearningRuntime, type LivePorts, type ScratchWorkspace, type TeacherModel } from '../../learning/index.js';
import { MockModelClient } from '../../providers/index.js';
import { openProjectTrace } from '../../trace/index.js';
import { WhaleflowError } from '../../util/index.js';
import { createRuntime } from '../../wiring/index.js';
import { openRunMemoStore } from '../run/open-run-memo-store.js';
import type { RunProvider } from '../run/index.js';

const execFileAsync = promisify(execFile);

/** `whaleflow learn` while `learning.enabled` is off. */
export class LearningDisabledError extends WhaleflowError {
  override readonly name = 'LearningDisabledError';
  constructor(file: string | undefined) {
    super(`learning is off${file ? ` in ${file}` : ' (no configuration file)'}: set \`learning: {enabled: true}\` in whaleflow.config.yaml to use \`whaleflow learn\` (see docs/learning.md)`);
  }
}

export interface LearningRuntimeOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly provider: RunProvider;
  readonly fixturesPath?: string;
  readonly db?: string;
  readonly environment?: EngineEnvironment;
  /** Commands that only read lessons and the overlay work with learning off too. */
  readonly requireEnabled?: boolean;
}

export interface OpenedLearningRuntime extends LearningRuntime {
  close(): void;
}

/**
 * The composition root of the learning commands: the project's trace and learning store, the
 * configuration, the repository, live ports for student replays (model calls routed as the
 * `student` role, the mock unless the configuration names a student route) and scratch
 * checkouts of HEAD for their leaves, and the teacher's model.
 */
export async function openLearningRuntime(options: LearningRuntimeOptions): Promise<OpenedLearningRuntime> {
  const config = loadConfig({ cwd: options.cwd, env: options.env });
  if (options.requireEnabled !== false && !config.learning.enabled) throw new LearningDisabledError(config.sourceFile);
  const fixture = options.fixturesPath ? await loadMockFixture(resolve(options.cwd, options.fixturesPath), options.fixturesPath) : undefined;
  const trace = openProjectTrace({ cwd: options.cwd, env: options.env, databasePath: options.db, mustExist: true });
  const environment = options.environment ?? systemEnvironment();
  let store: LearningStore;
  try {
    store = new LearningStore(openLearningDatabase(trace.path), environment.now);
  } catch (error) {
    trace.close();
    throw error;
  }
  const repository = await readRepositoryState(options.cwd);
  return {
    trace,
    store,
    config,
    repository,
    cwd: options.cwd,
    environment,
    grant: grantFromFlags({ allowWriteTree: true }),
    openPorts: (request) => openPorts(options, config, fixture, environment, request),
    openWorkspace: (runId) => (options.provider === 'mock' ? Promise.resolve({ path: options.cwd, release: async () => undefined }) : openScratchCheckout(options.cwd, runId)),
    teacher: teacherModel(options, config, fixture),
    close: () => {
      store.close();
      trace.close();
    },
  };
}

async function openPorts(
  options: LearningRuntimeOptions,
  config: WhaleflowConfig,
  fixture: MockFixture | undefined,
  environment: EngineEnvironment,
  request: { readonly workspace: string; readonly runId: string; readonly routeAsRole?: string },
): Promise<LivePorts> {
  if (options.provider === 'mock') {
    const counted = countLivePorts(new MockLeafRunner(environment, fixture ?? EMPTY_MOCK_FIXTURE), new MockModelGateway(environment, fixture ?? EMPTY_MOCK_FIXTURE));
    return { leafRunner: counted.leafRunner, gateway: counted.gateway, providerCalls: () => counted.counts.leafRuns + counted.counts.gatewayCalls, close: async () => undefined };
  }
  // The student routes to the mock unless the configuration names a `student` role.
  const studentOnMock = request.routeAsRole === 'student' && !config.roles.has('student');
  const memoStore = openRunMemoStore({ cwd: options.cwd, env: options.env, memo: config.memo });
  const runtime = createRuntime({
    cwd: request.workspace,
    env: options.env,
    config,
    provider: options.provider === 'mock-model' || studentOnMock ? 'mock' : 'config',
    environment,
    runId: request.runId,
    ...(memoStore ? { memoStore } : {}),
    ...(fixture?.model ? { fixtures: { modelScript: fixture.model } } : {}),
    ...(request.routeAsRole !== undefined && !studentOnMock ? { routeAsRole: request.routeAsRole } : {}),
  });
  return { leafRunner: runtime.leafRunner, gateway: runtime.gateway, providerCalls: runtime.providerCalls, close: async () => memoStore?.close() };
}

function teacherModel(options: LearningRuntimeOptions, config: WhaleflowConfig, fixture: MockFixture | undefined): TeacherModel | undefined {
  if (options.provider === 'mock') {
    // The pure mock has a teacher only when the fixture scripts one (its `model:` section).
    return fixture?.model ? { client: new MockModelClient({ script: fixture.model }), route: { provider: 'mock', model: 'mock-default' } } : undefined;
  }
  const runtime = createRuntime({ cwd: options.cwd, env: options.env, config, provider: options.provider === 'mock-model' ? 'mock' : 'config', ...(fixture?.model ? { fixtures: { modelScript: fixture.model } } : {}) });
  const route = resolveRoute(runtime.routingConfig, { role: 'teacher' });
  return runtime.modelClient ? { client: runtime.modelClient, route: { provider: route.provider, model: route.model } } : undefined;
}

/**
 * A detached checkout of HEAD in the system's temp directory, registered as a git worktree and
 * removed afterwards: learning's live leaves never touch the user's tree, index or branch.
 */
async function openScratchCheckout(cwd: string, runId: string): Promise<ScratchWorkspace> {
  let root: string;
  try {
    root = (await execFileAsync('git', ['rev-parse', '--show-toplevel'], { cwd })).stdout.trim();
  } catch {
    throw new WhaleflowError(`learning replays run their live leaves in a scratch checkout of HEAD, and "${cwd}" is not in a git repository`);
  }
  const parent = await mkdtemp(join(tmpdir(), 'whaleflow-student-'));
  const path = join(parent, runId.replace(/[^A-Za-z0-9._-]/g, '_'));
  await execFileAsync('git', ['worktree', 'add', '--detach', '--quiet', path, 'HEAD'], { cwd: root, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  const subdirectory = relative(await realpath(root), await realpath(cwd));
  return {
    path: join(path, subdirectory),
    release: async () => {
      await execFileAsync('git', ['worktree', 'remove', '--force', path], { cwd: root }).catch(() => undefined);
      await rm(parent, { recursive: true, force: true });
    },
  };
}
