import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { initialViewState } from '../initial-view-state.js';
import { reduceViewState } from '../reduce-view-state.js';
import { TuiView } from './tui-view.js';

afterEach(() => cleanup());

describe('the footer shows storage telemetry', () => {
  const line = 'db 4.0 MiB (1.0 MiB free) · memo 12 entries, 3.0 KiB, 1 stale · janitor: pass 2 5m ago, completed';

  it('on the run list, once the shell has read it', () => {
    const state = reduceViewState(initialViewState({ now: 0 }), { type: 'storage', text: line });
    expect(render(<TuiView state={state} />).lastFrame()).toContain('memo 12 entries, 3.0 KiB, 1 stale · janitor: pass 2 5m ago');
  });

  it('not before it was read, and an unchanged line does not redraw', () => {
    const empty = initialViewState({ now: 0 });
    expect(render(<TuiView state={empty} />).lastFrame()).not.toContain('janitor:');
    const once = reduceViewState(empty, { type: 'storage', text: line });
    expect(reduceViewState(once, { type: 'storage', text: line })).toBe(once);
  });
});
