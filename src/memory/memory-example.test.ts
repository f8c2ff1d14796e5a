import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { starterConfigText } from '../config/index.js';
import { runCliInMemory } from '../cli/run-cli-in-memory.js';
import { tempGitRepository, type TempGitRepository } from '../leaves/testing/temp-git-repository.js';
import { openProjectTrace } from '../trace/index.js';
import { expectIdenticalReplayAfterClearingMemory } from './testing/replay-after-clearing-memory.js';
import { memoryEnabledConfig } from './testing/memory-enabled-config.js';
import { isolatedUserEnvironment } from '../util/testing/isolated-user-environment.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const EXAMPLE = ['workflows/build_log_question.star', 'workflows/build_log_question.fixtures.yaml', 'scripts/generate-build-log.mjs'];

function copyExample(root: string): void {
  for (const directory of ['workflows', 'scripts']) mkdirSync(join(root, directory));
  for (const file of EXAMPLE) copyFileSync(join(repoRoot, file), join(root, file));
}

interface LeafResult {
  readonly id: string;
  readonly status: string;
  readonly output: string | null;
  readonly usage: { input_tokens: number; output_tokens: number };
  readonly details?: { data?: { memory?: MemoryUse }; artifacts?: { kind: string; content: string }[] };
}
interface MemoryUse {
  operations: number;
  operations_by_kind: Record<string, number>;
  sub_queries: number;
  citations: { id: string; start_line: number; end_line: number }[];
  tokens_avoided_estimate: number;
  contexts: Record<string, { context_bytes: number }>;
}

describe('the build-log example: a leaf answers about a ~5 MB generated log through memory operations', () => {
  let repository: TempGitRepository;
  let env: NodeJS.ProcessEnv;
  let runId: string;
  let leaf: LeafResult;

  beforeAll(async () => {
    repository = tempGitRepository({ 'README.md': 'project\n', 'whaleflow.config.yaml': memoryEnabledConfig() });
    copyExample(repository.root);
    env = isolatedUserEnvironment(repository.root);
    const run = await runCliInMemory(
      ['run', 'workflows/build_log_question.star', '--provider', 'mock-model', '--fixtures', 'workflows/build_log_question.fixtures.yaml', '--json'],
      { cwd: repository.root, env },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { run_id: string; status: string; results: LeafResult[] };
    expect(result.status).toBe('succeeded');
    runId = result.run_id;
    leaf = result.results.find((entry) => entry.id === 'first_failure')!;
  }, 120_000);
  afterAll(() => repository?.remove());

  it('answers with the first failure, citing the evidence lines it collected', () => {
    expect(leaf.status).toBe('succeeded');
    expect(leaf.output).toContain('src/memo/memo-key.test.ts > memo key > ignores scope labels');
    const memory = leaf.details!.data!.memory!;
    expect(memory.operations_by_kind).toEqual({ search: 1, peek: 1, evidence: 1, sub_query: 1 });
    expect(memory.citations).toEqual([expect.objectContaining({ id: 'E1', start_line: 35346, end_line: 35351 })]);
    expect(memory.contexts.build_log!.context_bytes).toBeGreaterThan(4_900_000);
  });

  it('never puts the log in a prompt: the prompts stay small and the avoided tokens are counted (an estimate)', () => {
    const transcript = leaf.details!.artifacts!.find((artifact) => artifact.kind === 'transcript')!.content;
    expect(transcript.length).toBeLessThan(20_000);
    expect(leaf.usage.input_tokens).toBeLessThan(10_000);
    expect(leaf.details!.data!.memory!.tokens_avoided_estimate).toBeGreaterThan(5 * 1_200_000);
  });

  it('inspect shows which leaves used which contexts and how much', async () => {
    const inspect = await runCliInMemory(['inspect', runId], { cwd: repository.root, env });
    expect(inspect.stdout).toMatch(/\nmemory\n {2}context build_log: 50\d{5} bytes, 56991 lines \(sha256 [0-9a-f]{12}\)\n/);
    expect(inspect.stdout).toMatch(/ {2}leaf first_failure \[build_log\]: 4 operations, \d+ bytes returned, 1 sub-queries \(1940 tok, \$0\.000000\), ~\d{7} prompt tokens avoided \(estimate\), 1 citations\n/);
  });

  it('replays identical with zero calls after the memory store was cleared', async () => {
    await expectIdenticalReplayAfterClearingMemory(repository.root, runId, env);
  }, 60_000);

  it('records the load and every operation as effects: memory effects nested in the leaf effect', () => {
    const trace = openProjectTrace({ cwd: repository.root, env });
    try {
      const events = trace.events(runId).map((stored) => stored.event);
      const memoryEffects = events.filter((event) => event.type === 'effect_completed' && event.kind === 'memory');
      const scopes = memoryEffects.map((event) => (event.type === 'effect_completed' ? [event.scope.nodeId, event.scope.within ?? null, event.ordinal] : []));
      expect(scopes).toEqual([
        ['build_log', null, 0],
        ['first_failure', 0, 0],
        ['first_failure', 0, 1],
        ['first_failure', 0, 2],
        ['first_failure', 0, 3],
      ]);
    } finally {
      trace.close();
    }
  });
});

describe('external memory is off by default', () => {
  it('refuses a workflow with memory nodes, naming them, before anything runs', async () => {
    const repository = tempGitRepository({ 'README.md': 'project\n' });
    try {
      copyExample(repository.root);
      writeFileSync(join(repository.root, 'whaleflow.config.yaml'), starterConfigText);
      const env = isolatedUserEnvironment(repository.root);
      const run = await runCliInMemory(['run', 'workflows/build_log_question.star', '--provider', 'mock'], { cwd: repository.root, env });
      expect(run.exitCode).not.toBe(0);
      expect(run.stderr).toContain('this workflow uses external memory ("build_log", "first_failure"), which is off: set memory.enabled: true in whaleflow.config.yaml');
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace for a user's setting
    } finally {
      repository.remove();
    }
  });
});
