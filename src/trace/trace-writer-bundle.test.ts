// From dist/, TraceWriterThread starts the writer bundled into one CommonJS script through V8's
// code cache (dist/cli-bundle/trace-writer-worker.cjs, by scripts/bundle-cli.mjs), and the ES
// modules when that script is missing or older than them. Run against a copy of the package's
// layout (dist/trace and the script copied, the rest linked) in a fresh Node, which says what
// the thread was started from, what became of the cache, and that the writer opens and closes a database.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { execFile as execFileCallback } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';

const execFile = promisify(execFileCallback);
const repository = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = path.join(repository, 'dist', 'cli-bundle', 'trace-writer-worker.cjs');
const built = existsSync(script) && existsSync(`${script}.v8cache`) && existsSync(`${script}.defaults.v8cache`);
if (!built) {
  if (process.env.CI) throw new Error(`${script} or its code cache is missing: run npm run build before the tests`);
  console.log(`skipping the bundled trace writer tests: ${script} is missing (npm run build)`);
}

/**
 * Starts a TraceWriterThread from the copy's dist/trace, prints what its Worker was given (the
 * bootstrap of the script, or the modules' URL) and, once the writer closed the database it
 * opened, 'closed'. A bootstrap reports the cache's outcome back from the thread.
 */
const CHILD = `import { syncBuiltinESMExports } from 'node:module';
import workerThreads from 'node:worker_threads';
const Original = workerThreads.Worker;
workerThreads.Worker = class extends Original {
  constructor(what, options) {
    const bootstrap = String(what).replace(/^if \\(!(.*)\\) import\\((.*)\\);$/, 'const loaded = $1; if (!loaded) import($2); require("node:worker_threads").parentPort.postMessage({ type: "cache", cache: loaded?.cache });');
    process.stdout.write((options?.eval ? 'script ' : 'modules ') + path.basename(String(what).match(/[\\w-]+\\.c?js/g).at(options?.eval ? 1 : -1)) + '\\n');
    super(options?.eval ? bootstrap : what, options);
  }
};
import path from 'node:path';
import v8 from 'node:v8';
syncBuiltinESMExports();
const { TraceWriterThread } = await import(process.argv[2]);
// With 'run', V8's flags as \`whaleflow run\` sets them around the thread's start (start-trace-writer-thread.ts);
// with 'mismatch', those flags, but the thread told the process keeps V8's defaults.
const asRun = process.argv[4] === 'run' || process.argv[4] === 'mismatch';
if (asRun) for (const flag of ['--heap-growing-percent=50', '--no-turbo-inlining', '--min-semi-space-size=4']) v8.setFlagsFromString(flag);
const thread = new TraceWriterThread(process.argv[4] === 'run' ? { v8Flags: 'run' } : {});
if (asRun && thread.waitUntilHeapConfigured(2000)) v8.setFlagsFromString('--semi-space-growth-factor=1');
const { worker } = thread.take();
worker.on('message', (reply) => {
  if (reply.type === 'cache') process.stdout.write('cache ' + reply.cache + '\\n');
  if (reply.type === 'closed') { process.stdout.write('closed\\n'); void worker.terminate(); }
});
worker.postMessage({ type: 'open', databasePath: process.argv[3], secretEnv: {}, progress: new SharedArrayBuffer(64) });
worker.postMessage({ type: 'close' });
`;

describe.skipIf(!built)('the trace writer thread from dist/', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'whaleflow-writer-bundle-'));
    mkdirSync(path.join(root, 'dist', 'cli-bundle'), { recursive: true });
    for (const name of readdirSync(path.join(repository, 'dist'))) {
      if (name === 'trace') cpSync(path.join(repository, 'dist', 'trace'), path.join(root, 'dist', 'trace'), { recursive: true });
      else if (name !== 'cli-bundle') symlinkSync(path.join(repository, 'dist', name), path.join(root, 'dist', name));
    }
    cpSync(path.join(repository, 'bin'), path.join(root, 'bin'), { recursive: true });
    symlinkSync(path.join(repository, 'node_modules'), path.join(root, 'node_modules'));
    writeFileSync(path.join(root, 'package.json'), '{"type": "module"}\n');
    writeFileSync(path.join(root, 'child.mjs'), CHILD);
    copyFileSync(script, path.join(root, 'dist', 'cli-bundle', 'trace-writer-worker.cjs'));
    copyFileSync(`${script}.v8cache`, path.join(root, 'dist', 'cli-bundle', 'trace-writer-worker.cjs.v8cache'));
    copyFileSync(`${script}.defaults.v8cache`, path.join(root, 'dist', 'cli-bundle', 'trace-writer-worker.cjs.defaults.v8cache'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const start = async (flags: 'run' | 'library' | 'mismatch' = 'run') => {
    const database = path.join(root, 'trace.db');
    rmSync(database, { force: true });
    const { stdout } = await execFile(process.execPath, [path.join(root, 'child.mjs'), path.join(root, 'dist', 'trace', 'trace-writer-thread.js'), database, flags], { cwd: root, env: { ...process.env, NODE_OPTIONS: '' } });
    expect(existsSync(database)).toBe(true);
    return stdout.trim().split('\n').sort();
  };

  test("starts the bundled script through its code cache, which V8 accepts under whaleflow run's flags", async () => {
    expect(await start()).toEqual(['cache used', 'closed', 'script trace-writer-worker.cjs']);
  });

  test("in a library caller's process (V8's default flags) it starts through the cache made under those", async () => {
    expect(await start('library')).toEqual(['cache used', 'closed', 'script trace-writer-worker.cjs']);
  });

  test('under other flags than its cache was made with, V8 refuses it: the script is compiled and writes', async () => {
    expect(await start('mismatch')).toEqual(['cache refused', 'closed', 'script trace-writer-worker.cjs']);
  });

  test('a damaged, stale or missing cache only costs the compile: the script still writes', async () => {
    const bytes = readFileSync(path.join(root, 'dist', 'cli-bundle', 'trace-writer-worker.cjs.v8cache'));
    bytes[bytes.length - 100]! ^= 0xff;
    writeFileSync(path.join(root, 'dist', 'cli-bundle', 'trace-writer-worker.cjs.v8cache'), bytes);
    expect(await start()).toEqual(['cache damaged', 'closed', 'script trace-writer-worker.cjs']);
    writeFileSync(path.join(root, 'dist', 'cli-bundle', 'trace-writer-worker.cjs.v8cache'), bytes.subarray(0, 1000));
    expect(await start()).toEqual(['cache stale', 'closed', 'script trace-writer-worker.cjs']);
    rmSync(path.join(root, 'dist', 'cli-bundle', 'trace-writer-worker.cjs.v8cache'));
    expect(await start()).toEqual(['cache missing', 'closed', 'script trace-writer-worker.cjs']);
  });

  test('without the script, or with one older than the compiled writer (tsc ran again), the ES modules run', async () => {
    const older = new Date(Date.now() - 120_000);
    utimesSync(path.join(root, 'dist', 'cli-bundle', 'trace-writer-worker.cjs'), older, older);
    expect(await start()).toEqual(['closed', 'modules trace-writer-worker.js']);
    rmSync(path.join(root, 'dist', 'cli-bundle'), { recursive: true });
    expect(await start()).toEqual(['closed', 'modules trace-writer-worker.js']);
  });
});
