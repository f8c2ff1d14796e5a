// TUI responsiveness: folding a ~10,000-event stream of a 1,000-leaf run through the view-state
// reducer, rendering that run's detail, and the per-frame update loop (apply one poll's events,
// then render the visible window) that must stay under a 60 Hz frame (16 ms).
// Figures are medians/p95 over repetitions: the machine may be shared.
import { initialViewState, reduceViewState, TuiView } from '../dist/tui/index.js';
import { wideRunEvents } from '../dist/tui/testing/wide-run-events.js';

// React picks its build when first loaded; `whaleflow tui` runs the production build, so does this.
process.env.NODE_ENV ??= 'production';
const { createElement } = await import('react');
const { render: renderInk } = await import('ink-testing-library');

const leafCount = 1000;
const rows = 40;
// ink-testing-library's stdout is 100 columns wide.
const columns = 100;
const startAt = 1_700_000_000_000;

function stream() {
  // 1,000 leaves, 7 tool calls each, half finished: ~10,000 events.
  const events = wideRunEvents({ runId: 'bench', leafCount, activitiesPerLeaf: 7, finishedLeaves: 500, startAt, pid: process.pid });
  return events.map((event, seq) => ({ seq, event }));
}

function freshState() {
  return initialViewState({ now: startAt, rows, columns, isPidAlive: () => true, runId: 'bench' });
}

/** One long-lived Ink instance, as in the real TUI: each frame is a React update of the same tree. */
function renderer() {
  let instance;
  return {
    frame(state) {
      const tree = createElement(TuiView, { state });
      if (!instance) instance = renderInk(tree);
      else instance.rerender(tree);
      return instance.lastFrame() ?? '';
    },
    close: () => instance?.unmount(),
  };
}

function median(values) {
  return percentile(values, 0.5);
}

function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

function time(work) {
  const start = performance.now();
  const value = work();
  return { ms: performance.now() - start, value };
}

export async function run() {
  const events = stream();
  const applyTimes = [];
  let whole;
  for (let repeat = 0; repeat < 7; repeat += 1) {
    const applied = time(() => reduceViewState(freshState(), { type: 'poll', now: startAt + 1, batches: [{ runId: 'bench', events }] }));
    applyTimes.push(applied.ms);
    whole = applied.value;
  }

  const renderTimes = [];
  let frame = '';
  for (let repeat = 0; repeat < 7; repeat += 1) {
    const view = renderer();
    // A new state object each time so nothing is memoised across repetitions.
    const rendered = time(() => view.frame({ ...whole, version: whole.version + repeat }));
    renderTimes.push(rendered.ms);
    frame = rendered.value;
    view.close();
  }

  // The live loop: one poll of 100 events, then one frame of the visible window.
  const view = renderer();
  let state = freshState();
  const frameTimes = [];
  for (let start = 0; start < events.length; start += 100) {
    const batch = events.slice(start, start + 100);
    frameTimes.push(
      time(() => {
        state = reduceViewState(state, { type: 'poll', now: startAt + start, batches: [{ runId: 'bench', events: batch }] });
        view.frame(state);
      }).ms,
    );
  }
  // Cursor movement over the whole tree: a key press and a frame.
  const keyTimes = [];
  for (let index = 0; index < 60; index += 1) {
    keyTimes.push(
      time(() => {
        state = reduceViewState(state, { type: 'key', key: { name: index < 30 ? 'page_down' : 'down' } });
        view.frame(state);
      }).ms,
    );
  }
  view.close();
  const visibleLines = frame.split('\n').length;
  return [
    { bench: 'tui', metric: 'apply 10k events to the view state (median)', value: median(applyTimes), unit: 'ms', note: `${events.length} events, 1,000 leaves, one batch` },
    { bench: 'tui', metric: 'first render of a 1,000-leaf run detail (median)', value: median(renderTimes), unit: 'ms', note: `mount included; ${visibleLines} lines drawn of ${leafCount + 20} rows` },
    { bench: 'tui', metric: 'update loop median (100 events + frame)', value: median(frameTimes), unit: 'ms', target: '< 16', note: `${frameTimes.length} frames` },
    { bench: 'tui', metric: 'update loop p95 (100 events + frame)', value: percentile(frameTimes, 0.95), unit: 'ms', target: '< 16' },
    { bench: 'tui', metric: 'key press + frame p95', value: percentile(keyTimes, 0.95), unit: 'ms', target: '< 16' },
  ];
}
