#!/usr/bin/env node
// Runs last in `npm run build` (after tsc and bundle-starlark): bundles the CLI as tsc wrote it
// (dist/cli/main.js, its commands and everything they import) into dist/cli-bundle/, which
// bin/whaleflow.js loads when it exists. Node's ES module loader resolves, reads, compiles and
// links each file on its own: `whaleflow run` loaded ~540 files (~100 of them zod's) before
// compiling a workflow, ~0.5 s of CPU on every start. The bundle keeps each command in its own
// chunk, still loaded only when that command runs (esbuild splits at every dynamic import).
//
// What stays as it was:
// - dist/ itself: the library surface (`import … from 'whaleflow/dist/…'`) and the tests use it;
//   the bundle is only what the `whaleflow` command runs.
// - Packages outside INLINE stay imports of node_modules: native addons (better-sqlite3), and
//   large ones loaded only by some commands (provider SDKs, the queue, the terminal UI).
// - The two worker threads (trace writer, line search) are entries of their own, written beside
//   the chunks, so `new URL('./trace-writer-worker.js', import.meta.url)` finds them from any chunk.
//
// Beside them, three start-up scripts, each one CommonJS file with a V8 code cache (bin/cached-script.cjs)
// made by a fresh Node that runs it once as the launcher does (scripts/write-code-cache.cjs):
// - starlark-fast-path.cjs: `whaleflow starlark FILE` without commander or the command table
//   (src/cli/starlark-fast-path.ts), everything inlined;
// - run-fast-path.cjs: `whaleflow run …` (src/cli/run-fast-path.ts), the run command and what it
//   imports, packages outside INLINE required from node_modules as in the chunks but for
//   better-sqlite3's JavaScript, inlined too (sqliteInlined);
// - trace-writer-worker.cjs: the trace writer's thread (src/trace/trace-writer-thread.ts), with
//   better-sqlite3's JavaScript inlined as well.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const out = join(dist, 'cli-bundle');

/** Pure-JS dependencies every CLI start loads: bundled, so they cost one file instead of many. */
const INLINE = new Set(['zod', 'yaml', 'js-yaml', 'commander', 're2js']);

const fastPathEntry = join(dist, 'cli', 'starlark-fast-path.js');
const runPathEntry = join(dist, 'cli', 'run-fast-path.js');
const entryPoints = {
  main: join(dist, 'cli', 'main.js'),
  'trace-writer-worker': join(dist, 'trace', 'trace-writer-worker.js'),
  'search-lines-worker': join(dist, 'util', 'linear-regex', 'search-lines-worker.js'),
};

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // bin/whaleflow.js falls back to dist/cli/main.js: the CLI works unbundled, it only starts slower.
  console.warn('bundle-cli: esbuild is not installed (npm install), the CLI stays unbundled');
  rmSync(out, { recursive: true, force: true });
  process.exit(0);
}
for (const entry of [...Object.values(entryPoints), fastPathEntry, runPathEntry]) {
  if (!existsSync(entry)) {
    console.error(`bundle-cli: ${relative(root, entry)} is missing; run tsc first`);
    process.exit(1);
  }
}

/** Bare imports of packages not in `inlined` stay external (resolved from node_modules at run time). */
function keepPackagesExternalBut(inlined) {
  return {
    name: 'keep-packages-external',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const parts = args.path.split('/');
        const name = args.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
        return inlined.has(name) ? undefined : { path: args.path, external: true };
      });
    },
  };
}
const keepPackagesExternal = keepPackagesExternalBut(INLINE);

/**
 * commander requires node:child_process as it loads, only to spawn executable subcommands
 * (`git`-style separate programs), which WhaleFlow has none of; loading it costs every command
 * ~4 ms of CPU at start. The bundle's copy requires it when spawn is called. A commander whose
 * source differs is bundled as it is, with a warning.
 */
const commanderSpawnOnDemand = {
  name: 'commander-spawn-on-demand',
  setup(build) {
    build.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!text.includes(eager)) {
        console.warn(`bundle-cli: ${relative(root, args.path)} does not load node:child_process as expected; bundled unchanged`);
        return undefined;
      }
      return { contents: text.replace(eager, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"), loader: 'js' };
    });
  },
};

rmSync(out, { recursive: true, force: true });
await esbuild.build({
  entryPoints,
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  sourcemap: true,
  // The inlined CommonJS packages (commander, yaml) call require() for Node's built-ins.
  banner: { js: "import { createRequire as createRequireForBundle } from 'node:module';\nconst require = createRequireForBundle(import.meta.url);" },
  logLevel: 'warning',
  plugins: [keepPackagesExternal, commanderSpawnOnDemand],
});

/**
 * The sources load some built-in modules on first use with `createRequire(import.meta.url)(…)`
 * (an ES module has no require of its own). In starlark-fast-path.cjs, importing node:module
 * for that would load Node's ES module loader at every start (~4 M instructions), which that
 * script exists to avoid: there createRequire hands out the script's own require, which loads
 * a built-in module alike. Anything but a built-in module is refused, so the two cannot differ.
 */
const createRequireFromScript = {
  name: 'create-require-from-script',
  setup(build) {
    build.onResolve({ filter: /^node:module$/ }, () => ({ path: 'node:module', namespace: 'script-require' }));
    build.onLoad({ filter: /.*/, namespace: 'script-require' }, () => ({
      contents: "exports.createRequire = () => (name) => {\n  if (!name.startsWith('node:')) throw new Error(`only Node's built-in modules load this way, not ${name}`);\n  return require(name);\n};\n",
      loader: 'js',
    }));
  },
};

