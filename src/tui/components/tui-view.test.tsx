import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { RunEvent } from '../../engine/index.js';
import { InMemoryTraceStore } from '../../trace/index.js';
import { recordMockRun, REVIEW_FIXTURE, reviewSpec, START_AT } from '../../runs/testing/record-mock-run.js';
import { initialViewState } from '../initial-view-state.js';
import { reduceViewState } from '../reduce-view-state.js';
import { wideRunEvents } from '../testing/wide-run-events.js';
import { TuiApp } from '../tui-app.js';
import type { ViewAction, ViewState } from '../view-state.js';
import { TuiView } from './tui-view.js';

afterEach(() => cleanup());

const stored = (events: readonly RunEvent[]) => events.map((event, seq) => ({ seq, event }));
const char = (value: string): ViewAction => ({ type: 'key', key: { name: 'char', char: value } });
const enter: ViewAction = { type: 'key', key: { name: 'enter' } };

async function stateWithRuns(rows = 30): Promise<ViewState> {
  const finished = (await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE, runId: 'aaaa1111-finished' })).events;
  const live = wideRunEvents({ runId: 'bbbb2222-live', leafCount: 10, leavesPerBranch: 5, startAt: START_AT + 10_000, finishedLeaves: 4, pid: 7 });
  return reduceViewState(initialViewState({ now: START_AT + 75_000, rows, columns: 100, isPidAlive: () => true, staleAfterMs: 1e9 }), {
    type: 'poll',
    now: START_AT + 75_000,
    batches: [
      { runId: 'aaaa1111-finished', events: stored(finished) },
      { runId: 'bbbb2222-live', events: stored(live) },
    ],
  });
}

describe('TuiView frames', () => {
  it('empty state: says how to start a run', () => {
    const { lastFrame } = render(<TuiView state={initialViewState({ now: 0 })} />);
    expect(lastFrame()).toContain('No runs yet');
    expect(lastFrame()).toContain('q quit');
  });

  it('list: groups, per-run facts and list totals', async () => {
    const { lastFrame } = render(<TuiView state={await stateWithRuns()} />);
    const frame = lastFrame()!;
    expect(frame).toContain('Running');
    expect(frame).toContain('Done');
    expect(frame).toMatch(/bbbb2222\s+wide 10\s+running\s+4\/10 leaves/);
    expect(frame).toMatch(/aaaa1111\s+review\s+succeeded\s+3\/3 leaves/);
    expect(frame).toContain('2 runs · 1 running');
  });

  it('detail: the tree with glyphs, roles, tokens, elapsed, last activity, stale flags and budget', async () => {
    const state = [enter].reduce(reduceViewState, await stateWithRuns());
    const frame = render(<TuiView state={state} />).lastFrame()!;
    expect(frame).toContain('▾ ● branch-0');
    expect(frame).toMatch(/✓ leaf-0\s+coder\s+120 tok\s+\$0\.000030\s+memo 1/);
    expect(frame).toMatch(/● leaf-4\s+coder\s+1m0\ds · tool call 0: read file-4\.ts \[stale\]/);
    expect(frame).toContain('budget: 480/2.0k tok');
  });

  it('drill-down: prompt, tool calls and output of a leaf', async () => {
    let state = [enter, char('j'), enter].reduce(reduceViewState, await stateWithRuns());
    state = reduceViewState(state, { type: 'leaf_loaded', detail: { runId: 'bbbb2222-live', nodeId: 'leaf-0', activities: ['tool call 0: read file-0.ts'], fullOutput: 'patch for part 0\nline 2' } });
    const frame = render(<TuiView state={state} />).lastFrame()!;
    expect(frame).toContain('leaf-0 — succeeded');
    expect(frame).toContain('Prompt: do part 0');
    expect(frame).toContain('tool call 0: read file-0.ts');
    expect(frame).toContain('patch for part 0');
    expect(frame).toContain('line 2');
  });

  it('drill-down: a leaf that used external memory says which contexts, how much, and the tokens it avoided (an estimate)', () => {
    const memory = { contexts: { build_log: { context_bytes: 5_000_000 } }, operations: 4, bytes_returned: 5_325, tokens_avoided_estimate: 6_255_929 };
    const events = wideRunEvents({ runId: 'cccc3333-memory', leafCount: 2, leavesPerBranch: 2, startAt: START_AT, finishedLeaves: 2, pid: 7 }).map((event) =>
      event.type === 'node_finished' && event.nodeId === 'leaf-0' ? { ...event, details: { ...event.details, data: { memory } } } : event,
    );
    const listed = reduceViewState(initialViewState({ now: START_AT + 75_000, rows: 30, columns: 120, isPidAlive: () => true, staleAfterMs: 1e9 }), { type: 'poll', now: START_AT + 75_000, batches: [{ runId: 'cccc3333-memory', events: stored(events) }] });
    const frame = render(<TuiView state={[enter, char('j'), enter].reduce(reduceViewState, listed)} />).lastFrame()!;
    expect(frame).toContain('leaf-0 — succeeded');
    expect(frame).toContain('External memory build_log: 4 ops, 5.2 KiB returned, ~6.3M tok avoided (est.)');
  });

  it('error state and the cancel confirmation take the status line', async () => {
    const failed = reduceViewState(await stateWithRuns(), { type: 'error', text: 'reading the trace failed: disk I/O error' });
    expect(render(<TuiView state={failed} />).lastFrame()).toContain('reading the trace failed: disk I/O error');
    const confirming = reduceViewState(await stateWithRuns(), char('x'));
    expect(render(<TuiView state={confirming} />).lastFrame()).toContain('Cancel run bbbb2222? (y/n)');
  });

  it('draws only the visible window of a 1,000-leaf run', () => {
    const events = wideRunEvents({ runId: 'big', leafCount: 1000 });
    const state = reduceViewState(initialViewState({ now: START_AT, rows: 24, columns: 120, isPidAlive: () => true, runId: 'big' }), { type: 'poll', now: START_AT, batches: [{ runId: 'big', events: stored(events) }] });
    const frame = render(<TuiView state={state} />).lastFrame()!;
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
    expect(frame).toContain('leaf-0');
    expect(frame).not.toContain('leaf-999');
  });
});

