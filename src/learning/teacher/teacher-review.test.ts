import { describe, expect, it } from 'vitest';
import { parseWorkflowSpec, type WorkflowSpec } from '../../ir/index.js';
import { MockModelClient } from '../../providers/index.js';
import type { AuthorityContext } from '../lesson-authority.js';
import { deterministicProposals } from './deterministic-proposals.js';
import type { RunEvidence, TestEvidence } from './run-evidence.js';
import { askTeacher, TeacherProposalError } from './teacher-review.js';

const spec = (() => {
  const parsed = parseWorkflowSpec({ id: 'w', goal: 'g', nodes: [{ kind: 'leaf', spec: { id: 't', prompt: 't', command: 'npm test' } }] });
  if (!parsed.ok) throw new Error('spec');
  return parsed.spec;
})();

function evidence(runId: string, extra: Partial<RunEvidence> = {}, workflow: WorkflowSpec = spec): RunEvidence {
  return { runId, label: 'w', status: 'failed', spec: workflow, workflowId: workflow.id, sourceFile: 'w.yaml', tests: [], leaves: [], decisions: [], overruns: [], stoppedDiffs: [], costByRole: {}, ...extra };
}

const test = (nodeId: string, passed: boolean, order: number, command = 'npm test'): TestEvidence => ({ nodeId, iteration: 0, command, passed, exitCode: passed ? 0 : 1, outputTail: passed ? 'ok' : 'FAIL: expected named export', fileScope: ['src/**'], order });

const authority: AuthorityContext = { repository: 'git:abc', declaredCommands: new Set(['npm test']), configuredRoutes: () => ['mock/mock-default'], crossRun: 'deterministic' };
const note = { kind: 'note', title: 'named exports', rationale: 'r', content: { text: 'Use named exports.' }, scope: { roles: ['implementer'] } };

describe('deterministic proposals', () => {
  it('a test that failed and was fixed later becomes a regression test; a repeat passes nothing', () => {
    const proposals = deterministicProposals([evidence('r1', { tests: [test('test-first', false, 1), test('test-second', true, 3)] })], { repository: 'git:abc', crossRun: 'deterministic' });
    expect(proposals).toEqual([
      expect.objectContaining({
        body: expect.objectContaining({ kind: 'regression_test', content: { command: 'npm test', name: 'test-first' }, scope: expect.objectContaining({ paths: ['src/**'] }) }),
        provenance: expect.objectContaining({ runs: ['r1'], proposer: { type: 'rule', rule: 'failed-then-fixed-test' } }),
      }),
    ]);
    expect(deterministicProposals([evidence('r1', { tests: [test('a', true, 1), test('b', false, 2)] })], { repository: 'git:abc', crossRun: 'deterministic' })).toEqual([]);
  });

  it('the same leaf request paid in several runs suggests a cache policy; a branch that lost every tournament in K runs, a heuristic', () => {
    const paid = (runId: string) => evidence(runId, { leaves: [{ nodeId: 'scan', iteration: 0, role: 'explore', status: 'succeeded', error: null, steps: 2, tokens: 900, memoHits: 0, memoMisses: 2, key: 'same-key', source: 'live' }] });
    const cache = deterministicProposals([paid('r1'), paid('r2')], { repository: 'git:abc', crossRun: 'never' });
    expect(cache).toEqual([expect.objectContaining({ body: expect.objectContaining({ kind: 'cache_policy_patch', content: { role: 'explore', cross_run: 'deterministic' } }) })]);
    const lost = (runId: string) => evidence(runId, { decisions: [{ nodeId: 'pick', iteration: 0, decision: 'winner', reason: 'tests', value: { winner: 'fast', losers: [{ id: 'slow' }] } }] });
    const branch = deterministicProposals([lost('r1'), lost('r2'), lost('r3')], { repository: 'git:abc', crossRun: 'deterministic' });
    expect(branch).toEqual([expect.objectContaining({ body: expect.objectContaining({ kind: 'branch_heuristic', content: { node: 'slow', action: 'drop', lost_tournaments: 3 } }) })]);
    expect(deterministicProposals([lost('r1'), lost('r2')], { repository: 'git:abc', crossRun: 'deterministic' })).toEqual([]);
  });
});

describe('the teacher', () => {
  const teacher = (replies: string[]) => {
    const client = new MockModelClient({ script: { rules: replies.map((text, turn) => ({ match: { turn }, text })) } });
    return { client, route: { provider: 'mock', model: 'mock-default' } };
  };

  it('turns a valid JSON reply into proposals with the teacher as provenance', async () => {
    const model = teacher([JSON.stringify({ lessons: [note] })]);
    const outcome = await askTeacher(model, [evidence('r1')], authority);
    expect(outcome.calls).toBe(1);
    expect(outcome.proposals).toEqual([expect.objectContaining({ title: 'named exports', body: expect.objectContaining({ kind: 'note', scope: expect.objectContaining({ repository: 'git:abc', roles: ['implementer'] }) }), provenance: expect.objectContaining({ proposer: { type: 'teacher', route: 'mock/mock-default', prompt_hash: outcome.promptHash } }) })]);
    // The evidence reaches the model delimited and marked untrusted.
    const request = model.client.calls[0]!.request;
    expect(request.responseFormat).toBe('json');
    expect(request.messages[0]!.content).toMatch(/<evidence untrusted="true">[\s\S]*<\/evidence>/);
  });

  it('repairs once: a reply asking for authority gets its problems back, and the corrected reply is used', async () => {
    const greedy = { ...note, content: { text: 'Use named exports.' }, permissions: { allow_network: true } };
    const model = teacher([JSON.stringify({ lessons: [greedy] }), JSON.stringify({ lessons: [note] })]);
    const outcome = await askTeacher(model, [evidence('r1')], authority);
    expect(outcome.calls).toBe(2);
    expect(outcome.proposals).toHaveLength(1);
    expect(model.client.calls[1]!.request.messages.at(-1)!.content).toMatch(/asks for a wider permission \(permissions\)/);
  });

  it('fails with the validation errors when the repaired reply is still invalid (never a guess)', async () => {
    const newCommand = { kind: 'regression_test', title: 'run it', content: { command: 'rm -rf /' } };
    const model = teacher(['I think you should use named exports.', JSON.stringify({ lessons: [newCommand, { kind: 'note', title: 'x', content: { text: '' } }] })]);
    const failure = await askTeacher(model, [evidence('r1')], authority).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TeacherProposalError);
    expect((failure as TeacherProposalError).problems).toEqual([
      expect.stringMatching(/lessons\[0\]: asks to run a new command "rm -rf \/"/),
      expect.stringMatching(/lessons\[1\]\.content\.text: /),
    ]);
    expect(model.client.calls).toHaveLength(2);
  });
});
