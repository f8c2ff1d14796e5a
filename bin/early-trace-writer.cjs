// `whaleflow run`'s trace writer thread, started by the launcher (bin/whaleflow.js) before it
// loads the run's start-up script, and handed to the run (src/cli/run/start-trace-writer-thread.ts).
//
// Why here and not when the run starts it: a Node worker compiles Node's own modules as it boots,
// from the code cache Node ships, and V8 takes that cache only while every V8 flag has its
// default value. `run` sets its flags (its young generation, TurboFan's inlining, the old
// generation's growth) as it starts, so a writer started after them compiled each of Node's
// modules from source: ~60 against ~33 ms of CPU until its script was loaded, on the core the
// run does not use, and more memory. Started here, the thread's heap is made with the larger
// young generation a narrow run's writer has (the one flag set around it, and set back at once),
// and it boots and loads the writer's script (through the cache made under V8's defaults) while
// this thread loads the run's script, before `run` sets any flag. The run adopts it; a wide run
// replaces it with one of its own. Unreferenced, it keeps no process alive, but a process that
// ends without taking it waits at its exit for it to stop (a missing file, a usage error), so the
// launcher starts none for `run --help`, `--background` or a command line naming no existing file.
'use strict';
const { statSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const v8 = require('node:v8');
const { Worker } = require('node:worker_threads');

/** The writer's semi-spaces in MiB, as src/cli/run/start-trace-writer-thread.ts's WRITER_SEMI_SPACE_MB (a test holds them equal). */
const WRITER_SEMI_SPACE_MB = 4;

/** Past this the launcher goes on without waiting for the thread's heap (the writer then keeps V8's default young generation). */
const HEAP_WAIT_MS = 2_000;

/**
 * Starts the writer from the bundled script `dist/cli-bundle/trace-writer-worker.cjs` when it is
 * there and at least as new as the compiled writer (as src/trace/trace-writer-thread.ts chooses);
 * else undefined, and the run starts its writer itself. Returns the worker and what it died of
 * before the run took it, if anything. V8's flags are not its defaults until `heapMade` returns:
 * the caller may read files meanwhile (the new thread gets going), but compile nothing.
 */
function startEarlyTraceWriter(distFolder) {
  const script = path.join(distFolder, 'cli-bundle', 'trace-writer-worker.cjs');
  const modules = path.join(distFolder, 'trace', 'trace-writer-worker.js');
  const modified = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Number.NaN;
  if (!(modified(script) >= modified(modules))) return undefined;
  const loader = path.join(__dirname, 'cached-script.cjs');
  const cache = { verifyData: true, cacheFile: `${script}.defaults.v8cache` };
  const bootstrap = `if (!require(${JSON.stringify(loader)}).loadCachedScript(${JSON.stringify(script)}, ${JSON.stringify(cache)})) import(${JSON.stringify(pathToFileURL(modules).href)});`;
  v8.setFlagsFromString(`--min-semi-space-size=${WRITER_SEMI_SPACE_MB}`);
  const started = { worker: new Worker(bootstrap, { eval: true }), startError: undefined };
  started.worker.unref();
  started.worker.on('error', (error) => {
    started.startError ??= error;
  });
  return started;
}

/**
 * Blocks until V8 has made the thread's heap (it reads the flag then), then sets the flag back to
 * V8's default, before either thread compiles anything. Node fills in the thread's
 * `resourceLimits` just before V8 makes it, so when they were not there yet this waits half a
 * millisecond more after they come; were the thread slower than that, it would only keep V8's
 * default young generation. (Mostly they came while the caller read its files.)
 */
function heapMade({ worker }) {
  const limitsSet = () => (worker.resourceLimits?.maxYoungGenerationSizeMb ?? -1) > 0;
  if (!limitsSet()) {
    const deadline = performance.now() + HEAP_WAIT_MS;
    const pause = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    while (!limitsSet() && performance.now() < deadline) Atomics.wait(pause, 0, 0, 0.1);
    Atomics.wait(pause, 0, 0, 0.5);
  }
  v8.setFlagsFromString('--min-semi-space-size=0');
}

module.exports = { startEarlyTraceWriter, heapMade, WRITER_SEMI_SPACE_MB };
