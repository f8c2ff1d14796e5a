import { performance } from 'node:perf_hooks';

/** The phases `whaleflow run --json` reports, in milliseconds, in the order they happen. */
export interface RunTimingFigures {
  /** Reading, compiling and validating the workflow file, and preparing the overlay. */
  compile_ms?: number;
  /** Providers and fixtures, the permission pre-flight and estimate, opening the trace. */
  preflight_ms?: number;
  /** The engine's run, from the first event to the result. */
  run_ms?: number;
  /** Waiting until every event of the run is committed to the trace. */
  trace_flush_ms?: number;
  /** Everything above, from the command's start (Node start-up and imports excluded). */
  total_ms?: number;
}

/**
 * Wall-clock laps of one `whaleflow run`, on the monotonic clock. Only the CLI reads it — the
 * engine keeps its injected clock — so timing never enters the trace or a replay.
 */
export class RunTiming {
  private readonly startedAt = performance.now();
  private lapStartedAt = this.startedAt;
  private readonly laps: RunTimingFigures = {};

  lap(phase: Exclude<keyof RunTimingFigures, 'total_ms'>): void {
    const now = performance.now();
    this.laps[phase] = round(now - this.lapStartedAt);
    this.lapStartedAt = now;
  }

  figures(): RunTimingFigures {
    return { ...this.laps, total_ms: round(performance.now() - this.startedAt) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
