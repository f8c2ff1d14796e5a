import type { RunEvent, RunEventSink } from '../../engine/index.js';
import { collectGarbage } from './collect-garbage.js';

/**
 * A run is wide enough for these collections to pay when its spec's canonical text has at least
 * this many characters (~420 per node: ~20,000 nodes). Below it the copies are a few MB, and
 * the peak is not the heap's (at 10,000 leaves the main heap is ~37 MB of a ~140 MB process).
 */
export const WIDE_SPEC_TEXT_CHARS = 8 * 1024 * 1024;

/**
 * Two full collections of the main thread's heap in a wide run, at the two moments it hands the
 * writer thread a large string: once the trace has sent its start, and before its end.
 *
 * - run_started carries the spec's canonical text (40 MB at 100,000 leaves); the trace's sink
 *   flattens it into one string and serializes that for the writer. V8's first full collection
 *   of the run came while those copies were alive and set the old generation's next limit from
 *   them (`--heap-growing-percent`, see keepOldGenerationTight): at 100,000 leaves it found
 *   114 MB alive, ~80 MB of it these copies, and let the heap grow to ~185 MB of mostly garbage
 *   while the writer held its own copies of the text to store it: the run's peak RSS. Once the
 *   batch holding run_started is sent, they are dead, and one collection sets the limit from
 *   what the run keeps.
 * - A fan-in builds its prompt from every output (24 MB at 100,000 leaves) and leaves its
 *   copies behind as garbage; run_finished then sends the prompt on to the writer, which holds
 *   it three times over while it stores it. Collecting before the trace's sink takes
 *   run_finished keeps that garbage and those copies from adding up.
 *
 * A sink listening *before* the trace's (FanOutEventSink keeps order), told by the trace
 * whether the start has been sent: the event loop gets no turn during a run of zero-latency
 * leaves, so no timer could choose these moments.
 */
export class CollectAtRunEdges implements RunEventSink {
  private wide = false;
  private startCollected = false;

  constructor(
    private readonly startSent: () => boolean,
    private readonly collect: () => void = collectGarbage,
  ) {}

  emit(event: RunEvent): void {
    if (event.type === 'run_started') {
      this.wide = event.spec.length >= WIDE_SPEC_TEXT_CHARS;
      return;
    }
    if (!this.wide) return;
    if (event.type === 'run_finished') this.collect();
    else if (!this.startCollected && this.startSent()) {
      this.startCollected = true;
      this.collect();
    }
  }
}
