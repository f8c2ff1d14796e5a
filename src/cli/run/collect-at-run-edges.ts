import type { RunEvent, RunEventSink } from '../../engine/index.js';
import type { ProjectRecorder } from '../../trace/index.js';
import { collectGarbage } from './collect-garbage.js';

/**
 * A run is wide enough for these collections to pay when its spec's canonical text has at least
 * this many characters (~420 per node: ~20,000 nodes). Below it the copies are a few MB, and
 * the peak is not the heap's (at 10,000 leaves the main heap is ~37 MB of a ~140 MB process).
 */
export const WIDE_SPEC_TEXT_CHARS = 8 * 1024 * 1024;

/** A reduce's start is a moment to collect only this many events after the last collection: a workflow of many small fan-ins pays for none. */
export const EVENTS_BETWEEN_REDUCE_COLLECTIONS = 10_000;

/**
 * The trace's sink, with full collections of the main thread's heap around the moments a wide
 * run holds a large string in several copies: once the trace has sent the run's start, when a
 * reduce starts, and on both sides of run_finished.
 *
 * - run_started carries the spec's canonical text (40 MB at 100,000 leaves); the trace's sink
 *   flattens it into one string and serializes that for the writer. V8's first full collection
 *   of the run came while those copies were alive and set the old generation's next limit from
 *   them (`--heap-growing-percent`, see keepOldGenerationTight): at 100,000 leaves it found
 *   114 MB alive, ~80 MB of it these copies, and let the heap grow to ~185 MB of mostly garbage
 *   while the writer held its own copies of the text to store it: the run's peak RSS. Once the
 *   batch holding run_started is sent, they are dead, and one collection sets the limit from
 *   what the run keeps.
 * - A reduce gathers every input's output into one prompt (24 MB at 100,000 leaves) and copies
 *   it again for its decision key; collected first, the fan-out's garbage is not left beside it.
 * - The trace's sink sends that prompt to the writer with run_finished's batch (and keeps a flat
 *   copy until its next collection), and the writer then holds it three times over while it
 *   stores it. Collecting before the trace takes run_finished, and again once it has sent it,
 *   keeps all of that from adding up at the run's end.
 *
 * The event loop gets no turn during a run of zero-latency leaves, so no timer could choose
 * these moments: the run's own events do.
 */
export class CollectAtRunEdges implements RunEventSink {
  private wide = false;
  private startCollected = false;
  private eventsSinceCollection = 0;

  constructor(
    private readonly trace: Pick<ProjectRecorder, 'sink' | 'startSent'>,
    private readonly collect: () => void = collectGarbage,
  ) {}

  emit(event: RunEvent): void {
    this.eventsSinceCollection += 1;
    if (event.type === 'run_started') this.wide = event.spec.length >= WIDE_SPEC_TEXT_CHARS;
    else if (this.wide && !this.startCollected && this.trace.startSent) {
      this.startCollected = true;
      this.collectNow();
    } else if (this.wide && event.type === 'node_started' && event.kind === 'reduce' && this.eventsSinceCollection > EVENTS_BETWEEN_REDUCE_COLLECTIONS) this.collectNow();
    const finishing = this.wide && event.type === 'run_finished';
    if (finishing) this.collectNow();
    this.trace.sink.emit(event);
    if (finishing) this.collectNow();
  }

  private collectNow(): void {
    this.eventsSinceCollection = 0;
    this.collect();
  }
}
