import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RealLeafRunner } from '../real-leaf-runner.js';
import { leafRunInput, leafSpec, recordingContext } from '../testing/leaf-run-fixtures.js';
import { tempGitRepository, type TempGitRepository } from '../testing/temp-git-repository.js';
import { MockModelClient } from '../../providers/index.js';
import type { CommandLeafData } from './command-leaf-runner.js';
import { commandEnvironment } from './command-environment.js';
import { isCommandAllowed } from '../../util/index.js';

describe('test and shell leaves', () => {
  let repository: TempGitRepository;
  let runner: RealLeafRunner;
  beforeEach(() => {
    repository = tempGitRepository({ 'check.sh': 'echo checking; echo oops >&2; exit "${1:-0}"\n' });
    runner = new RealLeafRunner({
      cwd: repository.root,
      env: { PATH: process.env.PATH, OPENAI_API_KEY: 'sk-secret', HTTPS_PROXY: 'http://proxy.invalid' },
      modelClient: new MockModelClient(),
      routeFor: () => ({ route: { provider: 'mock', model: 'm' } }),
    });
  });
  afterEach(() => repository.remove());

  const testLeaf = (command: string, expectExit?: number) =>
    leafRunInput(leafSpec({ id: 'test', prompt: `Run test command: ${command}`, agent_type: 'verifier', command, ...(expectExit !== undefined ? { expect_exit: expectExit } : {}) }), {
      permissions: { allowedCommands: [command] },
    });

  it('passes on exit code 0 and captures stdout and stderr in the output and as artifacts', async () => {
    const context = recordingContext();
    const result = await runner.run(testLeaf('sh check.sh 0'), context);
    expect(result.status).toBe('succeeded');
    expect(result.data).toEqual({ exit_code: 0, exitCode: 0, expected: 0, passed: true, timedOut: false } satisfies CommandLeafData);
    expect(result.output).toContain('checking');
    expect(result.output).toContain('--- stderr ---\noops');
    expect(result.artifacts?.map((artifact) => [artifact.kind, artifact.content])).toEqual([
      ['stdout', 'checking\n'],
      ['stderr', 'oops\n'],
    ]);
    expect(context.activities).toEqual(['$ sh check.sh 0']);
  });

  it('fails on another exit code, and passes when that code is the expected one', async () => {
    const failed = await runner.run(testLeaf('sh check.sh 3'), recordingContext());
    expect(failed).toMatchObject({ status: 'failed', error: '"sh check.sh 3" exited with 3 (expected 0)', data: { exit_code: 3, passed: false } });
    const expected = await runner.run(testLeaf('sh check.sh 3', 3), recordingContext());
    expect(expected).toMatchObject({ status: 'succeeded', data: { exit_code: 3, passed: true } });
  });

  it('kills a command (its whole process group) that outlives the leaf deadline', async () => {
    const input = { ...testLeaf('sleep 30 & sleep 30; wait'), budget: { deadline: Date.now() + 300 } };
    const result = await runner.run(input, recordingContext());
    expect(result).toMatchObject({ status: 'failed', data: { timedOut: true, exit_code: 124, passed: false } });
    expect(result.error).toMatch(/timed out after \d+ ms and was killed/);
  });

  it('refuses a command that is not allowed', async () => {
    const input = leafRunInput(leafSpec({ id: 't', prompt: 'x', agent_type: 'verifier', command: 'rm -rf /' }), { permissions: { allowedCommands: [] } });
    expect(await runner.run(input, recordingContext())).toMatchObject({ status: 'failed', error: 'command "rm -rf /" is not among the allowed commands' });
  });

  it('passes no credentials and no proxy without network permission', async () => {
    const command = 'env';
    const result = await runner.run(testLeaf(command), recordingContext());
    const stdout = result.artifacts?.find((artifact) => artifact.kind === 'stdout')?.content ?? '';
    expect(stdout).not.toContain('sk-secret');
    expect(stdout).not.toContain('proxy.invalid');
    expect(stdout).toContain('WHALEFLOW_NO_NETWORK=1');
    expect(commandEnvironment({ HTTPS_PROXY: 'p', GITHUB_TOKEN: 't' }, true)).toMatchObject({ HTTPS_PROXY: 'p' });
    expect(commandEnvironment({ GITHUB_TOKEN: 't', PATH: '/bin' }, true).GITHUB_TOKEN).toBeUndefined();
  });

  it('is cancelled by the signal', async () => {
    const context = recordingContext();
    const running = runner.run(testLeaf('sleep 30'), context);
    setTimeout(() => context.controller.abort(new Error('cancelled by user')), 50);
    await expect(running).rejects.toThrow('cancelled by user');
  });
});

describe('isCommandAllowed', () => {
  it('allows exact commands and documented prefixes without shell operators', () => {
    expect(isCommandAllowed('npm test', ['npm test'])).toBe(true);
    expect(isCommandAllowed('  npm test ', ['npm test'])).toBe(true);
    expect(isCommandAllowed('npm test -- a', ['npm test'])).toBe(false);
    expect(isCommandAllowed('npm test -- a.test.ts', ['npm test *'])).toBe(true);
    expect(isCommandAllowed('npm test', ['npm test *'])).toBe(true);
    expect(isCommandAllowed('npm testx', ['npm test *'])).toBe(false);
    for (const sneaky of ['npm test; rm -rf ~', 'npm test && curl x', 'npm test | sh', 'npm test $(id)', 'npm test `id`', 'npm test > /etc/x']) {
      expect(isCommandAllowed(sneaky, ['npm test *'])).toBe(false);
    }
  });
});
