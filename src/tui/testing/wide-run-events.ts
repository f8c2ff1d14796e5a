// Test and bench support: a hand-built event stream for a wide run (one branch per group of
// leaves), cheap enough to make 1,000-leaf runs and 10,000-event streams.
import type { RunEvent } from '../../engine/contracts/index.js';

export interface WideRunOptions {
  readonly runId: string;
  readonly leafCount: number;
  readonly leavesPerBranch?: number;
  readonly startAt?: number;
  /** Leaves [0, finishedLeaves) finish; the rest stay running. Default: all. */
  readonly finishedLeaves?: number;
  /** Activity events per leaf (tool calls), to reach large event counts. */
  readonly activitiesPerLeaf?: number;
  readonly finished?: boolean;
  readonly pid?: number;
}

const usage = { input_tokens: 100, output_tokens: 20, cost_microusd: 30 };
const memo = { armh_hits: 1, armh_misses: 0, armh_saved_estimated_tokens: 50, provider_prompt_cache_hits: 0, provider_prompt_cache_misses: 0 };

export function wideRunEvents(options: WideRunOptions): RunEvent[] {
  const { runId, leafCount } = options;
  const perBranch = options.leavesPerBranch ?? 50;
  const finishedLeaves = options.finishedLeaves ?? leafCount;
  const branchCount = Math.ceil(leafCount / perBranch);
  let at = options.startAt ?? 1_700_000_000_000;
  const nodes = Array.from({ length: branchCount }, (_, branch) => ({
    kind: 'branch_set',
    spec: {
      id: `branch-${branch}`,
      parallel: true,
      children: Array.from({ length: Math.min(perBranch, leafCount - branch * perBranch) }, (_, index) => ({
        kind: 'leaf',
        spec: { id: `leaf-${branch * perBranch + index}`, prompt: `do part ${branch * perBranch + index}` },
      })),
    },
  }));
  const spec = JSON.stringify({ id: 'wide', goal: 'a wide run', budget: { max_tokens: leafCount * 200 }, nodes });
  const events: RunEvent[] = [{ type: 'run_started', runId, at: at++, specHash: 'wide-hash', spec, engineVersion: 'test', label: `wide ${leafCount}`, mode: 'live' }];
  if (options.pid !== undefined) events.push({ type: 'heartbeat', runId, at, pid: options.pid });
  for (let branch = 0; branch < branchCount; branch += 1) events.push({ type: 'node_started', runId, at: at++, nodeId: `branch-${branch}`, kind: 'branch_set', parentId: null, iteration: 0 });
  for (let index = 0; index < leafCount; index += 1) {
    const nodeId = `leaf-${index}`;
    events.push({ type: 'node_started', runId, at: at++, nodeId, kind: 'leaf', parentId: `branch-${Math.floor(index / perBranch)}`, iteration: 0, role: 'coder' });
    for (let activity = 0; activity < (options.activitiesPerLeaf ?? 1); activity += 1) events.push({ type: 'activity', runId, at: at++, nodeId, message: `tool call ${activity}: read file-${index}.ts` });
  }
  for (let index = 0; index < finishedLeaves; index += 1) {
    const nodeId = `leaf-${index}`;
    const scope = { nodeId, iteration: 0 };
    const result = { status: 'succeeded' as const, output: `patch for part ${index}`, usage, memo_usage: memo };
    events.push({ type: 'effect_completed', runId, at: at++, kind: 'leaf', key: `key-${index}`, scope, ordinal: 0, source: 'live', durationMs: 5, result });
    events.push({ type: 'node_finished', runId, at: at++, nodeId, kind: 'leaf', iteration: 0, status: 'succeeded', output: result.output, usage, memoUsage: memo });
  }
  return events;
}
