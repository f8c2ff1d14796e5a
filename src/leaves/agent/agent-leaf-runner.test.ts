import { readFileSync, symlinkSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryMemoStore, memoKey, MemoizingModelClient } from '../../memo/index.js';
import { MockModelClient, type MockScriptInput, type ModelCallOptions, type ModelClient, type ModelRequest, type ToolResultMessage } from '../../providers/index.js';
import { RealLeafRunner } from '../real-leaf-runner.js';
import { leafRunInput, leafSpec, READ_WRITE_WORKTREE, recordingContext } from '../testing/leaf-run-fixtures.js';
import { tempGitRepository, type TempGitRepository } from '../testing/temp-git-repository.js';
import type { AgentLeafData } from './agent-leaf-runner.js';

const route = { route: { provider: 'mock', model: 'mock-default' }, prices: { inputCacheMiss: 1, inputCacheHit: 0, output: 2 } };

/** Records every request that reaches it, so tests can compare exact request bytes. */
class RecordingClient implements ModelClient {
  readonly requests: ModelRequest[] = [];
  constructor(private readonly inner: ModelClient) {}
  generate(request: ModelRequest, options?: ModelCallOptions) {
    this.requests.push(request);
    return this.inner.generate(request, options);
  }
  stream(request: ModelRequest, options?: ModelCallOptions) {
    this.requests.push(request);
    return this.inner.stream(request, options);
  }
}

function setUp(repository: TempGitRepository, script: MockScriptInput) {
  const mock = new MockModelClient({ script });
  const memo = new MemoizingModelClient(mock, { store: new InMemoryMemoStore() });
  const client = new RecordingClient(memo);
  const runner = new RealLeafRunner({ cwd: repository.root, env: { PATH: process.env.PATH }, modelClient: client, routeFor: () => route });
  return { mock, memo, client, runner };
}

function toolMessages(request: ModelRequest): string[] {
  return request.messages.filter((message): message is ToolResultMessage => message.role === 'tool').map((message) => message.content);
}

