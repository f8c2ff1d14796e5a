import { describe, expect, it } from 'vitest';
import { branch, leaf, runMock, sequence, spec, statuses } from './harness.js';

describe('leaf and containers', () => {
  it('passes depends_on_results outputs to the consumer and keys the leaf by its input hash', async () => {
    const workflow = spec({ id: 'wf', goal: 'g', nodes: [leaf('a'), leaf('b', { depends_on_results: ['a'] })] });
    const run = await runMock(workflow, { fixture: 'leaves:\n  - match: {id: a}\n    output: "A-OUT"\n' });
    expect(run.result.status).toBe('succeeded');
    const effect = run.sink.ofType('effect_requested').find((event) => event.scope.nodeId === 'b')!;
    expect(effect.input).toMatchObject({ resolved_inputs: { a: 'A-OUT' } });
    expect(run.byId('b').input_hash).toBe(effect.key);
  });

  it('sequence runs children in order', async () => {
    const run = await runMock(spec({ goal: 'g', nodes: [sequence('s', [leaf('x', { }), leaf('y'), leaf('z')])] }), { fixture: 'defaults: {latency_ms: 5}' });
    expect(run.runner.started).toEqual(['x', 'y', 'z']);
    expect(run.runner.maxRunning).toBe(1);
  });

  it('a non-parallel branch runs its children one at a time', async () => {
    const run = await runMock(spec({ goal: 'g', nodes: [branch('b', [leaf('x'), leaf('y')], { parallel: false })] }), { fixture: 'defaults: {latency_ms: 5}' });
    expect(run.runner.maxRunning).toBe(1);
  });

  it('a parallel branch runs its children concurrently', async () => {
    const run = await runMock(spec({ goal: 'g', nodes: [branch('b', [leaf('x'), leaf('y'), leaf('z')])] }), { fixture: 'defaults: {latency_ms: 5}' });
    expect(run.runner.maxRunning).toBe(3);
  });
});

describe('reduce', () => {
  it('makes one reducer call over its inputs', async () => {
    const workflow = spec({ goal: 'g', nodes: [branch('b', [leaf('a'), leaf('c')]), { kind: 'reduce', spec: { id: 'r', inputs: ['a', 'c'], prompt: 'Summarise' } }] });
    const run = await runMock(workflow, { fixture: 'reduce:\n  - match: {node: r}\n    output: SUMMARY\n' });
    expect(run.byId('r')).toMatchObject({ status: 'succeeded', output: 'SUMMARY' });
    const request = run.gateway.requests.find((entry) => entry.nodeId === 'r')!;
    expect(request.role).toBe('reducer');
    expect(request.prompt).toContain('### a (succeeded)');
    expect(run.sink.ofType('effect_requested').filter((event) => event.kind === 'reduce')).toHaveLength(1);
  });

  it('fails explicitly when an input failed', async () => {
    const workflow = spec({ goal: 'g', nodes: [leaf('a'), { kind: 'reduce', spec: { id: 'r', inputs: ['a'], prompt: 'Summarise' } }] });
    const run = await runMock(workflow, { fixture: 'leaves:\n  - match: {id: a}\n    failure: {message: boom}\n' });
    expect(run.byId('r').status).toBe('failed');
    expect(run.byId('r').error).toContain('inputs names "a", which ended failed');
    expect(run.gateway.requests).toHaveLength(0);
  });
});

describe('loop_until', () => {
  const loop = (until: unknown, extra: Record<string, unknown> = {}) =>
    spec({ goal: 'g', nodes: [{ kind: 'loop_until', spec: { id: 'loop', max_iterations: 4, children: [leaf('fix'), leaf('test', { command: 'npm test' })], ...(until ? { until } : { condition: 'is it done?' }), ...extra } }] });

  it('until.tests_pass repeats until the test leaf passes, recording each decision', async () => {
    const run = await runMock(loop({ tests_pass: ['test'] }), { fixture: 'leaves:\n  - match: {id: test}\n    exit_codes: [1, 1, 0]\n' });
    expect(run.result.status).toBe('succeeded');
    expect(run.byId('loop').details).toMatchObject({ iterations: 3, met: true });
    const decisions = run.sink.ofType('decision');
    expect(decisions.map((event) => (event.value as { answer: boolean }).answer)).toEqual([false, false, true]);
    expect(decisions.map((event) => event.iteration)).toEqual([0, 1, 2]);
    expect(run.sink.ofType('effect_requested').filter((event) => event.kind === 'decision')).toHaveLength(3);
    expect(run.gateway.requests).toHaveLength(0);
  });

  it('fails when the condition never holds within max_iterations', async () => {
    const run = await runMock(loop({ tests_pass: ['test'] }), { fixture: 'leaves:\n  - match: {id: test}\n    exit_code: 2\n' });
    expect(run.byId('loop').status).toBe('failed');
    expect(run.byId('loop').error).toContain('condition not met after 4');
  });

  it('a judge decides a free-text condition, one call per iteration', async () => {
    const run = await runMock(loop(undefined), { fixture: 'judge:\n  - match: {node: loop}\n    answers: [false, true]\n' });
    expect(run.result.status).toBe('succeeded');
    const judgeCalls = run.gateway.requests.filter((request) => request.nodeId === 'loop');
    expect(judgeCalls).toHaveLength(2);
    expect(judgeCalls[0]).toMatchObject({ role: 'judge', responseFormat: 'json' });
    expect(run.byId('loop').details).toMatchObject({ iterations: 2 });
  });

  it('a malformed judge answer fails the loop instead of guessing', async () => {
    const run = await runMock(loop({ judge: 'done?' }), { fixture: 'judge:\n  - match: {node: loop}\n    raw: "yes, I think so"\n' });
    expect(run.byId('loop').status).toBe('failed');
    expect(run.byId('loop').error).toContain('condition could not be decided');
  });
});

