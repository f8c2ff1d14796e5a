import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embeddedDefaultConfig } from '../config/index.js';
import { executeWorkflow, MemoryEventSink, systemEnvironment } from '../engine/index.js';
import { parseWorkflowSpec, type NodeResult } from '../ir/index.js';
import { RealLeafRunner } from '../leaves/index.js';
import { MockLeafRunner } from '../leaves/mock/index.js';
import { InMemoryMemoStore } from '../memo/index.js';
import { tempGitRepository, type TempGitRepository } from '../leaves/testing/temp-git-repository.js';
import { createRuntime } from './create-runtime.js';

describe('createRuntime', () => {
  let repository: TempGitRepository;
  beforeEach(() => {
    repository = tempGitRepository({ 'a.txt': 'one\ntwo\n', 'check.sh': 'grep -q TWO a.txt\n' });
  });
  afterEach(() => repository.remove());

  it('wires the real leaves to the scripted mock under `mock`, and the pure mock under `pure-mock`', () => {
    const mock = createRuntime({ cwd: repository.root, env: {}, config: embeddedDefaultConfig, provider: 'mock' });
    expect(mock.leafRunner).toBeInstanceOf(RealLeafRunner);
    expect(mock.modelClient).toBeDefined();
    const pure = createRuntime({ cwd: repository.root, env: {}, config: embeddedDefaultConfig, provider: 'pure-mock' });
    expect(pure.leafRunner).toBeInstanceOf(MockLeafRunner);
    expect(pure.modelClient).toBeUndefined();
  });

  it('adapts the providers layer to the gateway port, reporting the route and why, and memoizing', async () => {
    const runtime = createRuntime({ cwd: repository.root, env: {}, config: embeddedDefaultConfig, provider: 'mock', fixtures: { modelScript: { rules: [{ match: { prompt: 'Is it done' }, text: '{"answer": true}' }] } } });
    const request = { role: 'judge', prompt: 'Is it done?', responseFormat: 'json' as const, nodeId: 'loop' };
    const first = await runtime.gateway.complete(request, new AbortController().signal);
    expect(first).toMatchObject({ text: '{"answer": true}', route: { provider: 'mock', model: 'mock-default', reason: 'role_default' }, usage: { cost_microusd: 0 } });
    expect(first.usage.input_tokens).toBeGreaterThan(0);
    const second = await runtime.gateway.complete({ ...request, nodeId: 'other' }, new AbortController().signal);
    expect(second.memo_usage.armh_hits).toBe(1);
    expect(runtime.memoTelemetry.counters().hits).toBe(1);
  });

  it('close() releases the memo entries of a store it made, and leaves a store passed in to its owner', async () => {
    const script = { modelScript: { rules: [{ match: { prompt: 'Is it done' }, text: '{"answer": true}' }] } };
    const request = { role: 'judge', prompt: 'Is it done?', responseFormat: 'json' as const, nodeId: 'loop' };
    const ask = async (runtime: ReturnType<typeof createRuntime>) => (await runtime.gateway.complete(request, new AbortController().signal)).memo_usage.armh_hits;
    const own = createRuntime({ cwd: repository.root, env: {}, config: embeddedDefaultConfig, provider: 'mock', fixtures: script });
    await ask(own);
    expect(await ask(own)).toBe(1);
    await own.close();
    expect(await ask(own)).toBe(0); // the entry it held is gone: asked again, it is a miss
    const store = new InMemoryMemoStore();
    const borrowed = createRuntime({ cwd: repository.root, env: {}, config: embeddedDefaultConfig, provider: 'mock', fixtures: script, memoStore: store });
    await ask(borrowed);
    await borrowed.close();
    expect(store.stats().entries).toBe(1);
    await createRuntime({ cwd: repository.root, env: {}, config: embeddedDefaultConfig, provider: 'pure-mock' }).close();
  });

  it('runs a workflow end to end: an agent edits in its worktree, a test leaf checks the user tree, the diff is recorded', async () => {
    const runtime = createRuntime({
      cwd: repository.root,
      env: { PATH: process.env.PATH },
      config: embeddedDefaultConfig,
      provider: 'mock',
      fixtures: {
        modelScript: {
          rules: [
            { match: { leaf: 'fix', turn: 0 }, tool_calls: [{ name: 'edit_file', arguments: { path: 'a.txt', old_text: 'two', new_text: 'TWO' } }] },
            { match: { leaf: 'fix', turn: 1 }, tool_calls: [{ name: 'finish', arguments: { summary: 'fixed', status: 'succeeded' } }] },
          ],
        },
      },
    });
    const parsed = parseWorkflowSpec({
      id: 'fix-it',
      goal: 'capitalise two',
      nodes: [
        { kind: 'leaf', spec: { id: 'fix', prompt: 'Capitalise two in a.txt', agent_type: 'implementer', mode: 'read_write', isolation: 'worktree' } },
        { kind: 'leaf', spec: { id: 'check', prompt: 'Run test command: sh check.sh', agent_type: 'verifier', command: 'sh check.sh' } },
      ],
    });
    if (!parsed.ok) throw new Error('bad spec');
    const sink = new MemoryEventSink();
    const result = await executeWorkflow({ spec: parsed.spec, runId: 'e2e', sink, leafRunner: runtime.leafRunner, gateway: runtime.gateway, environment: systemEnvironment() });
    const byId = (id: string) => result.results.find((node: NodeResult) => node.id === id);
    expect(byId('fix')?.status).toBe('succeeded');
    const artifacts = (byId('fix')?.details?.artifacts ?? []) as { kind: string; content: string }[];
    expect(artifacts.find((artifact) => artifact.kind === 'diff')?.content).toContain('+TWO');
    // The user's tree was not changed by the worktree leaf, so the test leaf fails there.
    expect(byId('check')?.status).toBe('failed');
    expect(byId('check')?.details?.test).toMatchObject({ exitCode: 1, passed: false });
    expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(sink.events.some((event) => event.type === 'activity' && event.message === 'edit_file a.txt')).toBe(true);
  });
});