describe('agent leaf', () => {
  let repository: TempGitRepository;
  beforeEach(() => {
    repository = tempGitRepository({ 'a.txt': 'one\ntwo\n', 'src/b.ts': 'export const b = 1;\n' });
  });
  afterEach(() => repository.remove());

  it('edits files in its own worktree, reports activity and spend, and returns the diff; the user tree is untouched', async () => {
    const { runner, client } = setUp(repository, {
      rules: [
        {
          match: { leaf: 'impl', turn: 0 },
          tool_calls: [
            { name: 'read_file', arguments: { path: 'a.txt' } },
            { name: 'edit_file', arguments: { path: 'a.txt', old_text: 'two', new_text: 'TWO' } },
            { name: 'write_file', arguments: { path: 'src/new.ts', content: 'export const n = 2;\n' } },
          ],
        },
        { match: { leaf: 'impl', turn: 1 }, tool_calls: [{ name: 'finish', arguments: { summary: 'capitalised two', status: 'succeeded' } }] },
      ],
    });
    const context = recordingContext();
    const result = await runner.run(leafRunInput(leafSpec({ id: 'impl', prompt: 'Capitalise two', mode: 'read_write' }), { permissions: READ_WRITE_WORKTREE }), context);
    expect(result.status).toBe('succeeded');
    expect(result.output).toBe('capitalised two');
    expect(result.data).toMatchObject({ finished: true, status: 'succeeded', steps: 2, toolCalls: 4, toolErrors: 0 } satisfies Partial<AgentLeafData>);
    const diff = result.artifacts?.find((artifact) => artifact.kind === 'diff');
    expect(diff?.name).toBe('impl.diff');
    expect(diff?.content).toContain('+TWO');
    expect(diff?.content).toContain('+export const n = 2;');
    expect(toolMessages(client.requests[1]!)[0]).toBe('1\tone\n2\ttwo');
    expect(context.activities).toEqual(expect.arrayContaining(['read_file a.txt', 'edit_file a.txt', 'write_file src/new.ts', 'finish']));
    expect(context.spends).toHaveLength(2);
    expect(context.spends.every((spend) => spend.steps === 1 && spend.inputTokens > 0)).toBe(true);
    expect(result.usage.cost_microusd).toBeGreaterThan(0);
    expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(repository.git('status', '--porcelain')).toBe('');
  });

  it('offers a read-only leaf no write, edit or run tools, and answers a write call anyway with a tool error', async () => {
    const { runner, client } = setUp(repository, {
      rules: [
        { match: { leaf: 'look', turn: 0 }, tool_calls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'hacked' } }] },
        { match: { leaf: 'look', turn: 1 }, tool_calls: [{ name: 'finish', arguments: { summary: 'could not write', status: 'succeeded' } }] },
      ],
    });
    const input = leafRunInput(leafSpec({ id: 'look', prompt: 'Look around', command: 'true' }), { permissions: { allowedCommands: ['true'] } });
    const result = await runner.run(input, recordingContext());
    expect(client.requests[0]!.tools?.map((tool) => tool.name)).toEqual(['list_files', 'read_file', 'grep', 'finish']);
    expect(toolMessages(client.requests[1]!)[0]).toMatch(/^error: tool "write_file" is not available/);
    expect(result.data).toMatchObject({ toolErrors: 1 });
    expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('one\ntwo\n');
  });

  it('refuses reads and writes that escape the workspace or the file scope', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'wf-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(join(outside, 'secret.txt'), join(repository.root, 'link'));
    repository.git('add', 'link');
    repository.git('-c', 'user.name=t', '-c', 'user.email=t@e.invalid', 'commit', '-q', '--no-gpg-sign', '-m', 'link');
    try {
      const { runner, client } = setUp(repository, {
        rules: [
          {
            match: { leaf: 'esc', turn: 0 },
            tool_calls: [
              { name: 'read_file', arguments: { path: '../x' } },
              { name: 'read_file', arguments: { path: '/etc/passwd' } },
              { name: 'read_file', arguments: { path: 'link' } },
              { name: 'write_file', arguments: { path: 'link', content: 'overwritten' } },
              { name: 'list_files', arguments: { path: '..' } },
              { name: 'write_file', arguments: { path: 'a.txt', content: 'outside the file scope' } },
              { name: 'grep', arguments: { pattern: 'secret' } },
            ],
          },
          { match: { leaf: 'esc', turn: 1 }, tool_calls: [{ name: 'finish', arguments: { summary: 'tried', status: 'succeeded' } }] },
        ],
      });
      const input = leafRunInput(leafSpec({ id: 'esc', prompt: 'Escape', mode: 'read_write' }), { permissions: { ...READ_WRITE_WORKTREE, fileScope: ['src/**', 'link'] } });
      const result = await runner.run(input, recordingContext());
      const messages = toolMessages(client.requests[1]!);
      expect(messages.slice(0, 5).every((message) => /^error: path ".*" resolves outside the workspace/.test(message))).toBe(true);
      expect(messages[5]).toMatch(/outside the leaf's file_scope/);
      expect(messages[6]).toBe('(no matches)');
      expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
      expect(result.artifacts?.some((artifact) => artifact.kind === 'diff')).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('edit_file replaces exactly one occurrence and errors when the old text is missing or ambiguous', async () => {
    const { runner, client } = setUp(repository, {
      rules: [
        {
          match: { leaf: 'edit', turn: 0 },
          tool_calls: [
            { name: 'edit_file', arguments: { path: 'a.txt', old_text: 'three', new_text: 'x' } },
            { name: 'edit_file', arguments: { path: 'a.txt', old_text: 'o', new_text: 'x' } },
            { name: 'edit_file', arguments: { path: 'a.txt', old_text: 'one\n', new_text: 'ONE\n' } },
            { name: 'edit_file', arguments: { path: 'missing.txt', old_text: 'a', new_text: 'b' } },
          ],
        },
        { match: { leaf: 'edit', turn: 1 }, tool_calls: [{ name: 'finish', arguments: { summary: 'edited', status: 'succeeded' } }] },
      ],
    });
    const result = await runner.run(leafRunInput(leafSpec({ id: 'edit', prompt: 'Edit', mode: 'read_write' }), { permissions: READ_WRITE_WORKTREE }), recordingContext());
    const messages = toolMessages(client.requests[1]!);
    expect(messages[0]).toMatch(/old_text was not found in a.txt/);
    expect(messages[1]).toMatch(/old_text occurs 2 times in a.txt/);
    expect(messages[2]).toBe('edited a.txt');
    expect(messages[3]).toMatch(/cannot read "missing.txt"/);
    const diff = result.artifacts?.find((artifact) => artifact.kind === 'diff')?.content ?? '';
    expect(diff).toContain('-one\n+ONE\n');
    expect(diff).not.toContain('+x');
  });

  it('stops with a clear partial result when the step budget is exhausted', async () => {
    const { runner, mock } = setUp(repository, { rules: [{ match: { leaf: 'busy' }, tool_calls: [{ name: 'list_files', arguments: {} }], text: 'still looking' }] });
    const result = await runner.run(leafRunInput(leafSpec({ id: 'busy', prompt: 'Loop forever' }), { budget: { steps: 3 } }), recordingContext());
    expect(result.status).toBe('failed');
    expect(result.error).toBe('step budget exhausted after 3 model calls');
    expect(result.output).toMatch(/^Stopped before finishing: step budget exhausted after 3 model calls\.\nLast model message: still looking/);
    expect(result.data).toMatchObject({ finished: false, status: 'stopped', stoppedBy: 'steps', steps: 3 });
    expect(mock.calls).toHaveLength(3);
  });

  it('stops when the token budget is spent', async () => {
    const { runner, mock } = setUp(repository, { rules: [{ match: { leaf: 'busy' }, tool_calls: [{ name: 'list_files', arguments: {} }], usage: { input_tokens: 60, output_tokens: 10 } }] });
    const result = await runner.run(leafRunInput(leafSpec({ id: 'busy', prompt: 'Loop' }), { budget: { tokens: 100 } }), recordingContext());
    expect(result.data).toMatchObject({ stoppedBy: 'tokens', steps: 2 });
    expect(mock.calls).toHaveLength(2);
  });

  it('takes a plain text answer as the summary', async () => {
    const { runner } = setUp(repository, { rules: [{ match: { leaf: 'talk' }, text: 'the answer is 42' }] });
    const result = await runner.run(leafRunInput(leafSpec({ id: 'talk', prompt: 'Answer' })), recordingContext());
    expect(result).toMatchObject({ status: 'succeeded', output: 'the answer is 42' });
  });

  it('reports a failed finish as a failed leaf', async () => {
    const { runner } = setUp(repository, { rules: [{ match: { leaf: 'give-up' }, tool_calls: [{ name: 'finish', arguments: { summary: 'blocked by x', status: 'failed' } }] }] });
    const result = await runner.run(leafRunInput(leafSpec({ id: 'give-up', prompt: 'Try' })), recordingContext());
    expect(result).toMatchObject({ status: 'failed', output: 'blocked by x' });
  });

  it('sends byte-identical requests for identical leaves in different runs, so the memo answers the twin', async () => {
    const { runner, client, mock, memo } = setUp(repository, {});
    const prompt = 'Summarise the repository';
    const first = await runner.run(leafRunInput(leafSpec({ id: 'left', prompt }), { runId: 'run-a', resolvedInputs: { z: 'zed', a: 'ay' } }), recordingContext());
    const second = await runner.run(leafRunInput(leafSpec({ id: 'right', prompt }), { runId: 'run-b', resolvedInputs: { a: 'ay', z: 'zed' } }), recordingContext());
    expect(client.requests).toHaveLength(2);
    expect(JSON.stringify(client.requests[0])).toBe(JSON.stringify(client.requests[1]));
    expect(memoKey(client.requests[0]!)).toBe(memoKey(client.requests[1]!));
    expect(JSON.stringify(client.requests[0])).not.toMatch(/left|right|run-a|run-b/);
    expect(mock.calls).toHaveLength(1);
    expect(memo.telemetry.counters().hits).toBe(1);
    expect(second.output).toBe(first.output);
    expect(second.memo_usage.armh_hits).toBe(1);
    expect(second.usage.input_tokens).toBe(0);
  });

  it('honours the cancel signal', async () => {
    const { runner } = setUp(repository, {});
    const context = recordingContext();
    context.controller.abort(new Error('user cancel'));
    await expect(runner.run(leafRunInput(leafSpec({ id: 'c', prompt: 'x' })), context)).rejects.toThrow('user cancel');
  });
});

describe('agent leaf and provider failures', () => {
  it('fails retryably on a transient provider error and terminally on a bad request, keeping what was done', async () => {
    const repository = tempGitRepository({ 'a.txt': 'one\n' });
    try {
      const { runner } = setUp(repository, {
        rules: [
          { match: { leaf: 'flaky', turn: 0 }, tool_calls: [{ name: 'write_file', arguments: { path: 'b.txt', content: 'kept\n' } }] },
          { match: { leaf: 'flaky', turn: 1 }, fail: { kind: 'rate_limit' } },
          { match: { leaf: 'broken' }, fail: { kind: 'bad_request' } },
        ],
      });
      const flaky = await runner.run(leafRunInput(leafSpec({ id: 'flaky', prompt: 'p', mode: 'read_write' }), { permissions: READ_WRITE_WORKTREE }), recordingContext());
      expect(flaky).toMatchObject({ status: 'failed', retryable: true, data: { steps: 1, finished: false } });
      expect(flaky.error).toMatch(/^model call failed: /);
      expect(flaky.artifacts?.find((artifact) => artifact.kind === 'diff')?.content).toContain('+kept');
      const broken = await runner.run(leafRunInput(leafSpec({ id: 'broken', prompt: 'q' })), recordingContext());
      expect(broken.status).toBe('failed');
      expect(broken.retryable).toBeUndefined();
    } finally {
      repository.remove();
    }
  });
});
