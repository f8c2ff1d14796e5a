// An expand's template is the pattern its planner follows, never a leaf that runs: every view
// that counts leaves (progress, ps, TUI, inspect, report) counts the expanded leaves only.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/index.js';
import { RunProgress } from '../cli/progress/index.js';
import { SqliteTraceStore } from '../trace/index.js';
import { initialViewState } from '../tui/initial-view-state.js';
import { reduceViewState } from '../tui/reduce-view-state.js';
import { selectDetailRows, selectListRuns } from '../tui/select-view.js';
import { RunOverviewFold } from './run-overview-fold.js';
import { parseSpec, recordMockRun, START_AT } from './testing/record-mock-run.js';

const EXPAND_SPEC = () =>
  parseSpec({
    id: 'grow',
    goal: 'expand',
    nodes: [{ kind: 'expand', spec: { id: 'more', source: 'list the steps', max_children: 3, template: { kind: 'leaf', spec: { id: 'step', prompt: 'do a step' } } } }],
  });

describe('leaf counts of a run with an expand', () => {
  it('a succeeded expand of three leaves shows 3/3 in progress, ps, the TUI, inspect and report — the template is not counted', async () => {
    const { events } = await recordMockRun(EXPAND_SPEC(), { runId: 'eeee5555-grow' });
    expect(events.filter((event) => event.type === 'node_finished' && event.kind === 'leaf').map((event) => (event as { nodeId: string }).nodeId)).toEqual(['step_1', 'step_2', 'step_3']);

    // The fold that ps, the TUI and the progress block share.
    const fold = new RunOverviewFold('eeee5555-grow');
    for (const event of events) fold.apply(event);
    expect(fold.overview({ now: START_AT, isPidAlive: () => false })).toMatchObject({ status: 'succeeded', leavesDone: 3, leavesTotal: 3 });

    // Plain progress: never a total above what ran.
    let text = '';
    const progress = new RunProgress('eeee5555-grow', { write: (chunk) => void (text += chunk), isTty: false });
    for (const event of events) progress.emit(event);
    progress.stop(); // the summary line comes once the run is recorded
    const lines = text.split('\n').filter(Boolean);
    expect(lines.at(-1)).toMatch(/^run succeeded: 3\/3 leaves/);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^\[(\d)\/\1\] step_\1 succeeded/);

    // The TUI: the run list's counts and a tree without the template row.
    let state = initialViewState({ now: START_AT + 10_000, isPidAlive: () => false });
    state = reduceViewState(state, { type: 'poll', now: START_AT + 10_000, batches: [{ runId: 'eeee5555-grow', events: events.map((event, seq) => ({ seq, event })) }] });
    expect(selectListRuns(state)[0]).toMatchObject({ leavesDone: 3, leavesTotal: 3 });
    expect(selectDetailRows(state, 'eeee5555-grow').map((row) => row.node.nodeId)).toEqual(['more', 'step_1', 'step_2', 'step_3']);

    // ps, inspect and report from the recorded trace.
    const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-expand-counts-'));
    const db = join(cwd, 'trace.db');
    const store = new SqliteTraceStore(db);
    store.appendEvents(events);
    store.close();
    const cli = (...argv: string[]) => runCliInMemory([...argv, '--db', db], { cwd, env: {} });
    expect((await cli('ps')).stdout).toMatch(/eeee5555.*succeeded\s+3\/3 leaves/);
    expect((await cli('inspect', 'last')).stdout).toContain('leaves 3 (3 succeeded)');
    expect((await cli('report', 'last')).stdout).toContain('| leaves | 3 (3 succeeded) |');
    const json = JSON.parse((await cli('ps', '--json')).stdout) as { leavesDone: number; leavesTotal: number }[];
    expect(json[0]).toMatchObject({ leavesDone: 3, leavesTotal: 3 });
  });
});
