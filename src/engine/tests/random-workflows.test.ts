import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateStatus, type NodeResult, type RunStatus } from '../../ir/index.js';
import type { MockFixture } from '../../leaves/mock/index.js';
import { runMock, spec } from './harness.js';

interface LeafPlan {
  readonly kind: 'leaf';
  readonly latency: number;
  readonly fails: boolean;
}
interface GroupPlan {
  readonly kind: 'group';
  readonly parallel: boolean;
  readonly maxParallel: number | null;
  readonly children: readonly Plan[];
}
type Plan = LeafPlan | GroupPlan;

const leafPlan = fc.record({ kind: fc.constant('leaf' as const), latency: fc.integer({ min: 0, max: 40 }), fails: fc.boolean() });
const { plan } = fc.letrec<{ plan: Plan; group: GroupPlan }>((tie) => ({
  plan: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leafPlan, tie('group')),
  group: fc.record({
    kind: fc.constant('group' as const),
    parallel: fc.boolean(),
    maxParallel: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
    children: fc.array(tie('plan'), { minLength: 1, maxLength: 4 }),
  }),
}));

/** Builds IR nodes and a fixture from a plan; returns the expected status of every node. */
function build(plans: readonly Plan[]) {
  let counter = 0;
  const fixture: MockFixture = { leaves: [], judge: [], expand: [], reduce: [] };
  const expected = new Map<string, RunStatus>();
  const toNode = (item: Plan): { node: unknown; status: RunStatus } => {
    const id = `n${counter++}`;
    if (item.kind === 'leaf') {
      fixture.leaves.push({ match: { id }, latency_ms: item.latency, ...(item.fails ? { failure: { kind: 'terminal', message: 'planned failure' } } : {}) });
      const status: RunStatus = item.fails ? 'failed' : 'succeeded';
      expected.set(id, status);
      return { node: { kind: 'leaf', spec: { id, prompt: `do ${id}` } }, status };
    }
    const children = item.children.map(toNode);
    const status = aggregateStatus(children.map((child) => child.status));
    expected.set(id, status);
    return { node: { kind: 'branch_set', spec: { id, parallel: item.parallel, children: children.map((child) => child.node), budget: { max_parallel: item.maxParallel } } }, status };
  };
  const nodes = plans.map(toNode);
  return { nodes: nodes.map((entry) => entry.node), fixture, expected, runStatus: aggregateStatus(nodes.map((entry) => entry.status)) };
}

function flatten(results: readonly NodeResult[], into = new Map<string, RunStatus>()): Map<string, RunStatus> {
  for (const result of results) {
    into.set(result.id, result.status);
    if (result.children) flatten(result.children, into);
  }
  return into;
}

describe('random workflows', () => {
  it('every node is reported once with its honest status, bounds hold, and nothing is left running', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(plan, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 5 }), async (plans, limit) => {
        const built = build(plans);
        const run = await runMock(spec({ goal: 'random', nodes: built.nodes }), { fixture: built.fixture, limits: { maxConcurrentLeaves: limit } });
        expect(flatten(run.result.results)).toEqual(built.expected);
        expect(run.result.status).toBe(built.runStatus);
        expect(run.runner.maxRunning).toBeLessThanOrEqual(limit);
        expect(run.runner.running).toBe(0);
        const finished = run.sink.ofType('node_finished').map((event) => event.nodeId).sort();
        expect(finished).toEqual([...built.expected.keys()].sort());
      }),
      { numRuns: 80 },
    );
  });

  it('a cancel at any moment leaves nothing running and still reports every node', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(plan, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 60 }), async (plans, cancelAt) => {
        const built = build(plans);
        const controller = new AbortController();
        const run = await runMock(spec({ goal: 'random', nodes: built.nodes }), {
          fixture: built.fixture,
          limits: { maxConcurrentLeaves: 2 },
          signal: controller.signal,
          during: (environment) => void environment.sleep(cancelAt).then(() => controller.abort()),
        });
        expect(run.runner.running).toBe(0);
        expect([...flatten(run.result.results).keys()].sort()).toEqual([...built.expected.keys()].sort());
        for (const [id, status] of flatten(run.result.results)) {
          if (status !== 'cancelled') expect(status).toBe(built.expected.get(id));
        }
        expect(run.sink.events.at(-1)!.type).toBe('run_finished');
      }),
      { numRuns: 60 },
    );
  });
});
