// A truncated answer from a real model server (llama.cpp's llama-server). WhaleFlow sends the
// model's configured max_output_tokens with every request — which also overrides the server's
// own `-n` (LLAMA_SERVER_ARGS="-n 20" no longer cuts anything by itself) — so the example's model
// is configured with max_output_tokens: 20: the tiny model's first tool call arrives cut off
// (finish_reason "length", arguments that are not JSON). The leaf must fail saying so, with the
// tokens the server reported counted, and nothing memoized. Skips with a printed reason where
// ../shared is absent; fails under CI.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localLlmExampleProject, startLocalLlm, type LocalLlmServer } from '../providers/testing/local-llm-server.js';
import { locateShared } from '../util/testing/shared-directory.js';
import { runWhaleflowProcess } from './testing/whaleflow-process.js';

const localLlm = locateShared('tools/local-llm');

interface FinishedNode {
  readonly type: string;
  readonly nodeId?: string;
  readonly status?: string;
  readonly error?: string;
  readonly usage?: { input_tokens: number; output_tokens: number; cost_microusd: number | null };
  readonly memoUsage?: { armh_hits: number };
}

describe.skipIf(!localLlm.available)('a real llama.cpp server asked for at most 20 output tokens (../shared/tools/local-llm)', () => {
  let server: LocalLlmServer;
  let project: string;
  const whaleflow = (...args: string[]) => runWhaleflowProcess(args, { cwd: project, env: { LOCAL_LLM_KEY: 'any-value' } });
  const readme = (): FinishedNode => {
    const exported = JSON.parse(whaleflow('export', 'last').stdout) as { events: { event: FinishedNode }[] };
    return exported.events.map(({ event }) => event).find((event) => event.type === 'node_finished' && event.nodeId === 'readme')!;
  };

  beforeAll(async () => {
    if (!localLlm.available) return;
    server = await startLocalLlm(localLlm.path);
    project = localLlmExampleProject(localLlm.path, server);
    const config = join(project, 'whaleflow.config.yaml');
    const text = readFileSync(config, 'utf8');
    expect(text).toContain('max_output_tokens: 512');
    writeFileSync(config, text.replace('max_output_tokens: 512', 'max_output_tokens: 20'));
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('the leaf fails with "output cut off at 20 tokens", its paid tokens counted; the run exits non-zero', () => {
    const run = whaleflow('run', 'explore.yaml', '--provider', 'config');
    expect(run.status, run.stdout + run.stderr).not.toBe(0);
    const leaf = readme();
    expect(leaf.status).toBe('failed');
    expect(leaf.error).toMatch(/output cut off at 20 tokens \(finish_reason "length"\)/);
    expect(leaf.usage!.input_tokens).toBeGreaterThan(100);
    expect(leaf.usage!.output_tokens).toBe(20);
  }, 180_000);

  it('a cut-off answer is not memoized: the next run asks the server again (and pays again)', () => {
    whaleflow('run', 'explore.yaml', '--provider', 'config');
    const leaf = readme();
    expect(leaf.memoUsage?.armh_hits ?? 0).toBe(0);
    expect(leaf.usage!.output_tokens).toBe(20);
  }, 180_000);
});
