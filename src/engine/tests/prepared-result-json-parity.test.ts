import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RunController } from '../run-controller.js';
import { PreparedResultJson } from '../run/prepared-result-json.js';
import { branch, digestText, leaf, runMock, spec, type HarnessRun } from './harness.js';

// Adversarial runs for the results digest's prepared JSON (PreparedResultJson): runs whose leaves
// wait for slots (so batches are prepared while they run) and are stopped, cut short or lose on
// the way. Whatever happens to a result after it settled, the recorded digest must be the plain
// digest of the run's result tree.

const WIDE = 300;
const wideLeaves = (prefix: string) => Array.from({ length: WIDE }, (_, index) => leaf(`${prefix}${index}`));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

afterEach(() => vi.restoreAllMocks());

function expectPlainDigest(run: HarnessRun): void {
  const finished = run.sink.ofType('run_finished')[0]!;
  expect(finished.result.results_sha256).toBe(sha256(digestText(run.result.results)));
}

/** How many batches the digest took from those prepared while the run waited. */
function preparedTaken(jsonOf: { readonly mock: { readonly results: readonly { readonly value: unknown }[] } }): number {
  return jsonOf.mock.results.filter((result) => result.value !== undefined).length;
}

describe('the results digest with batches prepared while the run waited', () => {
  it('is the plain digest of a fan-out cancelled by the caller part way', async () => {
    const jsonOf = vi.spyOn(PreparedResultJson.prototype, 'jsonOf');
    const abort = new AbortController();
    const workflow = spec({ goal: 'g', nodes: [branch('fan', wideLeaves('f'), { budget: { max_parallel: 8 } }), leaf('after')] });
    const run = await runMock(workflow, { fixture: 'defaults: {latency_ms: 10}', signal: abort.signal, during: (environment) => void environment.sleep(200).then(() => abort.abort()) });
    expect(run.result.status).toBe('cancelled');
    expect(preparedTaken(jsonOf)).toBeGreaterThan(0);
    expectPlainDigest(run);
  });

  it('is the plain digest of a fan-out whose node the user stopped, its queued leaves cancelled before they ran', async () => {
    const jsonOf = vi.spyOn(PreparedResultJson.prototype, 'jsonOf');
    const controller = new RunController();
    const workflow = spec({ goal: 'g', nodes: [branch('fan', wideLeaves('f'), { budget: { max_parallel: 8 } }), leaf('after')] });
    const run = await runMock(workflow, { fixture: 'defaults: {latency_ms: 10}', controller, during: (environment) => void environment.sleep(250).then(() => controller.cancel('fan')) });
    expect(run.byId('fan').status).toBe('cancelled');
    expect(preparedTaken(jsonOf)).toBeGreaterThan(0);
    expectPlainDigest(run);
  });

  it('is the plain digest of a fan-out cut short by its budget', async () => {
    const jsonOf = vi.spyOn(PreparedResultJson.prototype, 'jsonOf');
    const workflow = spec({ goal: 'g', nodes: [branch('fan', wideLeaves('f'), { budget: { max_parallel: 8, timeout_secs: 1 } }), leaf('after')] });
    const run = await runMock(workflow, { fixture: 'defaults: {latency_ms: 50}' });
    expect(run.byId('fan').status).toBe('budget_exceeded');
    expect(preparedTaken(jsonOf)).toBeGreaterThan(0);
    expectPlainDigest(run);
  });

  it('is the plain digest when a tournament over the fan-out cancels its losers', async () => {
    const candidates = wideLeaves('c');
    const workflow = spec({
      goal: 'g',
      nodes: [branch('race', [branch('field', candidates, { budget: { max_parallel: 8 } }), { kind: 'tournament', spec: { id: 't', candidates: candidates.map((one) => one.spec.id) } }])],
    });
    const run = await runMock(workflow, { fixture: 'defaults: {latency_ms: 10}\nleaves:\n  - match: {id: c150}\n    latency_ms: 1\n    score: 0.9\n' });
    expect(run.byId('t').status).toBe('succeeded');
    expect(candidates.filter((one) => run.byId(one.spec.id).status === 'cancelled').length).toBeGreaterThan(WIDE / 2);
    expectPlainDigest(run);
  });

  it('is the plain digest of an expansion into a wide fan-out, and of some of its leaves failing', async () => {
    const workflow = spec({ goal: 'g', nodes: [{ kind: 'expand', spec: { id: 'e', source: 'split', max_children: WIDE, template: leaf('item') } }] });
    const run = await runMock(workflow, { fixture: 'defaults: {latency_ms: 10}\nleaves:\n  - match: {prompt: "do item"}\n    exit_code: 1\n', limits: { maxConcurrentLeaves: 8 } });
    expect(run.runner.started).toHaveLength(WIDE);
    expectPlainDigest(run);
  });

  it('is the plain digest of a wide fan-out inside a loop (prepared nowhere) and after it', async () => {
    const workflow = spec({
      goal: 'g',
      nodes: [
        { kind: 'loop_until', spec: { id: 'l', condition: 'done', max_iterations: 2, children: [branch('inner', wideLeaves('i'), { budget: { max_parallel: 8 } })] } },
        branch('fan', wideLeaves('f'), { budget: { max_parallel: 8 } }),
      ],
    });
    const run = await runMock(workflow, { fixture: 'defaults: {latency_ms: 5, judge_answer: false}' });
    expectPlainDigest(run);
  });
});
