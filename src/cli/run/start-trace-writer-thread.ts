import v8 from 'node:v8';
import { TraceWriterThread, type StartedWriterWorker } from '../../trace/index.js';
import { keepOldGenerationTight } from './keep-old-generation-tight.js';
import { keepYoungGenerationSmall } from './keep-young-generation-small.js';
import { optimizeWithoutInlining } from './optimize-without-inlining.js';

/** Past this the command goes on without waiting for the writer thread's heap (it only decides whether the young generation is held). */
const WRITER_HEAP_WAIT_MS = 2_000;

/**
 * From this many leaves on, a run's writer thread keeps V8's small default young generation
 * (its spec text is then ≥ 8 MiB, where `CollectAtRunEdges` starts collecting at its edges too).
 */
export const WIDE_RUN_LEAVES = 20_000;

/** The writer thread's semi-spaces below WIDE_RUN_LEAVES, in MiB (V8's default start is 1). */
export const WRITER_SEMI_SPACE_MB = 4;

let handedOver: StartedWriterWorker | undefined;

/**
 * The writer thread the launcher started before `run` set V8's flags (bin/early-trace-writer.cjs:
 * started under them, Node's own modules compiled from source in it, ~30 ms more CPU and that much
 * later to its first row), for the process's next startTraceWriterThread: a narrow run adopts it,
 * a wide one ends it and starts its own.
 */
export function handOverTraceWriterThread(started: StartedWriterWorker): void {
  handedOver = started;
}

/**
 * Starts a trace writer thread under the V8 flags `whaleflow run` runs with, for every command
 * that records through one (`run`, a `replay` that records in full): V8 accepts the writer's code
 * cache only under the flags it was made with (scripts/write-code-cache.cjs), and compiles the
 * script anew under any others. Configuring the thread's heap resets the young generation's
 * flag, which is set again once that is seen to be done (and by `run` after its compile too:
 * Node reports the thread's limits a moment before V8 applies them).
 *
 * `wide`: the run may launch WIDE_RUN_LEAVES leaves or more. Below that the thread's heap is
 * made with larger semi-spaces: the writer allocates every row it binds and every batch it
 * receives, and with V8's 1 MiB start (held there, see keepYoungGenerationSmall) it scavenged
 * ~50 times in a 10,000-leaf run, on the thread the run waits for; with 4 MiB, ~10 times (peak
 * RSS +1 MB). A wide run keeps the default: at 100,000 leaves the larger young generation took
 * the process's peak from ~290 to ~317 MB. The flag is V8's, read as the thread's heap is made,
 * and part of what V8 checks a code cache against: the writer's cache is made with the narrow
 * run's; a wide run compiles the writer's script (~10 ms of a run of seconds). A narrow run
 * adopts the thread handed over, if any (its heap was made so already).
 */
export function startTraceWriterThread(options: { readonly wide: boolean }): TraceWriterThread {
  const started = handedOver;
  handedOver = undefined;
  keepOldGenerationTight();
  optimizeWithoutInlining();
  keepYoungGenerationSmall();
  if (started && !options.wide) return new TraceWriterThread({ started });
  if (started) void started.worker.terminate();
  v8.setFlagsFromString(`--min-semi-space-size=${options.wide ? 0 : WRITER_SEMI_SPACE_MB}`);
  const writerThread = new TraceWriterThread({ v8Flags: 'run' });
  writerThread.waitUntilHeapConfigured(WRITER_HEAP_WAIT_MS);
  keepYoungGenerationSmall();
  return writerThread;
}
