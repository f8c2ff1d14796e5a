import { describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../engine/index.js';
import { RunOverviewFold } from '../../runs/index.js';
import { leafNode, parseSpec, recordMockRun, REVIEW_FIXTURE, reviewSpec, START_AT } from '../../runs/testing/record-mock-run.js';

/** A draft, then a loop whose test fails once: its body runs twice. */
const LOOP_SPEC = () =>
  parseSpec({
    id: 'loop-run',
    goal: 'iterate',
    nodes: [
      leafNode('draft'),
      { kind: 'loop_until', spec: { id: 'fix-loop', condition: 'tests pass', max_iterations: 3, until: { tests_pass: ['check'] }, children: [leafNode('refine'), leafNode('check', { command: 'true' })] } },
    ],
  });
const LOOP_FIXTURE = 'leaves:\n  - match: {id: check}\n    exit_codes: [1, 0]\n';
import { RunProgress } from './run-progress.js';

describe('RunProgress', () => {
  it('prints one plain line per finished leaf and a summary when stdout is not a TTY', async () => {
    const { events } = await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE });
    let text = '';
    const progress = new RunProgress('run-review', { write: (chunk) => void (text += chunk), isTty: false });
    for (const event of events) progress.emit(event);
    expect(text).not.toContain('run succeeded'); // the summary waits for stop(): the trace has the run by then
    progress.stop();
    expect(text.split('\n').filter(Boolean)).toEqual([
      '[1/3] correctness succeeded 1s',
      '[2/3] tests succeeded 2s',
      '[3/3] design succeeded 4s',
      expect.stringMatching(/^run succeeded: 3\/3 leaves, 4s, \d+ tok, \$0\.\d+, memo hits 0$/),
    ]);
    expect(text).not.toContain('\x1b[');
  });

  it('redraws a block in place on a TTY: bar, running leaves with elapsed, slowest', async () => {
    const { events } = await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE });
    const cut = events.findIndex((event) => event.type === 'node_finished' && event.nodeId === 'correctness');
    const frames: string[] = [];
    const progress = new RunProgress('run-review', { write: (chunk) => void frames.push(chunk), isTty: true }, { now: () => START_AT + 1500 });
    for (const event of events.slice(0, cut + 1)) progress.emit(event);
    progress.redraw();
    progress.emit(events[cut + 1]!);
    progress.redraw();
    expect(frames[0]).toContain('1/3 leaves');
    expect(frames[0]).toContain('● tests 1s');
    expect(frames[0]).toContain('● design 1s');
    expect(frames[0]).toContain('slowest: ');
    // The second frame first erases the lines of the first.
    expect(frames[1]!.startsWith('\x1b[1A\x1b[2K'.repeat(frames[0]!.split('\n').length - 1))).toBe(true);
    // stop() draws the final frame once; a second stop (after the summary was printed) draws nothing.
    progress.stop();
    const written = frames.length;
    progress.stop();
    progress.redraw();
    expect(frames.length).toBe(written);
  });

  it('counts leaf executions in a loop: the total grows with each iteration and done never passes it', async () => {
    const { events } = await recordMockRun(LOOP_SPEC(), { fixture: LOOP_FIXTURE, runId: 'run-loop' });
    let text = '';
    const progress = new RunProgress('run-loop', { write: (chunk) => void (text += chunk), isTty: false });
    for (const event of events) progress.emit(event);
    progress.stop();
    const lines = text.split('\n').filter(Boolean);
    expect(lines.slice(0, 5).map((line) => line.replace(/ \d+(ms|s)\b.*$/, ''))).toEqual([
      '[1/3] draft succeeded',
      '[2/3] refine succeeded',
      '[3/3] check failed',
      '[4/4] refine (iteration 2) succeeded',
      '[5/5] check (iteration 2) succeeded',
    ]);
    expect(lines[5]).toMatch(/^run succeeded: 5\/5 leaves/);
    // ps and the TUI read the same fold: the same counts.
    const fold = new RunOverviewFold('run-loop');
    for (const event of events) fold.apply(event);
    expect(fold.overview({ now: START_AT, isPidAlive: () => false })).toMatchObject({ leavesDone: 5, leavesTotal: 5 });
  });

  it('plain progress reads kept counts per finished leaf: the whole overview (a walk of every node) is built once, for the summary', async () => {
    const { events } = await recordMockRun(wideSpec(200), { runId: 'run-wide' });
    const overview = vi.spyOn(RunOverviewFold.prototype, 'overview');
    try {
      let text = '';
      const progress = new RunProgress('run-wide', { write: (chunk) => void (text += chunk), isTty: false });
      for (const event of events) progress.emit(event);
      progress.stop();
      expect(text.split('\n').filter(Boolean)).toHaveLength(201);
      expect(text).toContain('[200/200] ');
      expect(overview).toHaveBeenCalledTimes(1);
    } finally {
      overview.mockRestore();
    }
  });

  it('the kept counts equal a recount from scratch after every event (loops, failures, cancels)', async () => {
    const runs = [
      await recordMockRun(LOOP_SPEC(), { fixture: LOOP_FIXTURE, runId: 'run-loop' }),
      await recordMockRun(wideSpec(12), { fixture: 'leaves:\n  - match: {id: leaf-3}\n    failure: {kind: terminal}\n', runId: 'run-wide' }),
    ];
    for (const [index, { events }] of runs.entries()) {
      const fold = new RunOverviewFold(index === 0 ? 'run-loop' : 'run-wide');
      for (const [seen, event] of events.entries()) {
        fold.apply(event);
        expect(fold.leafCounts()).toEqual(recount(fold, events.slice(0, seen + 1)));
        const overview = fold.overview({ now: START_AT, isPidAlive: () => true });
        expect([overview.leavesDone, overview.leavesTotal, overview.leavesRunning, overview.failures]).toEqual([fold.leafCounts().done, fold.leafCounts().total, fold.leafCounts().running, fold.leafCounts().failures]);
        expect(fold.runningLeaves().map((leaf) => leaf.nodeId).sort()).toEqual(fold.leaves().filter((leaf) => leaf.status === 'running').map((leaf) => leaf.nodeId).sort());
      }
      expect(fold.leafCounts().failures).toBe(index === 0 ? 0 : 1);
    }
  });
});

/** One parallel branch of `count` leaves. */
function wideSpec(count: number) {
  return parseSpec({ id: 'wide', goal: 'fan out', nodes: [{ kind: 'branch_set', spec: { id: 'fan', parallel: true, children: Array.from({ length: count }, (_, index) => leafNode(`leaf-${index}`)) } }] });
}

/** The counts by their definition, from the events themselves: executions per leaf (at least one), finished ones, running and failed leaves now. */
function recount(fold: RunOverviewFold, seen: readonly RunEvent[]) {
  let total = 0;
  let done = 0;
  for (const leaf of fold.leaves()) {
    const started = seen.filter((event) => event.type === 'node_started' && event.nodeId === leaf.nodeId).length;
    const finished = seen.filter((event) => event.type === 'node_finished' && event.nodeId === leaf.nodeId).length;
    total += Math.max(1, started, finished);
    done += finished;
  }
  const leaves = fold.leaves();
  return {
    total,
    done,
    running: leaves.filter((leaf) => leaf.status === 'running').length,
    failures: leaves.filter((leaf) => leaf.status === 'failed' || leaf.status === 'replay_diverged').length,
  };
}
