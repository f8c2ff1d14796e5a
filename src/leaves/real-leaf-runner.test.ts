import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MockModelClient, type ModelCallOptions, type ModelClient, type ModelRequest, type ModelResponse, type ModelStreamEvent } from '../providers/index.js';
import { LeafStoppedError } from './leaf-stopped-error.js';
import { RealLeafRunner } from './real-leaf-runner.js';
import { leafRunInput, leafSpec, READ_WRITE_WORKTREE, recordingContext, type RecordingContext } from './testing/leaf-run-fixtures.js';
import { tempGitRepository, type TempGitRepository } from './testing/temp-git-repository.js';
import { WORKTREES_DIRECTORY } from './workspace/index.js';

/** The first call writes notes.txt (scripted); the second one runs `secondCall` instead of answering. */
class InterruptingClient implements ModelClient {
  private calls = 0;
  private readonly mock = new MockModelClient({
    script: { rules: [{ match: { turn: 0 }, tool_calls: [{ name: 'write_file', arguments: { path: 'notes.txt', content: 'half done\n' } }] }] },
  });
  constructor(private readonly secondCall: () => never) {}
  generate(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse> {
    this.calls += 1;
    if (this.calls > 1) this.secondCall();
    return this.mock.generate(request, options);
  }
  stream(request: ModelRequest, options?: ModelCallOptions): AsyncIterable<ModelStreamEvent> {
    return this.mock.stream(request, options);
  }
}

describe('RealLeafRunner: a worktree leaf that throws or is cancelled keeps its diff', () => {
  let repository: TempGitRepository;
  beforeEach(() => {
    repository = tempGitRepository({ 'README.md': 'project\n' });
  });
  afterEach(() => repository.remove());

  const route = () => ({ route: { provider: 'mock', model: 'mock-default' } });
  const input = () => leafRunInput(leafSpec({ id: 'writer', prompt: 'write notes', mode: 'read_write', isolation: 'worktree' }), { permissions: READ_WRITE_WORKTREE, runId: 'run-x' });
  const worktreesOfRun = () => join(repository.root, WORKTREES_DIRECTORY, 'run-x');

  it('a leaf that throws fails with its diff as an artifact, and the worktree is removed', async () => {
    const client = new InterruptingClient(() => {
      throw new Error('a bug in a tool');
    });
    const runner = new RealLeafRunner({ cwd: repository.root, env: { PATH: process.env.PATH }, modelClient: client, routeFor: route });
    const result = await runner.run(input(), recordingContext());
    expect(result.status).toBe('failed');
    expect(result.error).toContain('a bug in a tool');
    expect(result.artifacts?.find((artifact) => artifact.kind === 'diff')?.content).toContain('+half done');
    expect(existsSync(join(worktreesOfRun(), 'writer'))).toBe(false);
  });

  it('a cancelled leaf rethrows as LeafStoppedError carrying its diff, saved beside the removed worktree', async () => {
    let context: RecordingContext | undefined;
    const client = new InterruptingClient(() => {
      context?.controller.abort({ type: 'user' });
      throw new Error('aborted');
    });
    context = recordingContext();
    const runner = new RealLeafRunner({ cwd: repository.root, env: { PATH: process.env.PATH }, modelClient: client, routeFor: route });
    const stopped = await runner.run(input(), context).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(stopped).toBeInstanceOf(LeafStoppedError);
    const error = stopped as LeafStoppedError;
    expect(error.artifacts.find((artifact) => artifact.kind === 'diff')?.content).toContain('+half done');
    expect(error.savedDiffPath).toBe(join(worktreesOfRun(), 'writer.stopped.diff'));
    expect(readFileSync(error.savedDiffPath!, 'utf8')).toContain('+half done');
    expect(readdirSync(worktreesOfRun())).toEqual(['writer.stopped.diff']);
    expect(error.message).toContain('aborted');
  });
});
