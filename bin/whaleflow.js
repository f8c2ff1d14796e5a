#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the prepare script), and bundled
// into dist/cli-bundle/ when esbuild is there (scripts/bundle-cli.mjs: a chunk per command loads
// much faster than ~540 modules). Without the bundle, or with one older than dist/cli/ (tsc ran
// again without the bundling step), dist/cli/ runs as is.
//
// `whaleflow starlark FILE` and `whaleflow run …` first try the bundle's start-up script for the
// command (starlark-fast-path.cjs, run-fast-path.cjs): one script run with V8's code cache
// (cached-script.cjs), which leaves what it does not take (anything but starlark's plain forms;
// only ever a command line not starting with `run`) to main(); `whaleflow --version` alone is
// answered here. This file is CommonJS
// (bin/package.json): an ES module entry costs Node a few milliseconds more to start, and that
// path needs no module loader at all.
'use strict';
const { statSync } = require('node:fs');
const path = require('node:path');

const bundled = path.join(__dirname, '..', 'dist', 'cli-bundle', 'main.js');
const compiled = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const modified = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Number.NaN;
const useBundle = modified(bundled) >= modified(compiled);
const argv = process.argv.slice(2);

/**
 * The start-up script of each command that has one, and the function it exports. `run` checks
 * the digest of its cache's data: it loads node:crypto anyway, which starlark's start would pay
 * for. `run` also exits once its output is flushed (see exitOnceFlushed), and has its trace
 * writer's thread started first (early-trace-writer.cjs).
 */
const START_UP_SCRIPTS = {
  starlark: { file: 'starlark-fast-path.cjs', start: 'starlarkFastPath', verifyData: false, exitWhenDone: false, startsWriter: false },
  run: { file: 'run-fast-path.cjs', start: 'runFastPath', verifyData: true, exitWhenDone: true, startsWriter: true },
};
const startUp = useBundle && Object.hasOwn(START_UP_SCRIPTS, argv[0] ?? '') ? START_UP_SCRIPTS[argv[0]] : undefined;
const earlyWriter = startUp?.startsWriter && mayRecord(argv) ? require('./early-trace-writer.cjs') : undefined;
const { fastPath, writer } = startUp ? loadStartUpScript(startUp, earlyWriter) : {};
const fastOutcome = fastPath?.[startUp.start](argv, undefined, writer);
if (isVersionQuestion(argv)) {
  // What main() prints for it (commander's version option, exit 0), without loading main()'s
  // modules: package.json's version is the one the command line declares (cli-bundle.test.ts).
  process.stdout.write(`${require('../package.json').version}\n`);
} else if (fastOutcome) {
  finish(fastPath, fastOutcome, startUp.exitWhenDone);
} else {
  import(require('node:url').pathToFileURL(useBundle ? bundled : compiled).href).then((cli) => finish(cli, cli.main(argv)));
}

/**
 * The start-up script's exports, and, for `run`, its trace writer's thread: started before the
 * script loads and sets V8's flags (see early-trace-writer.cjs), while this thread reads the
 * script's files; the script is compiled once the thread's heap is made.
 */
function loadStartUpScript(startUp, earlyWriter) {
  const cachedScript = require('./cached-script.cjs');
  const writer = earlyWriter?.startEarlyTraceWriter(path.join(__dirname, '..', 'dist'));
  const read = cachedScript.readCachedScript(path.join(path.dirname(bundled), startUp.file), startUp);
  if (writer) earlyWriter.heapMade(writer);
  return { fastPath: cachedScript.runCachedScript(read)?.exports, writer };
}

/**
 * Whether `run …` may go on to record a run here: not its help, not a run handed to a background
 * process, not one without an existing file among its arguments (the workflow's). A process that
 * ends without recording waits at its exit for the thread started for it to stop (at load ~8, 20
 * pairs: `run missing.json` took 1.28x), so such command lines start none; a workflow that does
 * not compile, or a usage error, still pays it.
 */
function mayRecord(args) {
  if (args.some((arg) => arg === '--help' || arg === '-h' || arg === '--background')) return false;
  return args.slice(1).some((arg) => !arg.startsWith('-') && isExistingFile(arg));
}

/**
 * Whether `arg` names an existing file. Any argument is asked, option values too (a --label's
 * text), and stat refuses some outright (a name longer than 255 bytes, a path through a file):
 * those name no file, and main() answers them as it would.
 */
function isExistingFile(arg) {
  try {
    return statSync(arg, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}

/** `whaleflow --version` or `whaleflow -V`, and nothing else. */
function isVersionQuestion(args) {
  return args.length === 1 && (args[0] === '--version' || args[0] === '-V');
}

/** Sets the exit code main() (or the start-up path) returns; a crash prints through the redaction. */
function finish({ describeInternalError }, outcome, exitWhenDone = false) {
  // Even a crash outside main() prints through the redaction (a background run's log is its stderr).
  process.on('uncaughtException', (error) => {
    process.stderr.write(describeInternalError(error));
    process.exit(70);
  });
  outcome.then(
    (code) => {
      process.exitCode = code;
      if (exitWhenDone) exitOnceFlushed(code);
    },
    (error) => {
      // main() reports user errors itself; reaching here is a bug in WhaleFlow.
      process.stderr.write(describeInternalError(error));
      process.exitCode = 70;
    },
  );
}

/**
 * Ends the process with `code` once everything written to stdout and stderr has reached them
 * (a write's callback runs after the writes before it; on a pipe that is not synchronous, as on
 * macOS, output would otherwise be cut). When `run` has returned, its work is done: the trace
 * is closed, its threads are stopped, nothing it started waits on this process. Letting Node
 * wind down by itself instead frees the whole heap of a wide run and joins its threads first,
 * ~0.1-0.3 s after the last line at 10,000 leaves (measured from the 'exit' event to the
 * parent's wait), which the user waits through for nothing.
 */
function exitOnceFlushed(code) {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
