import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TraceWriterWorkerData } from './trace-writer-worker.js';

/**
 * Starts the writer: the compiled JS in dist/, or (when running from the TypeScript sources,
 * as under vitest) a small bootstrap that registers tsx inside the worker and imports the source.
 */
function startWorker(workerData: TraceWriterWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./trace-writer-worker.js', import.meta.url), { workerData });
  // The ESM entry of tsx's API (require.resolve would pick its CommonJS twin).
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const source = new URL('./trace-writer-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * The thread a WorkerTraceSink writes from, which may be started before there is a database
 * to write: starting a thread and loading the writer's modules takes tens of milliseconds of
 * CPU, and every durable run waits for it (its first batches queue behind that start). A
 * command that starts the thread as it begins (`whaleflow run`, before it compiles the
 * workflow) has it ready on the other core when the run starts; the database is still opened
 * only then, so a workflow that never starts leaves no trace. Until a sink takes it, the thread
 * keeps no process alive, and `discard()` ends it.
 */
export class TraceWriterThread {
  private readonly worker: Worker;
  private readonly running = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  private taken = false;
  /** What the thread died of before a sink took it (it could not load its modules). */
  private startError: unknown;

  constructor() {
    this.worker = startWorker({ running: this.running.buffer as SharedArrayBuffer });
    this.worker.unref();
    this.worker.on('error', (error) => {
      if (!this.taken) this.startError = error;
    });
  }

  /**
   * Blocks this thread until the writer's thread runs its first line, for at most `timeoutMs`;
   * false if it did not. Its heap exists by then, which matters to a caller that tunes V8's
   * flags: they are process-wide, and V8 resets some of them as it configures a new heap (it
   * raises --semi-space-growth-factor to at least 2), so such a caller sets them again once this
   * returns. A command that started the thread well before its run (as `whaleflow run` does,
   * before compiling) rarely waits, and the run would soon wait for the writer's start anyway.
   */
  waitUntilRunning(timeoutMs: number): boolean {
    return Atomics.wait(this.running, 0, 0, timeoutMs) !== 'timed-out';
  }

  /** For WorkerTraceSink, once: the running thread, and the error it already died of, if any. */
  take(): { readonly worker: Worker; readonly startError: unknown } {
    if (this.taken) throw new Error('this trace writer thread was already taken by a sink, or discarded');
    this.taken = true;
    this.worker.ref();
    return { worker: this.worker, startError: this.startError };
  }

  /** Ends the thread if no sink took it (the run did not start); otherwise the sink's close() does. */
  discard(): void {
    if (this.taken) return;
    this.taken = true;
    void this.worker.terminate();
  }
}
