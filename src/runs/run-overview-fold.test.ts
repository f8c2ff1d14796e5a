import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/index.js';
import { formatOverviewCost } from './format-overview.js';
import { groupRuns } from './group-runs.js';
import { RunOverviewFold } from './run-overview-fold.js';
import type { RunOverview } from './run-overview.js';
import { recordMockRun, REVIEW_FIXTURE, reviewSpec, START_AT } from './testing/record-mock-run.js';

const alive = () => true;
const dead = () => false;

function foldOf(events: readonly RunEvent[], runId = 'run-review'): RunOverviewFold {
  const fold = new RunOverviewFold(runId);
  fold.applyStored(events.map((event, seq) => ({ seq, event })));
  return fold;
}

describe('RunOverviewFold', () => {
  it('shows the queue worker a leaf runs on (ps, TUI), the latest one after a lost worker', async () => {
    const { events } = await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE });
    const cut = events.findIndex((event) => event.type === 'node_finished' && event.nodeId === 'correctness');
    const placed = (pid: number): RunEvent => ({ type: 'leaf_placed', runId: 'run-review', at: START_AT + 10, nodeId: 'tests', iteration: 0, worker: { workerId: `w-${pid}`, host: 'box', pid } });
    const partial = [...events.slice(0, cut + 1), placed(11), placed(12), { type: 'heartbeat', runId: 'run-review', at: START_AT + 1000, pid: 4242 } as RunEvent];
    const fold = foldOf(partial);
    const overview = fold.overview({ now: START_AT + 1500, isPidAlive: alive });
    expect(fold.node('tests')?.worker).toBe('box:12');
    expect(overview.slowest).toMatchObject({ nodeId: 'tests', running: true, worker: 'box:12' });
  });

  it('summarises a finished mock run: leaves, tokens, cost, the slowest leaf overall', async () => {
    const { events } = await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE });
    const overview = foldOf(events).overview({ now: START_AT + 60_000, isPidAlive: dead });
    expect(overview.status).toBe('succeeded');
    expect(overview.leavesTotal).toBe(3);
    expect(overview.leavesDone).toBe(3);
    expect(overview.failures).toBe(0);
    expect(overview.slowest).toEqual({ nodeId: 'design', elapsedMs: 4000, running: false });
    const finished = events.at(-1) as Extract<RunEvent, { type: 'run_finished' }>;
    expect(overview.tokens.total).toBe(finished.usage.input_tokens + finished.usage.output_tokens);
    expect(overview.costMicrousd).toBe(finished.usage.cost_microusd);
    expect(overview.suggestedAction).toBeNull();
    expect(overview.budget.maxTokens).toBe(10_000);
  });

  it('shows the longest currently running leaf of a live run, at the injected clock', async () => {
    const { events } = await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE });
    // Cut the log just after `correctness` finished: tests and design are still running.
    const cut = events.findIndex((event) => event.type === 'node_finished' && event.nodeId === 'correctness');
    const partial = [...events.slice(0, cut + 1), { type: 'heartbeat', runId: 'run-review', at: START_AT + 1000, pid: 4242 } as RunEvent];
    const overview = foldOf(partial).overview({ now: START_AT + 1500, isPidAlive: alive });
    expect(overview.status).toBe('running');
    expect(overview.leavesDone).toBe(1);
    expect(overview.leavesRunning).toBe(2);
    expect(overview.slowest?.running).toBe(true);
    expect(overview.slowest?.elapsedMs).toBe(1500);
    expect(overview.pid).toBe(4242);
    expect(overview.elapsedMs).toBe(1500);
    expect(overview.suggestedAction).toBe('whaleflow cancel run-revi');
  });

  it('judges a run whose process died as interrupted, suggesting resume', async () => {
    const { events } = await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE });
    const partial = [...events.slice(0, 6), { type: 'heartbeat', runId: 'run-review', at: START_AT, pid: 99 } as RunEvent];
    const fold = foldOf(partial);
    expect(fold.overview({ now: START_AT + 1000, isPidAlive: (pid) => pid !== 99 }).status).toBe('interrupted');
    const stale = fold.overview({ now: START_AT + 60_000, isPidAlive: alive, staleAfterMs: 5000 });
    expect(stale.status).toBe('interrupted');
    expect(stale.suggestedAction).toBe('whaleflow resume run-revi');
    expect(fold.overview({ now: START_AT + 1000, isPidAlive: alive, staleAfterMs: 5000 }).status).toBe('running');
    // A finished run is never interrupted, whatever its pid.
    expect(foldOf(events).overview({ now: START_AT + 999_999, isPidAlive: dead }).status).toBe('succeeded');
  });

  it('keeps an unknown price unknown, never $0', async () => {
    const fixture = `
leaves:
  - match: { id: design }
    usage: { input_tokens: 5, output_tokens: 5, cost_microusd: null }
`;
    const { events } = await recordMockRun(reviewSpec(), { fixture });
    const running = foldOf(events.slice(0, -1)).overview({ now: START_AT, isPidAlive: alive });
    expect(running.costMicrousd).toBeNull();
    expect(formatOverviewCost(running.costMicrousd)).toBe('unknown');
    expect(foldOf(events).overview({ now: START_AT, isPidAlive: alive }).costMicrousd).toBeNull();
  });

  it('folds incrementally to the same overview as one pass, skipping events already applied', async () => {
    const { events } = await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE });
    const stored = events.map((event, seq) => ({ seq, event }));
    const incremental = new RunOverviewFold('run-review');
    for (let start = 0; start < stored.length; start += 3) incremental.applyStored(stored.slice(Math.max(0, start - 1), start + 3));
    const whole = foldOf(events);
    const liveness = { now: START_AT + 10_000, isPidAlive: alive };
    expect(incremental.overview(liveness)).toEqual(whole.overview(liveness));
    expect(incremental.nextSeq).toBe(events.length);
  });

  it('builds the tree from the spec before anything ran: pending leaves count toward the total', async () => {
    const { events } = await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE });
    const fold = foldOf(events.slice(0, 1));
    expect(fold.roots()).toEqual(['reviewers', 'verdict']);
    expect(fold.node('reviewers')?.childIds).toEqual(['correctness', 'tests', 'design']);
    expect(fold.node('design')?.status).toBe('pending');
    expect(fold.node('design')?.prompt).toBe('do design');
    expect(fold.node('design')?.role).toBe('general');
    expect(fold.overview({ now: START_AT, isPidAlive: alive }).leavesTotal).toBe(3);
  });
});

describe('groupRuns', () => {
  const run = (runId: string, status: RunOverview['status'], startedAt: number) => ({ runId, status, startedAt }) as RunOverview;

  it('groups running / needs attention / done, newest first, dropping empty groups', () => {
    const groups = groupRuns([run('a', 'succeeded', 1), run('b', 'interrupted', 2), run('c', 'running', 3), run('d', 'failed', 4), run('e', 'cancelled', 5), run('f', 'budget_exceeded', 6)]);
    expect(groups.map((group) => [group.name, group.runs.map((entry) => entry.runId)])).toEqual([
      ['running', ['c']],
      ['needs_attention', ['f', 'e', 'd', 'b']],
      ['done', ['a']],
    ]);
    expect(groupRuns([run('a', 'succeeded', 1)]).map((group) => group.name)).toEqual(['done']);
  });
});
