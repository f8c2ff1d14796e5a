import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EffectResult, LeafRunInput } from '../../engine/index.js';
import { MockModelClient } from '../../providers/index.js';
import { RealLeafRunner } from '../real-leaf-runner.js';
import { bubblewrapForTests } from '../testing/require-bubblewrap.js';
import { leafRunInput, leafSpec, READ_WRITE_WORKTREE, recordingContext } from '../testing/leaf-run-fixtures.js';
import { tempGitRepository, type TempGitRepository } from '../testing/temp-git-repository.js';

const sandboxed = bubblewrapForTests();

/** A change to greeting.txt, as a leaf's recorded diff (made with git in a scratch worktree of the same repository). */
function greetingDiff(repository: TempGitRepository, text: string): string {
  repository.write('greeting.txt', text);
  const diff = repository.git('diff', '--binary');
  repository.git('checkout', '--', 'greeting.txt');
  return diff;
}

describe('worktrees get the dependencies and the changes they need', () => {
  let repository: TempGitRepository;
  let runner: RealLeafRunner;
  beforeEach(() => {
    repository = tempGitRepository({ '.gitignore': 'node_modules/\n', 'greeting.txt': 'hello\n', 'vendor/tracked.txt': 'tracked\n' });
    repository.write('node_modules/dep/index.js', 'module.exports = 42;\n'); // ignored: a checkout from HEAD lacks it
    repository.write('build/out.txt', 'not ignored\n'); // neither ignored nor tracked
    runner = new RealLeafRunner({
      cwd: repository.root,
      env: { PATH: process.env.PATH },
      modelClient: new MockModelClient(),
      routeFor: () => ({ route: { provider: 'mock', model: 'mock-default' } }),
      worktreeLinks: ['node_modules', 'vendor', 'build', '../outside', '.git'],
    });
  });
  afterEach(() => repository.remove());

  const commandLeaf = (id: string, command: string, options: { write?: boolean; baseDiffs?: LeafRunInput['baseDiffs'] } = {}): LeafRunInput => ({
    ...leafRunInput(leafSpec({ id, prompt: `Run test command: ${command}`, agent_type: 'verifier', command, isolation: 'worktree', mode: options.write ? 'read_write' : 'read_only' }), {
      permissions: { ...READ_WRITE_WORKTREE, allowWrite: options.write ?? false, allowedCommands: [command] },
    }),
    ...(options.baseDiffs ? { baseDiffs: options.baseDiffs } : {}),
  });
  const diffOf = (result: EffectResult): string | undefined => result.artifacts?.find((artifact) => artifact.kind === 'diff')?.content;

  it.skipIf(!sandboxed)('links the ignored node_modules into the worktree: a command reads it, cannot write it, and the diff leaves the link out', async () => {
    const command = 'cat node_modules/dep/index.js; ls vendor build 2>&1; test -L vendor && echo vendor-linked; echo more > node_modules/dep/new.txt; echo made > made.txt';
    const result = await runner.run(commandLeaf('uses-deps', command, { write: true }), recordingContext());
    const stdout = result.artifacts?.find((artifact) => artifact.name === 'stdout.txt')?.content ?? String(result.output);
    expect(stdout).toContain('module.exports = 42;');
    expect(stdout).toContain('tracked.txt'); // the tracked folder is the checkout's own, not a link
    expect(stdout).not.toContain('vendor-linked');
    expect(String(result.output)).toMatch(/build.*No such file or directory/s); // not ignored: not linked
    expect(String(result.output)).toMatch(/node_modules\/dep\/new.txt: Read-only file system/);
    expect(existsSync(join(repository.root, 'node_modules/dep/new.txt'))).toBe(false);
    const diff = diffOf(result) ?? '';
    expect(diff).toContain('+++ b/made.txt');
    expect(diff).not.toContain('node_modules');
    expect(lstatSync(join(repository.root, 'node_modules')).isDirectory()).toBe(true);
    expect(repository.git('status', '--porcelain')).toBe('?? build/\n');
  });

  it.skipIf(!sandboxed)('starts from the diffs it depends on: a test sees the change, records no diff of its own, and a writer records the whole change', async () => {
    const change = greetingDiff(repository, 'hello, world\n');
    const test = await runner.run(commandLeaf('tests-change', 'grep -q "hello, world" greeting.txt', { baseDiffs: [{ leafId: 'writer', diff: change }] }), recordingContext());
    expect(test.status).toBe('succeeded');
    expect(test.data).toMatchObject({ exit_code: 0 });
    expect(diffOf(test)).toBeUndefined();

    const continued = await runner.run(commandLeaf('continues', 'echo again >> greeting.txt', { write: true, baseDiffs: [{ leafId: 'writer', diff: change }] }), recordingContext());
    const whole = diffOf(continued) ?? '';
    expect(whole).toContain('+hello, world');
    expect(whole).toContain('+again');
    expect(readFileSync(join(repository.root, 'greeting.txt'), 'utf8')).toBe('hello\n');
  });

  it('fails a leaf whose starting diff does not apply, naming the leaf that made it, and leaves no worktree behind', async () => {
    const stale = greetingDiff(repository, 'hello, world\n').replace('-hello', '-goodbye');
    const result = await runner.run(commandLeaf('tests-stale', 'true', { baseDiffs: [{ leafId: 'old-writer', diff: stale }] }), recordingContext());
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/cannot start from the change of "old-writer" \(its diff does not apply to HEAD\)/);
    expect(repository.git('worktree', 'list')).not.toContain('worktrees');
  });
});
