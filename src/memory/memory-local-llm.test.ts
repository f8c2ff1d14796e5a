// The build-log example against a real model server: llama.cpp's llama-server with the tiny
// deterministic tool-calling model of ../shared/tools/local-llm. Skips with a printed reason where
// ../shared is absent; fails under CI.
//
// The tiny model only ever calls read_file and then finish, so this cannot show a model using
// memory well. What it shows: a real OpenAI-compatible server with grammar-constrained tool calls
// accepts the memory tools (their `context` argument an enum of the declared names) beside the
// file tools (and `finish` without `citations` while no evidence was collected); the prompts the
// server counted stay small while the context is ~5 MB (far past the model's 32 k window, so it
// was never inlined); and the run replays identical with the server stopped and the store cleared.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/run-cli-in-memory.js';
import { tempGitRepository, type TempGitRepository } from '../leaves/testing/temp-git-repository.js';
import { startLocalLlm, type LocalLlmServer } from '../providers/testing/local-llm-server.js';
import { locateShared } from '../util/testing/shared-directory.js';
import { expectIdenticalReplayAfterClearingMemory } from './testing/replay-after-clearing-memory.js';

const localLlm = locateShared('tools/local-llm');
const repoRoot = resolve(import.meta.dirname, '../..');

interface LeafResult {
  readonly id: string;
  readonly status: string;
  readonly usage: { input_tokens: number; output_tokens: number };
  readonly details?: {
    data?: { steps: number; toolCalls: number; memory?: { operations: number; tokens_avoided_estimate: number; contexts: Record<string, { context_bytes: number }> } };
    artifacts?: { kind: string; content: string }[];
  };
}

function localConfig(baseUrl: string): string {
  return [
    'providers:',
    `  local: {kind: openai-compatible, base_url: "${baseUrl}", api_key_env: LOCAL_LLM_KEY, timeout_ms: 60000}`,
    'models:',
    '  - {provider: local, model: tiny-agent, capabilities: {tool_calls: true, context_window: 32768, max_output_tokens: 512}}',
    'roles:',
    '  default: {primary: local/tiny-agent}',
    'memory: {enabled: true}',
    '',
  ].join('\n');
}

describe.skipIf(!localLlm.available)('external memory against a real llama.cpp server (../shared/tools/local-llm)', () => {
  let server: LocalLlmServer;
  let repository: TempGitRepository;
  let env: NodeJS.ProcessEnv;
  let runId: string;
  let leaf: LeafResult;

  beforeAll(async () => {
    if (!localLlm.available) return;
    server = await startLocalLlm(localLlm.path);
    repository = tempGitRepository({ 'README.md': 'A project whose CI log is too large for any prompt.\n', 'whaleflow.config.yaml': localConfig(server.baseUrl) });
    for (const directory of ['workflows', 'scripts']) mkdirSync(join(repository.root, directory));
    for (const file of ['workflows/build_log_question.star', 'scripts/generate-build-log.mjs']) copyFileSync(join(repoRoot, file), join(repository.root, file));
    env = { PATH: process.env.PATH, HOME: repository.root, XDG_CONFIG_HOME: join(repository.root, '.config'), LOCAL_LLM_KEY: 'any-value' };
    const run = await runCliInMemory(['run', 'workflows/build_log_question.star', '--provider', 'config', '--json'], { cwd: repository.root, env });
    expect(run.exitCode, run.stderr + run.stdout.slice(0, 4000)).toBe(0);
    const result = JSON.parse(run.stdout) as { run_id: string; results: LeafResult[] };
    runId = result.run_id;
    leaf = result.results.find((entry) => entry.id === 'first_failure')!;
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    repository?.remove();
  });

  it('the server accepts the memory tools beside the file tools, and the leaf finishes with prompts far smaller than its context', () => {
    expect(leaf.status).toBe('succeeded');
    // The tiny model's two calls: read_file README.md, then finish (its README's table).
    expect(leaf.details!.data).toMatchObject({ steps: 2, toolCalls: 2 });
    const transcript = leaf.details!.artifacts!.find((artifact) => artifact.kind === 'transcript')!.content;
    expect(transcript).toContain('A project whose CI log is too large for any prompt.');
    const memory = leaf.details!.data!.memory!;
    expect(memory.contexts.build_log!.context_bytes).toBeGreaterThan(4_900_000);
    expect(memory.operations).toBe(0);
    // Tokens as the server counted them over both calls. The tiny model's tokenizer is byte-level
    // (a token per byte), so inlined the context alone would be ~5 M tokens in every call.
    expect(leaf.usage.input_tokens).toBeGreaterThan(100);
    expect(leaf.usage.input_tokens).toBeLessThan(40_000);
    expect(memory.tokens_avoided_estimate).toBeGreaterThan(2 * 1_200_000);
  });

  it('replays identical with zero calls, the server stopped and the memory store cleared', async () => {
    await server.stop();
    expect(server.isRunning()).toBe(false);
    await expectIdenticalReplayAfterClearingMemory(repository.root, runId, env);
  }, 60_000);
});
