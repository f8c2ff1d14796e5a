import { emptyMemoUsage, emptyUsage, type WorkflowResult } from '../../ir/index.js';
import type { EffectResult, RunEvent } from '../../engine/contracts/index.js';

export interface FakeRunOptions {
  readonly runId: string;
  readonly leafCount?: number;
  /** Output text of leaf i; long outputs exercise blobs. */
  readonly outputOf?: (index: number) => string;
  readonly startAt?: number;
  /** Leave off run_finished (an interrupted run). */
  readonly unfinished?: boolean;
  readonly mode?: 'live' | 'replay' | 'resume';
  readonly parentRunId?: string;
}

/** A tiny plausible event stream: one parallel branch of leaves, each with one leaf effect. */
export function fakeRunEvents(options: FakeRunOptions): RunEvent[] {
  const { runId } = options;
  const leafCount = options.leafCount ?? 3;
  const outputOf = options.outputOf ?? ((index: number) => `answer ${index}`);
  let at = options.startAt ?? 1_000;
  const spec = JSON.stringify({ id: 'fake', goal: 'fake goal', nodes: [] });
  const events: RunEvent[] = [
    {
      type: 'run_started',
      runId,
      at: at++,
      specHash: 'spec-hash',
      spec,
      engineVersion: 'test',
      label: `fake ${runId}`,
      mode: options.mode ?? 'live',
      ...(options.parentRunId ? { parentRunId: options.parentRunId } : {}),
    },
    { type: 'node_started', runId, at: at++, nodeId: 'fan', kind: 'branch_set', parentId: null, iteration: 0 },
  ];
  for (let index = 0; index < leafCount; index++) {
    const nodeId = `leaf-${index}`;
    const scope = { nodeId, iteration: 0 };
    const result: EffectResult = {
      status: 'succeeded',
      output: outputOf(index),
      usage: { input_tokens: 10, output_tokens: 5, cost_microusd: 3 },
      memo_usage: emptyMemoUsage(),
    };
    events.push(
      { type: 'node_started', runId, at: at++, nodeId, kind: 'leaf', parentId: 'fan', iteration: 0 },
      { type: 'effect_requested', runId, at: at++, kind: 'leaf', key: `key-${index}`, scope, ordinal: 0, input: { prompt: `do ${index}` } },
      { type: 'activity', runId, at: at++, nodeId, message: 'working' },
      { type: 'effect_completed', runId, at: at++, kind: 'leaf', key: `key-${index}`, scope, ordinal: 0, source: 'live', durationMs: 1, result },
      {
        type: 'node_finished',
        runId,
        at: at++,
        nodeId,
        kind: 'leaf',
        iteration: 0,
        status: 'succeeded',
        output: result.output,
        usage: result.usage,
        memoUsage: result.memo_usage,
      },
    );
  }
  events.push({
    type: 'node_finished',
    runId,
    at: at++,
    nodeId: 'fan',
    kind: 'branch_set',
    iteration: 0,
    status: 'succeeded',
    output: null,
    usage: emptyUsage(),
    memoUsage: emptyMemoUsage(),
  });
  if (options.unfinished) return events;
  const result: WorkflowResult = {
    run_id: runId,
    workflow_id: 'fake',
    spec_hash: 'spec-hash',
    status: 'succeeded',
    results: [],
    usage: emptyUsage(),
    memo_usage: emptyMemoUsage(),
  };
  events.push({ type: 'run_finished', runId, at: at++, status: 'succeeded', usage: emptyUsage(), memoUsage: emptyMemoUsage(), result });
  return events;
}
