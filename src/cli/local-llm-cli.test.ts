// WhaleFlow's OpenAI-compatible path end to end against a real model server: llama.cpp's
// llama-server with the tiny deterministic tool-calling model of ../shared/tools/local-llm,
// driven through `whaleflow` child processes on the local-llm example repository. Skips with a
// printed reason where ../shared is absent; fails under CI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localLlmExampleProject, startLocalLlm, type LocalLlmServer } from '../providers/testing/local-llm-server.js';
import { locateShared } from '../util/testing/shared-directory.js';
import { runWhaleflowProcess } from './testing/whaleflow-process.js';

const localLlm = locateShared('tools/local-llm');

interface ExportedNode {
  readonly type: string;
  readonly nodeId?: string;
  readonly status?: string;
  readonly usage?: { input_tokens: number; output_tokens: number; cost_microusd: number | null };
  readonly memoUsage?: { armh_hits: number; provider_prompt_cache_hits: number };
  readonly details?: { artifacts?: { name: string; content: string }[]; data?: { steps: number; toolCalls: number } };
}

interface TranscriptMessage {
  readonly role: string;
  readonly content: string;
  readonly toolCalls?: { name: string; arguments: Record<string, unknown> }[];
}

describe.skipIf(!localLlm.available)('whaleflow against a real llama.cpp server (../shared/tools/local-llm)', () => {
  let server: LocalLlmServer;
  let project: string;
  const env = { LOCAL_LLM_KEY: 'any-value' };
  const whaleflow = (...args: string[]) => runWhaleflowProcess(args, { cwd: project, env });
  /** The run that paid the provider (the first); the memoized second run is `last`. */
  let paidRunId = '';

  beforeAll(async () => {
    if (!localLlm.available) return;
    server = await startLocalLlm(localLlm.path);
    project = localLlmExampleProject(localLlm.path, server);
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  function leafFinished(runReference: string, nodeId: string): ExportedNode {
    const exported = JSON.parse(whaleflow('export', runReference).stdout) as { events: { event: ExportedNode }[] };
    const finished = exported.events.map(({ event }) => event).find((event) => event.type === 'node_finished' && event.nodeId === nodeId);
    if (!finished) throw new Error(`no node_finished for ${nodeId}`);
    return finished;
  }

  it('runs the agent tool loop: the model calls read_file, reads the README, then finish; usage, cost and the prompt cache are counted', () => {
    const run = whaleflow('run', 'explore.yaml', '--provider', 'config');
    expect(run.stderr).toBe('');
    expect(run.status, run.stdout).toBe(0);
    paidRunId = /run ([0-9a-f-]{36}): succeeded/.exec(run.stdout)?.[1] ?? '';
    expect(paidRunId).not.toBe('');

    const leaf = leafFinished('last', 'readme');
    expect(leaf.status).toBe('succeeded');
    const transcript = JSON.parse(leaf.details!.artifacts!.find((artifact) => artifact.name === 'transcript.json')!.content) as TranscriptMessage[];
    const calls = transcript.flatMap((message) => message.toolCalls ?? []);
    expect(calls.map((call) => call.name)).toEqual(['read_file', 'finish']);
    expect(calls[0]!.arguments).toEqual({ path: 'README.md' });
    expect(transcript.find((message) => message.role === 'tool')?.content).toContain('A tiny demo project');
    expect(calls[1]!.arguments).toMatchObject({ status: 'succeeded' });
    expect(leaf.details!.data).toMatchObject({ steps: 2, toolCalls: 2 });
    // Real tokens from the server's usage, priced from the example's configuration; the second
    // call shares the first one's prompt prefix, which llama-server's prompt cache serves.
    expect(leaf.usage!.input_tokens).toBeGreaterThan(100);
    expect(leaf.usage!.output_tokens).toBeGreaterThan(0);
    expect(leaf.usage!.cost_microusd).toBeGreaterThan(0);
    expect(leaf.memoUsage!.provider_prompt_cache_hits).toBeGreaterThan(0);
  }, 180_000);

  it('a second run of the same workflow is answered by the memo: no tokens paid, every call a hit', () => {
    const run = whaleflow('run', 'explore.yaml', '--provider', 'config');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const leaf = leafFinished('last', 'readme');
    expect(leaf.memoUsage!.armh_hits).toBe(2);
    expect(leaf.usage).toMatchObject({ input_tokens: 0, output_tokens: 0, cost_microusd: 0 });
  }, 180_000);

  it('replays with the server stopped: zero model calls, parity identical', async () => {
    await server.stop({ keepPrefix: true });
    expect(server.isRunning()).toBe(false);
    const replay = whaleflow('replay', 'last');
    expect(replay.status, replay.stdout + replay.stderr).toBe(0);
    expect(replay.stdout).toContain('ran 0 live');
    expect(replay.stdout).toContain('parity: identical');
    // And the run that paid the provider replays identical as well.
    const replayOfPaid = whaleflow('replay', paidRunId);
    expect(replayOfPaid.stdout).toContain('ran 0 live');
    expect(replayOfPaid.stdout).toContain('parity: identical');
  }, 180_000);
});