describe('cond', () => {
  const cond = (when?: unknown) =>
    spec({
      goal: 'g',
      nodes: [
        leaf('check', { command: 'make check' }),
        { kind: 'cond', spec: { id: 'c', ...(when ? { when } : { condition: 'should we?' }), then_nodes: [leaf('yes')], else_nodes: [leaf('no')] } },
      ],
    });

  it('runs the then arm when the judge says true, and only that arm', async () => {
    const run = await runMock(cond(), { fixture: 'judge:\n  - match: {node: c}\n    answer: true\n' });
    expect(run.runner.started).toEqual(['check', 'yes']);
    expect(run.byId('c').details).toMatchObject({ arm: 'then' });
    expect(run.sink.ofType('decision')[0]).toMatchObject({ nodeId: 'c', decision: 'condition', value: { answer: true } });
  });

  it('runs the else arm when the named tests failed', async () => {
    const run = await runMock(cond({ tests_pass: ['check'] }), { fixture: 'leaves:\n  - match: {id: check}\n    exit_code: 1\n' });
    expect(run.runner.started).toEqual(['check', 'no']);
    expect(run.byId('c').status).toBe('succeeded');
    expect(run.result.status).toBe('failed');
  });
});

describe('expand', () => {
  const expand = spec({
    id: 'wf',
    goal: 'g',
    nodes: [{ kind: 'expand', spec: { id: 'e', source: 'split the work', max_children: 3, template: leaf('item') } }],
  });

  it('by default copies the template max_children times and runs the copies', async () => {
    const run = await runMock(expand);
    expect(run.result.status).toBe('succeeded');
    expect(run.runner.started).toEqual(['item_1', 'item_2', 'item_3']);
    expect(run.sink.ofType('decision')[0]).toMatchObject({ decision: 'expansion', value: { ids: ['item_1', 'item_2', 'item_3'] } });
    expect(run.gateway.requests[0]!.role).toBe('planner');
  });

  it('repairs an invalid reply once, sending the diagnostics back', async () => {
    const fixture = `expand:
  - match: {node: e}
    replies:
      - '[{"kind": "leaf", "spec": {"id": "e", "prompt": "dup"}}]'
      - '[{"kind": "leaf", "spec": {"id": "fresh", "prompt": "ok"}}]'
`;
    const run = await runMock(expand, { fixture });
    expect(run.result.status).toBe('succeeded');
    expect(run.runner.started).toEqual(['fresh']);
    expect(run.gateway.requests).toHaveLength(2);
    expect(run.gateway.requests[1]!.prompt).toContain('duplicate node id "e"');
    expect(run.byId('e').details).toMatchObject({ repaired: true });
    const ordinals = run.sink.ofType('effect_requested').filter((event) => event.kind === 'expand').map((event) => event.ordinal);
    expect(ordinals).toEqual([0, 1]);
  });

  it('fails with the validation errors when the repair is invalid too', async () => {
    const fixture = `expand:
  - match: {node: e}
    replies: ['not json', '[{"kind": "nope", "spec": {"id": "x"}}]']
`;
    const run = await runMock(expand, { fixture });
    expect(run.byId('e').status).toBe('failed');
    expect(run.byId('e').error).toContain('unknown node kind "nope"');
    expect(run.runner.started).toEqual([]);
    expect(run.gateway.requests).toHaveLength(2);
  });

  it('rejects more nodes than max_children', async () => {
    const nodes = [1, 2, 3, 4].map((index) => ({ kind: 'leaf', spec: { id: `n${index}`, prompt: 'p' } }));
    const run = await runMock(expand, { fixture: { leaves: [], judge: [], reduce: [], expand: [{ match: { node: 'e' }, replies: [nodes] }] } });
    expect(run.byId('e').error).toContain('more than max_children 3');
  });
});

