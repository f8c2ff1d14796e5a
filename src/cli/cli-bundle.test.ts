// The `whaleflow` command runs the bundled CLI (scripts/bundle-cli.mjs → dist/cli-bundle/) when
// the build made one; the other tests run the sources, so these run the bundle as a user does.
import Database from 'better-sqlite3';
import { execFile as execFileCallback, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInMemory } from './run-cli-in-memory.js';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const entry = join(repository, 'bin', 'whaleflow.js');
const bundle = join(repository, 'dist', 'cli-bundle');
const built = existsSync(join(bundle, 'main.js'));
if (!built) {
  if (process.env.CI) throw new Error(`${bundle}/main.js is missing: run npm run build before the tests`);
  console.log(`skipping the bundled-CLI tests: ${bundle}/main.js is missing (npm run build)`);
}

const execFile = promisify(execFileCallback);

describe.skipIf(!built)('the bundled CLI (dist/cli-bundle)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-cli-bundle-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));
  const whaleflow = (...argv: string[]) => execFile(process.execPath, [entry, ...argv], { cwd, env: { ...process.env, WHALEFLOW_HOME: join(cwd, 'home') }, maxBuffer: 64 * 1024 * 1024 });

  it('every worker a chunk or start-up script starts by `new URL(…, import.meta.url)` is beside it', () => {
    const chunks = readdirSync(bundle).filter((name) => name.endsWith('.js'));
    const scripts = readdirSync(bundle).filter((name) => name.endsWith('.cjs'));
    const workersOf = (names: string[]) => names.flatMap((name) => [...readFileSync(join(bundle, name), 'utf8').matchAll(/new URL\("\.\/([\w-]+\.js)", import(?:\.m|M)eta\.url\)/g)].map((match) => match[1]!));
    expect(workersOf(chunks).sort()).toEqual(['search-lines-worker.js', 'trace-writer-worker.js']);
    expect(workersOf(scripts).sort()).toEqual(['search-lines-worker.js', 'trace-writer-worker.js']);
    for (const worker of [...workersOf(chunks), ...workersOf(scripts)]) expect(chunks).toContain(worker);
  });

  it('runs a fan-out from JSON with a YAML fixture, records it through the writer thread, and replays it with zero calls', async () => {
    const ids = Array.from({ length: 50 }, (_, index) => `leaf-${index}`);
    const workflow = {
      id: 'fan',
      goal: 'fan out and in',
      nodes: [
        { kind: 'branch_set', spec: { id: 'fanout', parallel: true, budget: { max_parallel: 8 }, children: ids.map((id) => ({ kind: 'leaf', spec: { id, prompt: id } })) } },
        { kind: 'reduce', spec: { id: 'fanin', inputs: ids, prompt: 'Collect.' } },
      ],
    };
    writeFileSync(join(cwd, 'fan.json'), JSON.stringify(workflow));
    writeFileSync(join(cwd, 'fan.fixtures.yaml'), 'leaves:\n  - match: {prompt: "^leaf-"}\n    output: "answer {index} of {id}"\n');
    const run = await whaleflow('run', 'fan.json', '--fixtures', 'fan.fixtures.yaml', '--json');
    const result = JSON.parse(run.stdout) as { run_id: string; status: string; results: { id: string; children?: { output: string }[] }[]; timing: Record<string, number> };
    expect(result.status).toBe('succeeded');
    expect(result.results[0]!.children!.map((child) => child.output)).toEqual(ids.map((id, index) => `answer ${index} of ${id}`));
    expect(Object.keys(result.timing)).toEqual(['compile_ms', 'preflight_ms', 'run_ms', 'trace_flush_ms', 'total_ms']);

    const replay = await whaleflow('replay', result.run_id);
    expect(replay.stdout).toMatch(/served 51 effects from the trace, ran 0 live\nparity: identical/);
  });

  it('Ctrl-C through the launcher cancels the run: exit 130, recorded and reported as cancelled', async () => {
    // The leaf sleeps ten minutes, so the signal always comes while the run is in flight; the
    // trace showing the leaf started means the command's handler is installed (before the run starts).
    writeFileSync(join(cwd, 'wait.json'), JSON.stringify({ id: 'wait', goal: 'wait', nodes: [{ kind: 'leaf', spec: { id: 'wait', prompt: 'wait' } }] }));
    writeFileSync(join(cwd, 'wait.fixtures.yaml'), 'leaves:\n  - match: {id: wait}\n    latency_ms: 600000\n');
    const child = spawn(process.execPath, [entry, 'run', 'wait.json', '--fixtures', 'wait.fixtures.yaml'], { cwd, env: { ...process.env, WHALEFLOW_HOME: join(cwd, 'home') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    const started = () => {
      if (!existsSync(join(cwd, 'home', 'whaleflow.db'))) return false;
      const database = new Database(join(cwd, 'home', 'whaleflow.db'), { readonly: true, fileMustExist: true });
      try {
        // The node's id is in the row's node_id column (since trace schema 6 not repeated in its payload).
        return (database.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'node_started' AND node_id = 'wait'").get() as { n: number }).n > 0;
      } catch {
        return false; // not migrated yet
      } finally {
        database.close();
      }
    };
    while (child.exitCode === null && !started()) await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: 130, signal: null });
    expect(stdout).toMatch(/run cancelled/);
  }, 120_000);

  it('a run killed the moment it prints its result has every event recorded: the printed run replays identical', async () => {
    // The database's last close (its WAL checkpoint) overlaps the print; what is printed must
    // already be committed, so a SIGKILL at the first byte of the report loses nothing of it.
    const ids = Array.from({ length: 90 }, (_, index) => `leaf-${index}`);
    const workflow = {
      id: 'printed',
      goal: 'fan out and in',
      nodes: [
        { kind: 'branch_set', spec: { id: 'fanout', parallel: true, children: ids.map((id) => ({ kind: 'leaf', spec: { id, prompt: id } })) } },
        { kind: 'reduce', spec: { id: 'fanin', inputs: ids, prompt: 'Collect.' } },
      ],
    };
    writeFileSync(join(cwd, 'printed.json'), JSON.stringify(workflow));
    writeFileSync(join(cwd, 'printed.fixtures.yaml'), 'leaves:\n  - match: {prompt: "^leaf-"}\n    output: "answer {index}"\n');
    const env = { ...process.env, WHALEFLOW_HOME: join(cwd, 'home-printed') };
    const child = spawn(process.execPath, [entry, 'run', 'printed.json', '--fixtures', 'printed.fixtures.yaml'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let runId: string | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      runId ??= /run ([0-9a-f-]{36}): succeeded/.exec(stdout)?.[1];
      if (runId) child.kill('SIGKILL');
    });
    await new Promise((resolve) => child.on('close', resolve));
    expect(runId, stdout).toBeDefined();
    const replay = await execFile(process.execPath, [entry, 'replay', runId!], { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    expect(replay.stdout).toMatch(/served 91 effects from the trace, ran 0 live\nparity: identical/);
  }, 120_000);

  it('a bad workflow is a positioned diagnostic, not a stack trace', async () => {
    writeFileSync(join(cwd, 'dup.json'), '{"goal": "g",\n "goal": "h", "nodes": []}');
    const failed = await whaleflow('check', 'dup.json').then(
      () => expect.unreachable('check accepted a duplicate key'),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/dup\.json:2:2: duplicate key "goal"/);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
  });

  const fastPath = join(bundle, 'starlark-fast-path.cjs');
  const runPath = join(bundle, 'run-fast-path.cjs');
  const cachedScript = join(repository, 'bin', 'cached-script.cjs');
  /** What became of the code cache when a fresh Node loads FILE as the launcher does, and the type of its start function. */
  const cacheOutcome = async (file: string, start = 'starlarkFastPath', verifyData = false) => {
    const script = `const loaded = require(${JSON.stringify(cachedScript)}).loadCachedScript(${JSON.stringify(file)}, { verifyData: ${verifyData} });
process.stdout.write(loaded.cache + ' ' + typeof loaded.exports.${start});`;
    return (await execFile(process.execPath, ['-e', script], { cwd, env: { ...process.env, NODE_OPTIONS: '' } })).stdout;
  };
  /** The launcher's answer to argv: exit code and both streams. */
  const launched = (argv: string[], env: NodeJS.ProcessEnv) =>
    execFile(process.execPath, [entry, ...argv], { cwd, env }).then(
      ({ stdout, stderr }) => ({ exitCode: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ exitCode: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('whaleflow run starts from one script through a code cache V8 accepts, whose data is checked', async () => {
    const text = readFileSync(runPath, 'utf8');
    expect(text.startsWith("'use strict';\n")).toBe(true);
    expect(text).not.toMatch(/[^\x00-\x7f]/); // one byte per character for V8
    expect(await cacheOutcome(runPath, 'runFastPath', true)).toBe('used function');
  });

  it('a code cache whose data was damaged is not used by run, and the script still runs', async () => {
    // Inside the package, so the script's require() finds better-sqlite3 as the original does.
    const folder = mkdtempSync(join(bundle, '.damaged-cache-'));
    try {
      const copy = join(folder, 'run-fast-path.cjs');
      copyFileSync(runPath, copy);
      const cache = readFileSync(`${runPath}.v8cache`);
      cache[cache.length - 100]! ^= 0xff;
      writeFileSync(`${copy}.v8cache`, cache);
      expect(await cacheOutcome(copy, 'runFastPath', true)).toBe('damaged function');
      writeFileSync(`${copy}.v8cache`, cache.subarray(0, 1000));
      expect(await cacheOutcome(copy, 'runFastPath', true)).toBe('stale function');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  /**
   * A script to preload: it hears every Worker the process starts and has the writer's bootstrap
   * say what its cache did. The start-up script takes Worker from node:worker_threads when it
   * calls it; ES modules (the full command line's) see the patch once their bindings are synced.
   */
  const watchWorkersScript = `const workerThreads = require('node:worker_threads');
const Original = workerThreads.Worker;
workerThreads.Worker = class extends Original {
  constructor(what, options) {
    process.stderr.write('worker ' + String(what) + '\\n');
    super(options && options.eval ? String(what).replace(/^if \\(!(.*)\\) /, 'const loaded = $1; process._rawDebug("writer cache " + loaded.cache); if (!loaded) ') : what, options);
  }
};
require('node:module').syncBuiltinESMExports();
`;

  it('whaleflow run starts its trace writer from the bundled script, through its code cache', async () => {
    const folder = mkdtempSync(join(cwd, 'writer-'));
    writeFileSync(join(folder, 'one.json'), JSON.stringify({ id: 'one', goal: 'one', nodes: [{ kind: 'leaf', spec: { id: 'only', prompt: 'p' } }] }));
    writeFileSync(join(folder, 'watch-workers.cjs'), watchWorkersScript);
    const run = await execFile(process.execPath, ['--require', join(folder, 'watch-workers.cjs'), entry, 'run', 'one.json', '--provider', 'mock', '--json'], { cwd: folder, env: { ...process.env, WHALEFLOW_HOME: join(folder, 'home'), NODE_OPTIONS: '' } });
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'succeeded' });
    const workers = run.stderr.split('\n').filter((line) => line.startsWith('worker '));
    // Started by the launcher before the run set V8's flags (bin/early-trace-writer.cjs), so through the cache made under V8's defaults.
    const script = join(bundle, 'trace-writer-worker.cjs');
    expect(workers).toEqual([expect.stringContaining(`loadCachedScript(${JSON.stringify(script)}, ${JSON.stringify({ verifyData: true, cacheFile: `${script}.defaults.v8cache` })})`)]);
    expect(run.stderr).toMatch(/^writer cache used$/m);
  });

  it('a trace writer the launcher started that dies before the run takes it stops the run with a clear error, and the process ends', async () => {
    const folder = mkdtempSync(join(cwd, 'dead-writer-'));
    writeFileSync(join(folder, 'one.json'), JSON.stringify({ id: 'one', goal: 'one', nodes: [{ kind: 'leaf', spec: { id: 'only', prompt: 'p' } }] }));
    // The first thread started with code to run is the launcher's writer (bin/early-trace-writer.cjs): it throws at once.
    writeFileSync(join(folder, 'kill-writer.cjs'), `const workerThreads = require('node:worker_threads');
const Original = workerThreads.Worker;
let first = true;
workerThreads.Worker = class extends Original {
  constructor(what, options) {
    const dies = first && options && options.eval;
    first = false;
    super(dies ? 'throw new Error("the writer could not start")' : what, options);
  }
};
`);
    const env = { ...process.env, WHALEFLOW_HOME: join(folder, 'home'), NODE_OPTIONS: '' };
    const run = await execFile(process.execPath, ['--require', join(folder, 'kill-writer.cjs'), entry, 'run', 'one.json', '--provider', 'mock'], { cwd: folder, env, timeout: 60_000 }).then(
      () => expect.unreachable('the run succeeded without a writer'),
      (error: { code: number | null; signal: string | null; stderr: string }) => error,
    );
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 1, signal: null });
    expect(run.stderr).toMatch(/the run could not be recorded: the writer could not start/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a replay that records in full on a writer thread starts it under the run\'s flags, so through its code cache', async () => {
    const folder = mkdtempSync(join(cwd, 'replay-writer-'));
    // 2,600 leaves: over the 10,000 recorded events from which a replay records on a writer thread.
    const ids = Array.from({ length: 2_600 }, (_, index) => `leaf-${index}`);
    const workflow = { id: 'wide', goal: 'wide', nodes: [{ kind: 'branch_set', spec: { id: 'fan', parallel: true, children: ids.map((id) => ({ kind: 'leaf', spec: { id, prompt: id } })) } }] };
    writeFileSync(join(folder, 'wide.json'), JSON.stringify(workflow));
    writeFileSync(join(folder, 'watch-workers.cjs'), watchWorkersScript);
    const env = { ...process.env, WHALEFLOW_HOME: join(folder, 'home'), NODE_OPTIONS: '' };
    await execFile(process.execPath, [entry, 'run', 'wide.json', '--provider', 'mock', '--max-agents', '3000', '--json'], { cwd: folder, env, maxBuffer: 64 * 1024 * 1024 });
    const replay = await execFile(process.execPath, ['--require', join(folder, 'watch-workers.cjs'), entry, 'replay', 'last', '--allow-live', '--provider', 'mock'], { cwd: folder, env, maxBuffer: 64 * 1024 * 1024 });
    expect(replay.stdout).toContain('parity: identical');
    expect(replay.stderr).toMatch(/^writer cache used$/m);
  }, 120_000);

  it('whaleflow run answers as main() does: help, usage errors, a missing file, a refused run', async () => {
    const env = { ...process.env, WHALEFLOW_HOME: join(cwd, 'home-answers') };
    writeFileSync(join(cwd, 'one.json'), JSON.stringify({ id: 'one', goal: 'one', nodes: [{ kind: 'leaf', spec: { id: 'only', prompt: 'p' } }] }));
    const runs = [['run', '--help'], ['run'], ['run', 'missing.json'], ['run', 'one.json', '--max-concurrency', 'x'], ['run', 'one.json', '--fixtures', 'missing.yaml'], ['run', 'one.json', '--bogus'], ['run', 'one.json', '--read-only', '--max-cost', '-1']];
    // Arguments the launcher asks about (does one name a file?) that stat refuses outright: a label longer than a file name may be, a path through a file.
    runs.push(['run', '--label', 'a nightly review of the cache change '.repeat(8), 'one.json', '--max-cost', '-1'], ['run', '--label', 'one.json/x', 'one.json', '--max-cost', '-1']);
    for (const argv of runs) {
      const expected = await runCliInMemory(argv, { cwd, env });
      expect({ argv, ...(await launched(argv, env)) }).toEqual({ argv, ...expected });
    }
  });

  it('whaleflow --version and -V answer as main() does, from the launcher alone', async () => {
    const env = { ...process.env, WHALEFLOW_HOME: join(cwd, 'home-version') };
    for (const argv of [['--version'], ['-V']]) {
      const expected = await runCliInMemory(argv, { cwd, env });
      expect({ argv, ...(await launched(argv, env)) }).toEqual({ argv, ...expected });
      expect(expected).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    }
    // Anything more than the one option is main()'s to answer.
    const more = await launched(['--version', '--bogus'], env);
    expect(more).toEqual(await runCliInMemory(['--version', '--bogus'], { cwd, env }));
  });

  it('whaleflow starlark starts from one script that loads neither commander nor zod, through a code cache V8 accepts', async () => {
    const text = readFileSync(fastPath, 'utf8');
    expect(text.startsWith("'use strict';\n")).toBe(true); // as strict as the ES modules it holds
    expect([...text.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]).filter((name) => !name!.startsWith('node:'))).toEqual([]);
    expect(text).not.toMatch(/node_modules\/(commander|zod)\//);
    expect(await cacheOutcome(fastPath)).toBe('used function');
  });

  it('a code cache made from other bytes than the script is not used, and the script still runs', async () => {
    const copy = join(cwd, 'starlark-fast-path.cjs');
    // Same length, other bytes: V8 alone (it checks the length) would take the cache.
    const text = readFileSync(fastPath, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    writeFileSync(copy, `${text.slice(0, -1)} `);
    copyFileSync(`${fastPath}.v8cache`, `${copy}.v8cache`);
    expect(await cacheOutcome(copy)).toBe('stale function');
    rmSync(`${copy}.v8cache`);
    expect(await cacheOutcome(copy)).toBe('missing function');
  });

  it('whaleflow starlark answers as main() does, whether the start-up path takes the arguments or not', async () => {
    const secret = 'sk-bundle-fast-path-0123456789';
    const env = { ...process.env, WHALEFLOW_TEST_API_KEY: secret };
    writeFileSync(join(cwd, 'hello.star'), `print("hello ${secret}")\nfail("no")\n`);
    for (const argv of [['starlark', 'hello.star'], ['starlark', 'hello.star', '--traceback'], ['starlark', '--help'], ['starlark', '--max-steps', 'x', 'hello.star'], ['starlark']]) {
      const expected = await runCliInMemory(argv, { cwd, env });
      expect({ argv, ...(await launched(argv, env)) }).toEqual({ argv, ...expected });
    }
  });
});
