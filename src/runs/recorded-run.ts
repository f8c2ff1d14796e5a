import { parseRecordedSpec, type RecordedSpecRead, type WorkflowSpec } from '../ir/index.js';
import { sha256Hex } from '../util/index.js';
import type { RecordedWorkflowResult, RunEvent } from '../engine/index.js';
import { CorruptTraceError, eventsOf, RecordedCancels, RecordedEffects, RecordedRows, SqliteTraceStore, type RecordedEventFeed, type TraceStore } from '../trace/index.js';

type RunStarted = Extract<RunEvent, { type: 'run_started' }>;
type RunFinished = Extract<RunEvent, { type: 'run_finished' }>;

/** What replay and resume read from a recorded run. */
export interface RecordedRun {
  readonly runId: string;
  readonly started: RunStarted;
  readonly spec: WorkflowSpec;
  /**
   * The recorded spec text with its SHA-256, when it is exactly `JSON.stringify(spec)` and hashes
   * to the recorded spec hash: a replay's run_started records it as it is (see ExecuteRequest.specText).
   */
  readonly specText?: { readonly text: string; readonly sha256: string };
  /** The recorded effects, indexed by slot and key (built when first asked for, checking the trace's consistency). */
  readonly effects: RecordedEffects;
  /** Every row of the run as a replay by reference compares with them, when read with `noteRows` (see RecordedRows). */
  readonly rows?: RecordedRows;
  /** The recorded cancels a replay applies again; empty for a run without any. */
  readonly cancels: RecordedCancels;
  /**
   * The events replay and resume are built from (run markers, effects, cancels), as one list,
   * read when first asked for: replay and resume use `effects` and `cancels`, which a big run is
   * streamed into without holding its events.
   */
  readonly events: readonly RunEvent[];
  /** The recorded result (run-level fields and the node tree's digest), or null when the run never finished (crash, kill -9). */
  readonly result: RecordedWorkflowResult | null;
  /**
   * The run's node_started and node_finished events, read when first asked for: replay needs
   * them only to say where a replay diverged, and they are most of a big run's record.
   */
  nodeEvents(): Iterable<RunEvent>;
}

/** What replay and resume read: progress and node events are not needed to serve effects. */
const REPLAY_EVENT_TYPES: readonly RunEvent['type'][] = ['run_started', 'effect_requested', 'effect_completed', 'cancel_requested', 'run_finished'];
/**
 * A run with cancels also needs its node events: where nodes sit (expanded ones included) and
 * the partial usage of the nodes a cancel cut off (see RecordedCancels). Read only then, since
 * they are most of a big run's record.
 */
const CANCEL_EVENT_TYPES: readonly RunEvent['type'][] = ['cancel_requested', 'effect_completed', 'node_started', 'node_finished'];
const NODE_EVENT_TYPES: readonly RunEvent['type'][] = ['node_started', 'node_finished'];

/**
 * Reads a run's effects and spec back, streaming its rows: the effects are indexed as they are
 * read, so a run of 100,000 leaves is never held as events. A run without a readable spec is a
 * corrupt trace.
 */
export function readRecordedRun(store: TraceStore, runId: string, options: { readonly noteRows?: boolean } = {}): RecordedRun {
  // Noted in the same pass (it reads every row anyway, to filter them by type): what a replay
  // recording by reference compares with (recordReplayByReference).
  const rows = options.noteRows && store instanceof SqliteTraceStore ? new RecordedRows() : undefined;
  let started: RunStarted | undefined;
  let finished: RunFinished | undefined;
  let cancelled = false;
  // The markers noted on the way, each event then handed on with its row's sequence number.
  const feed: RecordedEventFeed = (take) => {
    const each = (seq: number, event: RunEvent): void => {
      if (event.type === 'run_started') started ??= event;
      else if (event.type === 'run_finished') finished = event;
      else if (event.type === 'cancel_requested') cancelled = true;
      take(seq, event);
    };
    if (rows) (store as SqliteTraceStore).readNoting(runId, REPLAY_EVENT_TYPES, rows, each);
    else for (const stored of store.eventStream(runId, { types: REPLAY_EVENT_TYPES })) each(stored.seq, stored.event);
  };
  const effects = new RecordedEffects(feed);
  const { spec, specText } = recordedSpec(runId, started);
  const cancels = new RecordedCancels(spec, cancelled ? [...eventsOf(store.eventStream(runId, { types: CANCEL_EVENT_TYPES }))] : []);
  let events: readonly RunEvent[] | undefined;
  return {
    runId,
    started: started!,
    spec,
    ...(specText ? { specText } : {}),
    effects,
    ...(rows ? { rows } : {}),
    cancels,
    get events() {
      return (events ??= [...eventsOf(store.eventStream(runId, { types: REPLAY_EVENT_TYPES }))]);
    },
    result: finished?.result ?? null,
    nodeEvents: () => eventsOf(store.eventStream(runId, { types: NODE_EVENT_TYPES })),
  };
}

/** A recorded run from its events in memory (an export file, a test's tampered copy). */
export function recordedRunFromEvents(runId: string, events: readonly RunEvent[]): RecordedRun {
  const started = events.find((event): event is RunStarted => event.type === 'run_started');
  const { spec } = recordedSpec(runId, started);
  const finished = [...events].reverse().find((event): event is RunFinished => event.type === 'run_finished');
  let effects: RecordedEffects | undefined;
  let cancels: RecordedCancels | undefined;
  return {
    runId,
    started: started!,
    spec,
    get effects() {
      return (effects ??= new RecordedEffects(events));
    },
    get cancels() {
      return (cancels ??= new RecordedCancels(spec, events));
    },
    events,
    result: finished?.result ?? null,
    nodeEvents: () => events.filter((event) => event.type === 'node_started' || event.type === 'node_finished'),
  };
}

function recordedSpec(runId: string, started: RunStarted | undefined): Pick<RecordedRun, 'spec' | 'specText'> {
  if (!started) throw new CorruptTraceError(`run ${runId} has no run_started event, so its workflow is unknown`);
  let parsed: RecordedSpecRead;
  try {
    parsed = parseRecordedSpec(started.spec);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new CorruptTraceError(`run ${runId}: the recorded spec is not JSON (${error.message})`);
  }
  if (!parsed.ok) throw new CorruptTraceError(`run ${runId}: the recorded spec does not parse (${parsed.diagnostics[0]?.message ?? 'unknown problem'})`);
  // Hashed again here, not taken from the blob's name: the text is recorded as the spec whose hash run_started names.
  const sha256 = parsed.canonical ? sha256Hex(started.spec) : undefined;
  return sha256 !== undefined && sha256 === started.specHash ? { spec: parsed.spec, specText: { text: started.spec, sha256 } } : { spec: parsed.spec };
}
