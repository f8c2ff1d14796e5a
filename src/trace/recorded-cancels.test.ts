import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/index.js';
import { parseWorkflowSpec, type WorkflowSpec } from '../ir/index.js';
import { RecordedCancels } from './recorded-cancels.js';

function workflow(): WorkflowSpec {
  const parsed = parseWorkflowSpec({
    goal: 'g',
    nodes: [{ kind: 'branch_set', spec: { id: 'outer', children: [{ kind: 'branch_set', spec: { id: 'inner', children: [{ kind: 'leaf', spec: { id: 'deep', prompt: 'p' } }] } }, { kind: 'leaf', spec: { id: 'other', prompt: 'p' } }] } }],
  });
  if (!parsed.ok) throw new Error('bad spec');
  return parsed.spec;
}

const base = { runId: 'r', at: 0 };
const usage = { input_tokens: 7, output_tokens: 0, cost_microusd: 3 };

describe('RecordedCancels', () => {
  it('is empty, and reads nothing else, for a run without cancels', () => {
    const cancels = new RecordedCancels(workflow(), [{ ...base, type: 'node_started', nodeId: 'deep', kind: 'leaf', parentId: 'inner', iteration: 0 }]);
    expect(cancels.isEmpty).toBe(true);
    expect(cancels.covering('deep')).toBeUndefined();
  });

  it('finds the first cancel of a node or an ancestor (spec or recorded expansion), with its place among completions', () => {
    const scope = { nodeId: 'deep', iteration: 0 };
    const events: RunEvent[] = [
      { ...base, type: 'node_started', nodeId: 'grown', kind: 'leaf', parentId: 'inner', iteration: 0 },
      { ...base, type: 'effect_completed', kind: 'leaf', key: 'k', scope: { nodeId: 'other', iteration: 0 }, ordinal: 0, source: 'live', durationMs: 1, result: { status: 'succeeded', output: 'o', usage, memo_usage: { armh_hits: 0, armh_misses: 0, armh_saved_estimated_tokens: 0, provider_prompt_cache_hits: 0, provider_prompt_cache_misses: 0 } } },
      { ...base, type: 'cancel_requested', nodeId: 'outer', reason: { type: 'user' } },
      { ...base, type: 'cancel_requested', nodeId: null, reason: { type: 'shutdown' } },
      { ...base, type: 'node_finished', nodeId: 'deep', kind: 'leaf', iteration: 0, status: 'cancelled', output: null, usage, memoUsage: { armh_hits: 0, armh_misses: 0, armh_saved_estimated_tokens: 0, provider_prompt_cache_hits: 0, provider_prompt_cache_misses: 0 } },
    ];
    const cancels = new RecordedCancels(workflow(), events);
    expect(cancels.covering('deep')).toEqual({ nodeId: 'outer', reason: { type: 'user' }, completedBefore: 1 });
    expect(cancels.covering('grown')).toMatchObject({ nodeId: 'outer' });
    expect(cancels.covering('elsewhere')).toMatchObject({ nodeId: null, reason: { type: 'shutdown' } });
    expect(cancels.slotsCompletedBefore(cancels.cancels[0]!)).toHaveLength(1);
    expect(cancels.spentBy(scope)).toEqual(usage);
  });
});
