import v8 from 'node:v8';

/**
 * Keeps `whaleflow run`'s young generation at the size it has now (so: as early as possible).
 * V8 doubles a semi-space whenever scavenges have found more survivors than it holds, up to
 * 16 MiB each (32 MiB for the two), and keeps it: compiling a wide workflow and a run of
 * thousands of short leaves grow it to the limit. A run keeps little of what a leaf allocates (its events are
 * serialized as they are emitted), so a small young generation costs few extra promotions,
 * and it saved ~20 MB of peak RSS at 10,000 leaves (docs/performance.md) with no more
 * CPU. `--max-semi-space-size` would say it directly, but Node reads it only at its start.
 *
 * Starting a thread resets this flag (V8 raises the factor back to 2 whenever it configures a
 * heap), so `run` sets it again once the trace writer thread's heap exists (TraceWriterThread).
 */
export function keepYoungGenerationSmall(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
