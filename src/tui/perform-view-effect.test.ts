import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InMemoryTraceStore, parseTraceExport } from '../trace/index.js';
import { recordMockRun, REVIEW_FIXTURE, reviewSpec, START_AT } from '../runs/testing/record-mock-run.js';
import { wideRunEvents } from './testing/wide-run-events.js';
import { performViewEffect } from './perform-view-effect.js';
import type { ViewAction } from './view-state.js';

async function setup() {
  const store = new InMemoryTraceStore();
  store.appendEvents((await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE, runId: 'done-run' })).events);
  store.appendEvents(wideRunEvents({ runId: 'live-run', leafCount: 3, finishedLeaves: 1, activitiesPerLeaf: 2 }));
  const actions: ViewAction[] = [];
  let quit = false;
  const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-tui-effects-'));
  const environment = { store, cwd, entryScript: undefined, dispatch: (action: ViewAction) => void actions.push(action), quit: () => void (quit = true), liveness: { now: START_AT + 1000, isPidAlive: () => true } };
  return { store, actions, cwd, environment, quitted: () => quit };
}

describe('performViewEffect', () => {
  it('R writes the Markdown report and e the export under .whaleflow, and says where', async () => {
    const { actions, cwd, environment } = await setup();
    performViewEffect({ type: 'report', runId: 'done-run' }, environment);
    performViewEffect({ type: 'export', runId: 'done-run' }, environment);
    const report = join(cwd, '.whaleflow', 'reports', 'done-run.md');
    const exported = join(cwd, '.whaleflow', 'exports', 'done-run.json');
    expect(actions).toEqual([
      { type: 'message', text: `report written to ${report}` },
      { type: 'message', text: `export written to ${exported}` },
    ]);
    expect(readFileSync(report, 'utf8')).toContain('correctness');
    expect(parseTraceExport(readFileSync(exported, 'utf8')).events.length).toBeGreaterThan(0);
  });

  it('loads a leaf\'s tool calls and full output on demand', async () => {
    const { actions, environment } = await setup();
    performViewEffect({ type: 'load_leaf', runId: 'live-run', nodeId: 'leaf-0' }, environment);
    expect(actions).toEqual([
      { type: 'leaf_loaded', detail: { runId: 'live-run', nodeId: 'leaf-0', activities: ['tool call 0: read file-0.ts', 'tool call 1: read file-0.ts'], fullOutput: 'patch for part 0' } },
    ]);
  });

  it('writes a cancel request; failures come back as an error line, and q quits', async () => {
    const { store, actions, environment, quitted } = await setup();
    performViewEffect({ type: 'cancel', runId: 'live-run', nodeId: 'leaf-2' }, environment);
    expect(store.readCancelRequests('live-run').map((request) => request.nodeId)).toEqual(['leaf-2']);
    performViewEffect({ type: 'report', runId: 'no-such-run' }, environment);
    performViewEffect({ type: 'replay', runId: 'done-run' }, environment);
    expect(actions.map((action) => action.type)).toEqual(['message', 'error', 'error']);
    expect(existsSync(join(environment.cwd, '.whaleflow', 'reports', 'no-such-run.md'))).toBe(false);
    performViewEffect({ type: 'quit' }, environment);
    expect(quitted()).toBe(true);
  });
});