describe('tournament', () => {
  const tournament = (extra: Record<string, unknown> = {}) =>
    spec({
      goal: 'g',
      nodes: [branch('race', [leaf('fast'), leaf('slow'), leaf('broken'), { kind: 'tournament', spec: { id: 't', candidates: ['fast', 'slow', 'broken'], ...extra } }])],
    });
  const fixture = `leaves:
  - match: {id: fast}
    latency_ms: 10
    diff: "+a\\n-b"
    score: 0.7
  - match: {id: slow}
    latency_ms: 1000
    score: 0.9
  - match: {id: broken}
    latency_ms: 5
    exit_code: 1
`;

  it('by tests: the first passing finisher wins and the still-running loser is cancelled', async () => {
    const run = await runMock(tournament(), { fixture });
    expect(run.byId('t')).toMatchObject({ status: 'succeeded', output: 'fast' });
    expect(run.byId('slow').status).toBe('cancelled');
    expect(run.byId('slow').details).toMatchObject({ cancel_reason: { type: 'tournament_loser', tournamentId: 't' } });
    expect(run.byId('race').status).toBe('failed');
    expect(statuses(run.result.results)).toMatchObject({ fast: 'succeeded', broken: 'failed' });
    const decision = run.sink.ofType('decision').find((event) => event.decision === 'winner')!;
    const losers = (decision.value as { losers: { id: string; tests: unknown[] }[] }).losers;
    expect(losers.map((loser) => loser.id)).toEqual(['slow', 'broken']);
    expect(losers[1]!.tests).toEqual([{ nodeId: 'broken', passed: false, exitCode: 1, command: null }]);
    expect(run.runner.running).toBe(0);
  });

  it('a cancelled loser does not make the run look cancelled', async () => {
    const run = await runMock(spec({ goal: 'g', nodes: [branch('race', [leaf('fast'), leaf('slow'), { kind: 'tournament', spec: { id: 't', candidates: ['fast', 'slow'] } }])] }), { fixture });
    expect(run.result.status).toBe('succeeded');
  });

  it('by score waits for every candidate without min_score and picks the highest', async () => {
    const run = await runMock(tournament({ by: 'score' }), { fixture });
    expect(run.byId('t').output).toBe('slow');
    expect(run.byId('slow').status).toBe('succeeded');
  });

  it('by score with min_score decides as soon as one qualifies', async () => {
    const run = await runMock(tournament({ by: 'score', min_score: 0.5 }), { fixture });
    expect(run.byId('t').output).toBe('fast');
    expect(run.byId('slow').status).toBe('cancelled');
  });

  it('by judge asks a judge among the succeeded candidates', async () => {
    const run = await runMock(tournament({ by: 'judge', judge: 'which is best?' }), { fixture: `${fixture}judge:\n  - match: {node: t}\n    winner: slow\n` });
    expect(run.byId('t').output).toBe('slow');
    const request = run.gateway.requests.find((entry) => entry.nodeId === 't')!;
    expect(request.prompt).toContain('Candidates: fast, slow');
  });

  it('fails when no candidate qualifies', async () => {
    const run = await runMock(spec({ goal: 'g', nodes: [leaf('broken'), { kind: 'tournament', spec: { id: 't', candidates: ['broken'] } }] }), { fixture });
    expect(run.byId('t')).toMatchObject({ status: 'failed', error: 'no candidate qualified' });
  });
});

describe('pareto and teacher_review', () => {
  const fixture = `leaves:
  - match: {id: a}
    score: 0.9
    usage: {input_tokens: 10, output_tokens: 10, cost_microusd: 500}
  - match: {id: b}
    score: 0.5
    usage: {input_tokens: 10, output_tokens: 10, cost_microusd: 100}
  - match: {id: c}
    score: 0.4
    usage: {input_tokens: 10, output_tokens: 10, cost_microusd: 200}
`;
  it('pareto keeps the non-dominated candidates and records the dropped fruit', async () => {
    const run = await runMock(spec({ goal: 'g', nodes: [branch('fan', [leaf('a'), leaf('b'), leaf('c')]), { kind: 'pareto', spec: { id: 'p', candidates: ['a', 'b', 'c'] } }] }), { fixture });
    expect(run.byId('p').output).toBe('["a","b"]');
    const decision = run.sink.ofType('decision').find((event) => event.decision === 'pareto_front')!;
    expect((decision.value as { dropped: { id: string }[] }).dropped.map((item) => item.id)).toEqual(['c']);
  });

  it('pareto honours max_items', async () => {
    const run = await runMock(spec({ goal: 'g', nodes: [branch('fan', [leaf('a'), leaf('b'), leaf('c')]), { kind: 'pareto', spec: { id: 'p', candidates: ['a', 'b', 'c'], max_items: 1 } }] }), { fixture });
    expect(run.byId('p').output).toBe('["a"]');
  });

  it('teacher_review records a review of every candidate', async () => {
    const run = await runMock(spec({ goal: 'g', nodes: [leaf('a'), leaf('b'), { kind: 'teacher_review', spec: { id: 'tr', candidates: ['a', 'b'] } }] }), { fixture });
    const review = run.sink.ofType('decision').find((event) => event.decision === 'review')!;
    expect((review.value as { candidates: { id: string }[] }).candidates.map((candidate) => candidate.id)).toEqual(['a', 'b']);
    expect(run.byId('tr').status).toBe('succeeded');
  });
});
