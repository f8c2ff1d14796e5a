// What a worktree leaf starts from: the diffs of the leaves it depends on, and in a loop its own
// diff of the previous iteration (a refinement continues instead of starting over). The engine
// hands them to the leaf runner, and they are part of the effect's identity.
import { describe, expect, it } from 'vitest';
import { emptyMemoUsage } from '../../ir/index.js';
import { MockModelGateway } from '../../leaves/mock/index.js';
import type { EffectResult, LeafRunInput, LeafRunner } from '../contracts/index.js';
import { executeWorkflow } from '../execute-workflow.js';
import { MemoryEventSink } from '../memory-event-sink.js';
import { VirtualEnvironment } from '../testing/virtual-environment.js';
import { leaf, spec } from './harness.js';

/** A writer that adds a line per run to its diff, and a test that passes once the diff has two. */
class ScriptedRunner implements LeafRunner {
  readonly seen: { id: string; baseDiffs: LeafRunInput['baseDiffs'] }[] = [];
  private writes = 0;
  async run(input: LeafRunInput): Promise<EffectResult> {
    this.seen.push({ id: input.leaf.id, baseDiffs: input.baseDiffs });
    const usage = { input_tokens: 0, output_tokens: 0, cost_microusd: 0 };
    if (input.leaf.command) {
      const lines = (input.baseDiffs ?? []).map(({ diff }) => diff).join('').split('\n').filter((line) => line.startsWith('+fix'));
      const exitCode = lines.length >= 2 ? 0 : 1;
      return { status: 'succeeded', output: `exit ${exitCode}`, usage, memo_usage: emptyMemoUsage(), data: { exit_code: exitCode } };
    }
    if (input.leaf.mode !== 'read_write') return { status: 'succeeded', output: 'noted', usage, memo_usage: emptyMemoUsage() };
    this.writes += 1;
    const before = (input.baseDiffs ?? []).map(({ diff }) => diff).join('');
    const diff = `${before}+fix ${this.writes}\n`;
    return { status: 'succeeded', output: `wrote fix ${this.writes}`, usage, memo_usage: emptyMemoUsage(), artifacts: [{ kind: 'diff', name: `${input.leaf.id}.diff`, content: diff }] };
  }
}

describe('worktree leaves start from the changes they build on', () => {
  it('a test leaf gets the writer\'s diff; the writer continues from its own previous iteration; a shared leaf gets none', async () => {
    const workflow = spec({
      id: 'wf',
      goal: 'g',
      nodes: [
        {
          kind: 'loop_until',
          spec: {
            id: 'loop',
            max_iterations: 3,
            until: { tests_pass: ['check'] },
            children: [
              leaf('fix', { mode: 'read_write', isolation: 'worktree' }),
              leaf('check', { agent_type: 'verifier', command: 'npm test', isolation: 'worktree', depends_on_results: ['fix'] }),
              leaf('note', { depends_on_results: ['fix'] }),
            ],
          },
        },
      ],
    });
    const runner = new ScriptedRunner();
    const environment = new VirtualEnvironment();
    const sink = new MemoryEventSink();
    const running = executeWorkflow({ spec: workflow, runId: 'r', sink, leafRunner: runner, gateway: new MockModelGateway(environment), environment });
    const result = await environment.drive(running);
    expect(result.status).toBe('succeeded');
    expect(runner.seen).toEqual([
      { id: 'fix', baseDiffs: undefined },
      { id: 'check', baseDiffs: [{ leafId: 'fix', diff: '+fix 1\n' }] },
      { id: 'note', baseDiffs: undefined },
      { id: 'fix', baseDiffs: [{ leafId: 'fix', diff: '+fix 1\n' }] },
      { id: 'check', baseDiffs: [{ leafId: 'fix', diff: '+fix 1\n+fix 2\n' }] },
      { id: 'note', baseDiffs: undefined },
    ]);
    // The starting diffs are recorded with the effect (digests), so replay and resume serve a result only for the same change.
    const checks = sink.ofType('effect_requested').filter((event) => event.scope.nodeId === 'check');
    expect(checks.map((event) => (event.input as { base_diffs?: unknown[] }).base_diffs)).toEqual([[{ leaf_id: 'fix', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }], [{ leaf_id: 'fix', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]]);
    expect(checks[0]!.key).not.toBe(checks[1]!.key);
  });
});
