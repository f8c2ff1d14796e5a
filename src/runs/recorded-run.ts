import { parseWorkflowSpec, type WorkflowSpec } from '../ir/index.js';
import type { RecordedWorkflowResult, RunEvent } from '../engine/index.js';
import { CorruptTraceError, type TraceStore } from '../trace/index.js';

/** What replay and resume read from a recorded run. */
export interface RecordedRun {
  readonly runId: string;
  readonly started: Extract<RunEvent, { type: 'run_started' }>;
  readonly spec: WorkflowSpec;
  readonly events: readonly RunEvent[];
  /** The recorded result (run-level fields and the node tree's digest), or null when the run never finished (crash, kill -9). */
  readonly result: RecordedWorkflowResult | null;
  /**
   * The run's node_started and node_finished events, read when first asked for: replay needs
   * them only to say where a replay diverged, and they are most of a big run's record.
   */
  nodeEvents(): readonly RunEvent[];
}

/** What replay and resume read: progress and node events are not needed to serve effects. */
const REPLAY_EVENT_TYPES: readonly RunEvent['type'][] = ['run_started', 'effect_requested', 'effect_completed', 'cancel_requested', 'run_finished'];
/**
 * A run with cancels also needs its node events: where nodes sit (expanded ones included) and
 * the partial usage of the nodes a cancel cut off (see RecordedCancels). Read only then, since
 * they are most of a big run's record.
 */
const CANCELLED_RUN_EVENT_TYPES: readonly RunEvent['type'][] = [...REPLAY_EVENT_TYPES, 'node_started', 'node_finished'];

/** Reads a run's effects and spec back; a run without a readable spec is a corrupt trace. */
export function readRecordedRun(store: TraceStore, runId: string): RecordedRun {
  let events = store.events(runId, 0, REPLAY_EVENT_TYPES).map((stored) => stored.event);
  if (events.some((event) => event.type === 'cancel_requested')) events = store.events(runId, 0, CANCELLED_RUN_EVENT_TYPES).map((stored) => stored.event);
  const nodeEvents = (): readonly RunEvent[] => store.events(runId, 0, NODE_EVENT_TYPES).map((stored) => stored.event);
  return recordedRunFromEvents(runId, events, nodeEvents);
}

const NODE_EVENT_TYPES: readonly RunEvent['type'][] = ['node_started', 'node_finished'];

export function recordedRunFromEvents(runId: string, events: readonly RunEvent[], nodeEvents?: () => readonly RunEvent[]): RecordedRun {
  const started = events.find((event): event is Extract<RunEvent, { type: 'run_started' }> => event.type === 'run_started');
  if (!started) throw new CorruptTraceError(`run ${runId} has no run_started event, so its workflow is unknown`);
  let raw: unknown;
  try {
    raw = JSON.parse(started.spec);
  } catch (error) {
    throw new CorruptTraceError(`run ${runId}: the recorded spec is not JSON (${(error as Error).message})`);
  }
  const parsed = parseWorkflowSpec(raw);
  if (!parsed.ok) throw new CorruptTraceError(`run ${runId}: the recorded spec does not parse (${parsed.diagnostics[0]?.message ?? 'unknown problem'})`);
  const finished = [...events].reverse().find((event): event is Extract<RunEvent, { type: 'run_finished' }> => event.type === 'run_finished');
  let nodes: readonly RunEvent[] | undefined;
  const readNodes = nodeEvents ?? ((): readonly RunEvent[] => events.filter((event) => event.type === 'node_started' || event.type === 'node_finished'));
  return { runId, started, spec: parsed.spec, events, result: finished?.result ?? null, nodeEvents: () => (nodes ??= readNodes()) };
}
