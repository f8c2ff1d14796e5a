import { describe, expect, it } from 'vitest';
import { RunController, UnknownNodeError } from '../run-controller.js';
import { branch, leaf, runMock, sequence, spec } from './harness.js';

const slow = 'defaults: {latency_ms: 1000}\n';

function statuses(run: Awaited<ReturnType<typeof runMock>>, ids: readonly string[]): Record<string, string> {
  return Object.fromEntries(ids.map((id) => [id, run.byId(id).status]));
}

describe('RunController: per-node cancel through the engine', () => {
  it('cancelling a running leaf stops only that leaf; it ends cancelled and so does the run', async () => {
    const controller = new RunController();
    const workflow = spec({ goal: 'g', nodes: [branch('b', [leaf('a'), leaf('victim'), leaf('c')]), leaf('after')] });
    const run = await runMock(workflow, { fixture: slow, controller, during: (environment) => void environment.sleep(500).then(() => controller.cancel('victim')) });
    expect(statuses(run, ['a', 'victim', 'c', 'b', 'after'])).toEqual({ a: 'succeeded', victim: 'cancelled', c: 'succeeded', b: 'cancelled', after: 'succeeded' });
    expect(run.byId('victim').details?.cancel_reason).toEqual({ type: 'user' });
    expect(run.byId('victim').error).toBe('cancelled by the user');
    expect(run.result.status).toBe('cancelled');
    expect(run.runner.running).toBe(0);
    expect(run.runner.started).toEqual(['a', 'victim', 'c', 'after']);
    expect(run.sink.ofType('cancel_requested')).toEqual([expect.objectContaining({ nodeId: 'victim', reason: { type: 'user' } })]);
  });

  it('a queued leaf cancelled before it started never starts', async () => {
    const controller = new RunController();
    const workflow = spec({ goal: 'g', nodes: [branch('b', [leaf('q0'), leaf('q1'), leaf('q2'), leaf('q3')])] });
    const run = await runMock(workflow, {
      fixture: slow,
      limits: { maxConcurrentLeaves: 1 },
      controller,
      during: (environment) => void environment.sleep(500).then(() => controller.cancel('q2', { type: 'user', message: 'not needed' })),
    });
    expect(statuses(run, ['q0', 'q1', 'q2', 'q3'])).toEqual({ q0: 'succeeded', q1: 'succeeded', q2: 'cancelled', q3: 'succeeded' });
    expect(run.byId('q2').error).toBe('cancelled: not needed');
    expect(run.runner.started).toEqual(['q0', 'q1', 'q3']);
  });

  it('a request made before the run starts is applied as it starts', async () => {
    const controller = new RunController();
    controller.cancel('second');
    const run = await runMock(spec({ goal: 'g', nodes: [sequence('s', [leaf('first'), leaf('second'), leaf('third')])] }), { fixture: slow, controller });
    expect(statuses(run, ['first', 'second', 'third', 's'])).toEqual({ first: 'succeeded', second: 'cancelled', third: 'succeeded', s: 'cancelled' });
    expect(run.runner.started).toEqual(['first', 'third']);
  });

  it('cancelling a branch stops its running children and every child not started; nothing is left running', async () => {
    const controller = new RunController();
    const inner = branch('inner', [leaf('i1'), leaf('i2'), leaf('i3'), leaf('i4')], { budget: { max_parallel: 2 } });
    const workflow = spec({ goal: 'g', nodes: [branch('top', [inner, leaf('independent', {})])] });
    const run = await runMock(workflow, {
      fixture: 'defaults: {latency_ms: 1000}\nleaves:\n  - match: {id: independent}\n    latency_ms: 3000\n',
      controller,
      during: (environment) => void environment.sleep(500).then(() => controller.cancel('inner')),
    });
    expect(statuses(run, ['i1', 'i2', 'i3', 'i4', 'inner', 'independent', 'top'])).toEqual({
      i1: 'cancelled',
      i2: 'cancelled',
      i3: 'cancelled',
      i4: 'cancelled',
      inner: 'cancelled',
      independent: 'succeeded',
      top: 'cancelled',
    });
    expect(run.runner.started).toEqual(['i1', 'i2', 'independent']);
    expect(run.runner.running).toBe(0);
    expect(run.result.status).toBe('cancelled');
    // Stopped at once: the cancelled leaves released their slots at the cancel, not at their latency.
    const finished = run.sink.ofType('node_finished').find((event) => event.nodeId === 'i1')!;
    expect(finished.at - run.sink.events[0]!.at).toBe(500);
  });

  it('cancelling a loop mid-iteration stops its body and it decides nothing more', async () => {
    const controller = new RunController();
    const loop = { kind: 'loop_until', spec: { id: 'fix', condition: 'done?', max_iterations: 3, children: [leaf('edit'), leaf('check')] } };
    const run = await runMock(spec({ goal: 'g', nodes: [loop, leaf('after')] }), {
      fixture: 'defaults: {latency_ms: 1000, judge_answer: false}\n',
      controller,
      during: (environment) => void environment.sleep(2500).then(() => controller.cancel('fix')),
    });
    // Iteration 0 ran edit and check (0–2000 ms) and its judge said no; iteration 1's edit was running.
    expect(run.runner.started).toEqual(['edit', 'check', 'edit', 'after']);
    expect(statuses(run, ['fix', 'edit', 'after'])).toEqual({ fix: 'cancelled', edit: 'cancelled', after: 'succeeded' });
    expect(run.byId('fix').details).toMatchObject({ iterations: 2 });
    expect(run.sink.ofType('decision')).toHaveLength(1);
    expect(run.runner.running).toBe(0);
    expect(run.result.status).toBe('cancelled');
  });

  it('null cancels the whole run, like the signal', async () => {
    const controller = new RunController();
    const run = await runMock(spec({ goal: 'g', nodes: [branch('b', [leaf('a'), leaf('b2')]), leaf('later')] }), {
      fixture: slow,
      controller,
      during: (environment) => void environment.sleep(200).then(() => controller.cancel(null)),
    });
    expect(statuses(run, ['a', 'b2', 'later'])).toEqual({ a: 'cancelled', b2: 'cancelled', later: 'cancelled' });
    expect(run.sink.ofType('cancel_requested')).toEqual([expect.objectContaining({ nodeId: null, reason: { type: 'user' } })]);
    expect(run.runner.running).toBe(0);
  });

  it('an unknown node id is a clear error: before the run starts, and while it runs', async () => {
    const early = new RunController();
    early.cancel('nope');
    await expect(runMock(spec({ goal: 'g', nodes: [leaf('a')] }), { controller: early })).rejects.toThrow(new UnknownNodeError('nope'));
    const controller = new RunController();
    let thrown: unknown;
    await runMock(spec({ goal: 'g', nodes: [leaf('a')] }), {
      fixture: slow,
      controller,
      during: (environment) =>
        void environment.sleep(100).then(() => {
          try {
            controller.cancel('missing');
          } catch (error) {
            thrown = error;
          }
        }),
    });
    expect(thrown).toBeInstanceOf(UnknownNodeError);
    expect((thrown as Error).message).toBe('the run has no node "missing"');
  });

  it('a request after the run has finished does nothing', async () => {
    const controller = new RunController();
    const run = await runMock(spec({ goal: 'g', nodes: [leaf('a')] }), { controller });
    expect(() => controller.cancel('a')).not.toThrow();
    expect(run.result.status).toBe('succeeded');
  });
});