/**
 * A start-up script is one CommonJS file that bin/cached-script.cjs runs. What a module asks
 * import.meta.url for is this file's URL, made when asked: pathToFileURL costs a start ~6 M
 * instructions, and the start-up paths ask for none. The script sits beside the chunks, so a
 * worker's `new URL('./trace-writer-worker.js', import.meta.url)` finds the same file. The banner
 * comes first, so it restates the strict mode of the ES modules bundled here.
 */
const startUpScript = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  banner: { js: "'use strict';\nconst importMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
  define: { 'import.meta.url': 'importMeta.url' },
  logLevel: 'warning',
};

/**
 * better-sqlite3 inlined into a start-up script (its JavaScript, not its native addon): Node's
 * CommonJS loader resolved, read and compiled its eleven files one by one at every start of the
 * run command and again in the trace writer's thread, 15-25 ms of CPU each in a fresh process,
 * where the script's code cache now holds them. The addon itself is still found in the package's
 * folder: its `bindings` helper looks for the package from the file that calls it, which inside a
 * bundle is the bundle, so the inlined copy asks for build/Release/ directly (better-sqlite3's own
 * build and its prebuilt binaries both go there) and, if it is not there, lets `bindings` search
 * from the package's folder as it would have.
 */
const sqliteInlined = {
  name: 'sqlite-inlined',
  setup(build) {
    build.onResolve({ filter: /^better-sqlite3\/package\.json$/ }, (args) => ({ path: args.path, external: true }));
    build.onResolve({ filter: /^bindings$/ }, (args) => (/[\\/]better-sqlite3[\\/]lib[\\/]/.test(args.importer) ? { path: 'bindings', namespace: 'sqlite-addon' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'sqlite-addon' }, () => ({
      contents: [
        "const path = require('node:path');",
        'module.exports = (addon) => {',
        "  const root = path.dirname(require.resolve('better-sqlite3/package.json'));",
        '  try {',
        "    return require(path.join(root, 'build', 'Release', addon));",
        '  } catch (error) {',
        "    if (error?.code !== 'MODULE_NOT_FOUND') throw error;",
        "    return require(require.resolve('bindings', { paths: [root] }))({ bindings: addon, module_root: root });",
        '  }',
        '};',
        '',
      ].join('\n'),
      loader: 'js',
    }));
  },
};
/** In a start-up script, better-sqlite3 is inlined too (see sqliteInlined). */
const keepPackagesExternalButSqlite = keepPackagesExternalBut(new Set([...INLINE, 'better-sqlite3']));

const fastPath = join(out, 'starlark-fast-path.cjs');
await esbuild.build({ ...startUpScript, entryPoints: [fastPathEntry], outfile: fastPath, plugins: [createRequireFromScript] });
asciiOnly(fastPath);
writeCodeCache(fastPath);

const runPath = join(out, 'run-fast-path.cjs');
const runBuild = await esbuild.build({ ...startUpScript, entryPoints: [runPathEntry], outfile: runPath, metafile: true, plugins: [sqliteInlined, keepPackagesExternalButSqlite, commanderSpawnOnDemand] });
const dynamicImports = Object.values(runBuild.metafile.outputs).flatMap((output) => output.imports.filter((imported) => imported.kind === 'dynamic-import' && imported.external));
if (dynamicImports.length > 0) {
  // A script run by vm.Script has no import() of its own in Node 20 (only behind an experimental
  // flag or with a warning): without the script, the launcher runs `run` through main.js.
  console.warn(`bundle-cli: run-fast-path.cjs would import ${dynamicImports.map((imported) => imported.path).join(', ')} dynamically; left out, \`whaleflow run\` starts from main.js`);
  rmSync(runPath, { force: true });
} else {
  asciiOnly(runPath);
  writeCodeCache(runPath);
}

// The trace writer's thread, as one script with its code cache too (src/trace/trace-writer-thread.ts
// starts it from here, else from the ES modules): loading its modules one by one cost it ~32-54 ms
// at every durable run's start, which a short run waited through (docs/performance.md).
const writerPath = join(out, 'trace-writer-worker.cjs');
await esbuild.build({ ...startUpScript, entryPoints: [entryPoints['trace-writer-worker']], outfile: writerPath, plugins: [sqliteInlined, keepPackagesExternalButSqlite] });
asciiOnly(writerPath);
writeCodeCache(writerPath);
writeCodeCache(writerPath, ['--v8-defaults']); // for a library caller, whose process keeps V8's default flags

/**
 * esbuild escapes every non-ASCII character of strings, regular expressions and names, but
 * copies comments as they are; one em dash in a comment makes V8 hold the whole script as a
 * two-byte string, decoded from UTF-8 and scanned at twice the size. Comments are all that is
 * left to rewrite, so escaping them changes no behaviour.
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/[^\x00-\x7f]/gu, (character) => `\\u{${character.codePointAt(0).toString(16)}}`));
}

/**
 * Writes FILE.v8cache (scripts/write-code-cache.cjs, in a fresh Node; `options` passed on). A failure leaves no
 * cache: the launcher then compiles the script, slower but the same.
 */
function writeCodeCache(file, options = []) {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'write-code-cache.cjs'), file, ...options], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  if (result.status !== 0) console.warn(`bundle-cli: no code cache for ${relative(root, file)} (${result.stderr.trim().split('\n').pop()}); it still runs, compiled at each start`);
}
