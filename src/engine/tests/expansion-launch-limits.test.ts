// The user's --max-agents and --max-depth bound what a planner writes, not only what the source
// declares: an expansion is counted in place (the whole workflow with the reply instead of the
// template; branches around the expand plus its own nesting). The planner here is an attacker.
import { describe, expect, it } from 'vitest';
import type { WorkflowSpec } from '../../ir/index.js';
import { branch, leaf, runMock, spec } from './harness.js';

const expandNode = (maxChildren: number) => ({ kind: 'expand', spec: { id: 'plan-it', source: 'split the work', max_children: maxChildren, template: leaf('item') } });

/** Two leaves run first, then an expand whose template is one leaf. */
function afterTwoLeaves(maxChildren: number): WorkflowSpec {
  return spec({ id: 'wf', goal: 'g', nodes: [leaf('first'), leaf('second'), expandNode(maxChildren)] });
}

function plannerAnswering(reply: unknown[]) {
  return { leaves: [], judge: [], reduce: [], expand: [{ match: { node: 'plan-it' }, replies: [reply] }] };
}

const leaves = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => leaf(`${prefix}-${index}`));

describe("an expansion is held to the user's launch limits, from where the expand sits", () => {
  it('a planner that emits more agents than --max-agents leaves (counting the rest of the workflow) is refused, naming the expand; nothing it wrote runs', async () => {
    // The source fits: 2 leaves + 2 children of one leaf = 4. The planner hides 3 leaves in a branch.
    const reply = [branch('wide', leaves('w', 3)), leaf('extra')];
    const run = await runMock(afterTwoLeaves(2), { fixture: plannerAnswering(reply), launchLimits: { maxAgents: 4 } });
    const expand = run.byId('plan-it');
    expect(expand.status).toBe('failed');
    expect(expand.error).toContain('expand "plan-it": the generated nodes may launch 4 agent(s); with them in place of the template the workflow may launch 6, more than the run\'s limit of 4 (--max-agents)');
    expect(run.runner.started).toEqual(['first', 'second']);
    // The repair prompt told the planner why; it answered the same and was refused again.
    expect(run.gateway.requests).toHaveLength(2);
    expect(run.gateway.requests[1]!.prompt).toContain('(--max-agents)');
  });

  it('within the limit the same planner runs', async () => {
    const run = await runMock(afterTwoLeaves(2), { fixture: plannerAnswering(leaves('ok', 2)), launchLimits: { maxAgents: 4 } });
    expect(run.byId('plan-it').status).toBe('succeeded');
    expect(run.runner.started).toEqual(['first', 'second', 'ok-0', 'ok-1']);
    expect(run.result.status).toBe('succeeded');
  });

  it('a planner that nests branches deeper than --max-depth allows around the expand is refused, naming the expand', async () => {
    const workflow = spec({ id: 'wf', goal: 'g', nodes: [branch('outer', [expandNode(1)])] });
    const deep = [branch('b1', [branch('b2', [leaf('bottom')])])];
    const refused = await runMock(workflow, { fixture: plannerAnswering(deep), launchLimits: { maxDepth: 2 } });
    expect(refused.byId('plan-it').status).toBe('failed');
    expect(refused.byId('plan-it').error).toContain('expand "plan-it": the generated nodes nest branches 2 deep inside the 1 around the expand, 3 in all, more than the run\'s limit of 2 (--max-depth)');
    expect(refused.runner.started).toEqual([]);

    const shallow = [branch('b1', [leaf('bottom')])];
    const ran = await runMock(workflow, { fixture: plannerAnswering(shallow), launchLimits: { maxDepth: 2 } });
    expect(ran.byId('plan-it').status).toBe('succeeded');
    expect(ran.runner.started).toEqual(['bottom']);
  });

  it('a higher --max-agents is honoured: 150 generated agents run under 500, and are refused under the default 100', async () => {
    const workflow = spec({ id: 'wf', goal: 'g', nodes: [expandNode(1)] });
    const reply = [branch('many', leaves('m', 150))];
    const generous = await runMock(workflow, { fixture: plannerAnswering(reply), launchLimits: { maxAgents: 500 } });
    expect(generous.byId('plan-it').status).toBe('succeeded');
    expect(generous.runner.started).toHaveLength(150);

    const byDefault = await runMock(workflow, { fixture: plannerAnswering(reply), launchLimits: {} });
    expect(byDefault.byId('plan-it').error).toContain("more than the run's limit of 100 (--max-agents)");
    expect(byDefault.runner.started).toEqual([]);
  });

  it('records the limits in run_started, so replay and resume judge expansions the same way', async () => {
    const run = await runMock(afterTwoLeaves(2), { fixture: plannerAnswering(leaves('ok', 2)), launchLimits: { maxAgents: 4, maxDepth: 3 } });
    expect(run.sink.ofType('run_started')[0]!.launchLimits).toEqual({ maxAgents: 4, maxDepth: 3 });
  });

  it('judges a reply by the workflow, not by how many leaves happened to start first: the same verdict with the leaves before the expand or after it', async () => {
    const reply = [branch('wide', leaves('w', 3))];
    const before = await runMock(afterTwoLeaves(2), { fixture: plannerAnswering(reply), launchLimits: { maxAgents: 4 } });
    const after = await runMock(spec({ id: 'wf', goal: 'g', nodes: [expandNode(2), leaf('first'), leaf('second')] }), { fixture: plannerAnswering(reply), launchLimits: { maxAgents: 4 } });
    expect(before.byId('plan-it').error).toContain('the workflow may launch 5');
    expect(after.byId('plan-it').error).toContain('the workflow may launch 5');
  });

  it('counts an expansion inside a loop once per iteration, as the gate counts the loop', async () => {
    const looped = spec({ id: 'wf', goal: 'g', nodes: [{ kind: 'loop_until', spec: { id: 'again', condition: 'done?', max_iterations: 2, children: [expandNode(1)] } }] } as never);
    const refused = await runMock(looped, { fixture: plannerAnswering([branch('three', leaves('x', 3))]), launchLimits: { maxAgents: 5 } });
    expect(refused.byId('plan-it').error).toContain('the workflow may launch 6, more than the run\'s limit of 5');
  });

  it('a run recorded before the rule (no expansion-launch-limits patch) judges the reply alone against the defaults, as it ran', async () => {
    const reply = [branch('wide', leaves('w', 3))];
    const old = await runMock(afterTwoLeaves(2), { fixture: plannerAnswering(reply), launchLimits: { maxAgents: 4 }, patches: ['container-references', 'worktree-base-diffs'] });
    expect(old.byId('plan-it').status).toBe('succeeded');
    expect(old.runner.started).toEqual(['first', 'second', 'w-0', 'w-1', 'w-2']);
  });
});

