import { useApp, useInput, useStdout } from 'ink';
import { useEffect, useReducer } from 'react';
import type { TraceStore } from '../trace/index.js';
import type { LessonSource } from './lesson-source.js';
import { TuiView } from './components/tui-view.js';
import { initialViewState, type InitialViewOptions } from './initial-view-state.js';
import { toKeyPresses } from './key-press.js';
import { performViewEffect } from './perform-view-effect.js';
import { reduceViewState } from './reduce-view-state.js';
import { StorePoller } from './store-poller.js';
import { describeError } from '../util/index.js';

/** How often the TUI reads new events (and advances its clock). */
export const POLL_INTERVAL_MS = 250;

export interface TuiAppProps {
  readonly store: TraceStore;
  readonly cwd: string;
  readonly entryScript: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly initial: Omit<InitialViewOptions, 'now'>;
  readonly now?: () => number;
  readonly pollIntervalMs?: number;
  /** Lessons and the overlay, for the lessons view (`L`). */
  readonly lessons?: LessonSource;
  /** One line of database and memo sizes and the last janitor pass, for the footer (read every few seconds). */
  readonly storage?: () => string | undefined;
}

/** Polls between two reads of `storage` (sizes change slowly; summing the memo is not free). */
const STORAGE_EVERY_POLLS = 20;

/**
 * The thin Ink shell: polls the store into the reducer, feeds it keys and terminal size,
 * performs the effects it requests, and renders TuiView. Everything else is in the reducer.
 */
export function TuiApp(props: TuiAppProps) {
  const now = props.now ?? Date.now;
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [state, dispatch] = useReducer(reduceViewState, undefined, () =>
    initialViewState({ ...props.initial, now: now(), rows: props.initial.rows ?? stdout.rows, columns: props.initial.columns ?? stdout.columns }),
  );

  useEffect(() => {
    const poller = new StorePoller(props.store);
    let polls = 0;
    const poll = (): void => {
      try {
        dispatch({ type: 'poll', batches: poller.poll(), now: now() });
        const storage = polls++ % STORAGE_EVERY_POLLS === 0 ? props.storage?.() : undefined;
        if (storage !== undefined) dispatch({ type: 'storage', text: storage });
      } catch (error) {
        dispatch({ type: 'error', text: `reading the trace failed: ${describeError(error)}` });
      }
    };
    poll();
    const timer = setInterval(poll, props.pollIntervalMs ?? POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [props.store]);

  useEffect(() => {
    const onResize = (): void => dispatch({ type: 'resize', rows: stdout.rows, columns: stdout.columns });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);

  useEffect(() => {
    if (state.pendingEffects.length === 0) return;
    const effects = state.pendingEffects;
    dispatch({ type: 'effects_taken' });
    const liveness = { now: now(), isPidAlive: props.initial.isPidAlive, staleAfterMs: props.initial.staleAfterMs };
    for (const effect of effects) performViewEffect(effect, { store: props.store, cwd: props.cwd, entryScript: props.entryScript, env: props.env, dispatch, quit: exit, liveness, ...(props.lessons ? { lessons: props.lessons } : {}) });
  }, [state.pendingEffects]);

  useInput((input, key) => {
    if (key.ctrl && input === 'c') {
      exit();
      return;
    }
    for (const press of toKeyPresses(input, key)) dispatch({ type: 'key', key: press });
  });

  return <TuiView state={state} />;
}