describe('TuiApp', () => {
  it('polls the store, follows keys and writes a cancel request after y', async () => {
    const store = new InMemoryTraceStore();
    store.appendEvents(wideRunEvents({ runId: 'cccc3333-live', leafCount: 4, finishedLeaves: 1, startAt: Date.now(), pid: process.pid }));
    const app = render(<TuiApp store={store} cwd="/nonexistent" entryScript={undefined} initial={{ rows: 30, columns: 100 }} pollIntervalMs={20} />);
    await until(() => app.lastFrame()!.includes('cccc3333'));
    app.stdin.write('\r');
    await until(() => app.lastFrame()!.includes('branch-0'));
    app.stdin.write('j');
    app.stdin.write('j');
    await until(() => app.lastFrame()!.includes('›') || true);
    app.stdin.write('x');
    await until(() => app.lastFrame()!.includes('(y/n)'));
    app.stdin.write('y');
    await until(() => store.readCancelRequests('cccc3333-live').length === 1);
    expect(store.readCancelRequests('cccc3333-live')[0]!.nodeId).toBe('leaf-1');
    await until(() => app.lastFrame()!.includes('cancel requested for node leaf-1'));
    app.unmount();
  });
});

async function until(condition: () => boolean, deadlineMs = 5000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('an interrupted run in the detail view', () => {
  it('freezes elapsed times at its last sign of life and marks leaves left running with !', () => {
    const events = wideRunEvents({ runId: 'dead', leafCount: 2, leavesPerBranch: 2, finishedLeaves: 1, pid: 31337 });
    const state = reduceViewState(initialViewState({ now: START_AT + 600_000, rows: 20, columns: 100, isPidAlive: () => false, runId: 'dead' }), {
      type: 'poll',
      now: START_AT + 600_000,
      batches: [{ runId: 'dead', events: stored(events) }],
    });
    const frame = render(<TuiView state={state} />).lastFrame()!;
    expect(frame).toContain('interrupted');
    expect(frame).toContain('→ whaleflow resume dead');
    expect(frame).toMatch(/! leaf-1\s+coder\s+\d+ms/);
    expect(frame).not.toContain('[stale]');
    expect(frame).not.toContain('10m');
  });
});
