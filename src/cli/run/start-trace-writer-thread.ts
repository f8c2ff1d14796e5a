import { TraceWriterThread } from '../../trace/index.js';
import { keepOldGenerationTight } from './keep-old-generation-tight.js';
import { keepYoungGenerationSmall } from './keep-young-generation-small.js';
import { optimizeWithoutInlining } from './optimize-without-inlining.js';

/** Past this the command goes on without waiting for the writer thread's heap (it only decides whether the young generation is held). */
const WRITER_HEAP_WAIT_MS = 2_000;

/**
 * Starts a trace writer thread under the V8 flags `whaleflow run` runs with, for every command
 * that records through one (`run`, a `replay` that records in full): V8 accepts the writer's code
 * cache only under the flags it was made with (scripts/write-code-cache.cjs), and compiles the
 * script anew under any others. Configuring the thread's heap resets the young generation's
 * flag, which is set again once that is seen to be done (and by `run` after its compile too:
 * Node reports the thread's limits a moment before V8 applies them).
 */
export function startTraceWriterThread(): TraceWriterThread {
  keepOldGenerationTight();
  optimizeWithoutInlining();
  keepYoungGenerationSmall();
  const writerThread = new TraceWriterThread({ v8Flags: 'run' });
  writerThread.waitUntilHeapConfigured(WRITER_HEAP_WAIT_MS);
  keepYoungGenerationSmall();
  return writerThread;
}
