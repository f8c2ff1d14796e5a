import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts the writer: from dist/, the writer bundled into one CommonJS script run through V8's
 * code cache (dist/cli-bundle/trace-writer-worker.cjs, by scripts/bundle-cli.mjs, loaded by the
 * launcher's bin/cached-script.cjs), else the compiled ES modules; from the TypeScript sources
 * (as under vitest), a small bootstrap that registers tsx inside the worker and imports the source.
 */
function startWorker(v8Flags: WriterV8Flags): Worker {
  if (!import.meta.url.endsWith('.ts')) return startCompiledWorker(v8Flags);
  // The ESM entry of tsx's API (require.resolve would pick its CommonJS twin).
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const source = new URL('./trace-writer-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/**
 * Loading the writer's ES modules one by one cost its thread ~32-54 ms at every start, which a
 * short run waits through; the bundled script with its code cache loads in 9-12 ms (docs/performance.md).
 * Both paths are the same relative to dist/trace/ (the library) and dist/cli-bundle/ (the CLI).
 * The script is used when it is at least as new as the compiled writer (as the launcher uses the
 * CLI's bundle: not after tsc ran again without bundling); a missing, stale or damaged cache only
 * costs the compile it would have saved; a missing script means the ES modules.
 */
function startCompiledWorker(v8Flags: WriterV8Flags): Worker {
  const modules = new URL('./trace-writer-worker.js', import.meta.url);
  const script = fileURLToPath(new URL('../cli-bundle/trace-writer-worker.cjs', import.meta.url));
  const loader = fileURLToPath(new URL('../../bin/cached-script.cjs', import.meta.url));
  const modified = (file: string) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Number.NaN;
  if (!(modified(script) >= modified(fileURLToPath(new URL('../trace/trace-writer-worker.js', import.meta.url))) && modified(loader) >= 0)) return new Worker(modules);
  const cache = v8Flags === 'defaults' ? `, cacheFile: ${JSON.stringify(`${script}.defaults.v8cache`)}` : '';
  const bootstrap = `if (!require(${JSON.stringify(loader)}).loadCachedScript(${JSON.stringify(script)}, { verifyData: true${cache} })) import(${JSON.stringify(modules.href)});`;
  return new Worker(bootstrap, { eval: true });
}

/**
 * The V8 flags of the process that starts the writer, whose code cache V8 accepts only when it
 * was made under the same ones: `whaleflow run`'s (run-command.ts sets them around the start,
 * FILE.v8cache) or V8's defaults, as in a library caller's process (FILE.defaults.v8cache).
 * Under any other flags V8 refuses either, and the script is compiled.
 */
export type WriterV8Flags = 'run' | 'defaults';

/** A writer thread someone else started (the CLI's launcher: bin/early-trace-writer.cjs), and what it died of before it was handed over. */
export interface StartedWriterWorker {
  readonly worker: Worker;
  readonly startError: unknown;
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
  private taken = false;
  /** What the thread died of before a sink took it (it could not load its modules). */
  private startError: unknown;

  /** `started`: a thread already loading the writer (its flags were its starter's business), else one started now under `v8Flags`. */
  constructor(options: { readonly v8Flags?: WriterV8Flags; readonly started?: StartedWriterWorker } = {}) {
    this.worker = options.started?.worker ?? startWorker(options.v8Flags ?? 'defaults');
    this.startError = options.started?.startError;
    this.worker.unref();
    this.worker.on('error', (error) => {
      if (!this.taken) this.startError = error;
    });
  }

  /**
   * Blocks this thread until V8 configures the writer thread's heap (a few milliseconds
   * after the start, long before the thread runs anything), for at most `timeoutMs`; false if
   * it did not. This matters to a caller that tunes V8's flags: they are process-wide, and V8
   * resets some of them as it configures a heap (it raises --semi-space-growth-factor to at
   * least 2), so such a caller sets them again once this returns. What this watches is the
   * thread's `resourceLimits`, which Node fills in as it creates the heap: just before V8
   * applies them, so a caller that must be sure sets its flags again a little later too.
   */
  waitUntilHeapConfigured(timeoutMs: number): boolean {
    const deadline = performance.now() + timeoutMs;
    const pause = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    while ((this.worker.resourceLimits?.maxYoungGenerationSizeMb ?? -1) <= 0) {
      if (performance.now() >= deadline) return false;
      Atomics.wait(pause, 0, 0, 1);
    }
    return true;
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
