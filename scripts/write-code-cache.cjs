#!/usr/bin/env node
// Run by bundle-cli.mjs in a fresh Node without flags, as bin/whaleflow.js runs: loads a start-up
// script (FILE: starlark-fast-path.cjs, run-fast-path.cjs or trace-writer-worker.cjs) as the launcher does, runs its
// command once on a small input in a temporary folder so that the functions every start calls
// are compiled, and writes FILE.v8cache with them (bin/cached-script.cjs). Exits non-zero,
// writing nothing, if that run fails.
'use strict';
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const v8 = require('node:v8');
const { loadCachedScript, writeCodeCache } = require('../bin/cached-script.cjs');

const file = path.resolve(process.argv[2]);
/**
 * `--v8-defaults` (the trace writer only): the cache for a process that keeps V8's default flags
 * (a library caller of openProjectRecorder), written as FILE.defaults.v8cache; without it, the
 * cache for `whaleflow run`'s flags, FILE.v8cache (src/trace/trace-writer-thread.ts picks one).
 */
const underDefaults = process.argv[3] === '--v8-defaults';
// The commands tune V8's flags before they run (run-starlark-file.ts, keep-old-generation-tight.ts),
// and V8 refuses a cache made under other flags than those of the process reading it, which
// reads it before any are set: the warm-up leaves them untouched.
/** V8's own, for the writer's warm-up, which sets the run's flags itself (RUN_FLAGS_BEFORE_WRITER). */
const setFlag = v8.setFlagsFromString.bind(v8);
v8.setFlagsFromString = () => {};

/** What each start-up script runs once: its command on inputs written into `folder`. */
const WARM_UPS = {
  'starlark-fast-path.cjs': (exports, folder) => {
    writeFileSync(path.join(folder, 'empty.star'), '');
    return [exports.starlarkFastPath(['starlark', 'empty.star'], silentContext(folder))];
  },
  'run-fast-path.cjs': (exports, folder) => {
    // The shape of a wide run (a parallel fan-out, a fan-in), from JSON with a YAML fixture, once
    // with --json and once with the summary a person reads.
    const ids = ['leaf-0', 'leaf-1', 'leaf-2'];
    const children = ids.map((id) => ({ kind: 'leaf', spec: { id, prompt: id } }));
    const workflow = { id: 'warm-up', goal: 'warm up', nodes: [{ kind: 'branch_set', spec: { id: 'fanout', parallel: true, children } }, { kind: 'reduce', spec: { id: 'fanin', inputs: ids, prompt: 'Collect.' } }] };
    writeFileSync(path.join(folder, 'warm-up.json'), JSON.stringify(workflow));
    writeFileSync(path.join(folder, 'warm-up.fixtures.yaml'), 'leaves:\n- match:\n    id: leaf-0\n  output: "the first"\n- match:\n    prompt: "^leaf-"\n  output: "{id} answered"\n');
    const argv = ['run', 'warm-up.json', '--provider', 'mock', '--fixtures', 'warm-up.fixtures.yaml'];
    return [exports.runFastPath([...argv, '--json'], silentContext(folder)), () => exports.runFastPath(argv, silentContext(folder))];
  },
};

/** A CLI context that prints nothing, in `folder`, with the project state kept there too. */
function silentContext(folder) {
  return { stdout: () => {}, stderr: () => {}, cwd: folder, env: { WHALEFLOW_HOME: path.join(folder, 'home') }, isTty: false, exitCode: 0 };
}

/**
 * The V8 flags `whaleflow run` has set when its trace writer thread loads the script: V8 refuses
 * a cache made under other values of some (--heap-growing-percent is one). The run sets the first
 * three before it starts the thread (src/cli/run/keep-old-generation-tight.ts,
 * optimize-without-inlining.ts and start-trace-writer-thread.ts: the writer's young generation
 * of a run below WIDE_RUN_LEAVES), the last once the thread's heap is configured, which resets it
 * (keep-young-generation-small.ts, run-command.ts).
 * The library (openProjectRecorder in a caller's process) keeps V8's defaults, which V8 checks
 * this cache against too: it has its own, made with `--v8-defaults`. src/cli/cli-bundle.test.ts
 * checks a run uses the first, src/trace/trace-writer-bundle.test.ts a library caller the second.
 */
const RUN_FLAGS_BEFORE_WRITER = ['--heap-growing-percent=50', '--no-turbo-inlining', '--min-semi-space-size=4'];
const RUN_FLAGS_ONCE_WRITER_HEAP = ['--semi-space-growth-factor=1'];

/**
 * The trace writer's script runs in a worker thread (it listens on parentPort as it loads): a
 * worker loads it as src/trace/trace-writer-thread.ts does, under the run's flags, opens a
 * database in `folder`, closes it, and writes the cache from there.
 */
async function warmUpWriter(folder) {
  const { Worker } = require('node:worker_threads');
  const cacheFile = underDefaults ? `${file}.defaults.v8cache` : `${file}.v8cache`;
  const bootstrap = `const { parentPort } = require('node:worker_threads');
const cached = require(${JSON.stringify(require.resolve('../bin/cached-script.cjs'))});
parentPort.once('message', () => {
  const loaded = cached.loadCachedScript(${JSON.stringify(file)}, { cacheFile: ${JSON.stringify(cacheFile)} });
  parentPort.on('message', (request) => { if (request.type === 'close') { cached.writeCodeCache(${JSON.stringify(file)}, loaded.script, ${JSON.stringify(cacheFile)}); parentPort.postMessage({ type: 'cached' }); } });
});`;
  if (!underDefaults) for (const flag of RUN_FLAGS_BEFORE_WRITER) setFlag(flag);
  const worker = new Worker(bootstrap, { eval: true });
  const written = new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (reply) => {
      if (reply.type !== 'cached') return;
      resolve();
      void worker.terminate();
    });
    worker.on('exit', (code) => reject(new Error(`the writer's warm-up thread exited ${code} before writing its cache`)));
  });
  while ((worker.resourceLimits?.maxYoungGenerationSizeMb ?? -1) <= 0) await new Promise((resolve) => setTimeout(resolve, 1));
  await new Promise((resolve) => setTimeout(resolve, 20)); // Node reports the limits a moment before V8 applies them
  if (!underDefaults) for (const flag of RUN_FLAGS_ONCE_WRITER_HEAP) setFlag(flag);
  worker.postMessage({ type: 'load' });
  worker.postMessage({ type: 'open', databasePath: path.join(folder, 'warm-up.db'), secretEnv: {}, progress: new SharedArrayBuffer(64) });
  worker.postMessage({ type: 'close' });
  return written;
}

async function warmUp() {
  if (path.basename(file) === 'trace-writer-worker.cjs') {
    const folder = mkdtempSync(path.join(tmpdir(), 'whaleflow-code-cache-'));
    try {
      return await warmUpWriter(folder);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
  const warmUpOf = WARM_UPS[path.basename(file)];
  if (!warmUpOf) throw new Error(`no warm-up for ${path.basename(file)}`);
  const folder = mkdtempSync(path.join(tmpdir(), 'whaleflow-code-cache-'));
  try {
    const loaded = loadCachedScript(file);
    for (const step of warmUpOf(loaded.exports, folder)) {
      const code = await (typeof step === 'function' ? step() : step);
      if (code !== 0) throw new Error(`the warm-up run exited ${code}`);
    }
    writeCodeCache(file, loaded.script);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

warmUp().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
