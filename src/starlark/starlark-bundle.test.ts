// The built interpreter (npm run build bundles dist/starlark into one module) must behave as
// the sources do: the other tests run the sources, so these run the build as a user does.
import { execFile as execFileCallback } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { runCliInMemory } from '../cli/run-cli-in-memory.js';
import * as sources from './index.js';
import { staticImportClosure } from '../util/testing/static-import-closure.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bundlePath = path.join(root, 'dist', 'starlark', 'index.js');
const built = existsSync(bundlePath);
if (!built) {
  if (process.env.CI) throw new Error(`${bundlePath} is missing: run npm run build before the tests`);
  console.log(`skipping the built-interpreter tests: ${bundlePath} is missing (npm run build)`);
}

const run = promisify(execFileCallback);

/** Dicts keyed by strings and by other values, formatting, sorting, and a runtime error. */
const PROGRAM = `
d = {"b": 1, "a": 2, 3: "int", (1, "t"): "tuple", 1.0: "float wins over nothing"}
d["b"] += 10
d[1] = "one replaces the float's value, keeps the float key"
print(sorted([k for k in d if type(k) == "string"]), d.items()[-1], len(d))
print(["%s=%d" % (k, v) for k, v in sorted([(k, v) for k, v in d.items() if type(k) == "string"])])
print({"x": [1, 2]}, "%r|%%" % "q")
s = set(["b", "a"])
s.remove("a")
print(s, "a" in s, {"a": 1} == {"a": 1}, dict(d).pop("a"), d.keys()[:2])
print({"k": 1}["missing"])
`;

describe.skipIf(!built)('the built interpreter (dist/starlark, bundled)', () => {
  test('is one bundled module exporting exactly what src/starlark/index.ts exports', async () => {
    expect(readFileSync(bundlePath, 'utf8').startsWith('// Bundled by scripts/bundle-starlark.mjs')).toBe(true);
    const bundle = (await import(pathToFileURL(bundlePath).href)) as Record<string, unknown>;
    expect(Object.keys(bundle).sort()).toEqual(Object.keys(sources).sort());
  });

  test('its errors are the shared WhaleflowError class of dist/util, not a copy', async () => {
    const bundle = (await import(pathToFileURL(bundlePath).href)) as typeof sources;
    const util = (await import(pathToFileURL(path.join(root, 'dist', 'util', 'index.js')).href)) as typeof import('../util/index.js');
    expect(new bundle.StarlarkError('boom')).toBeInstanceOf(util.WhaleflowError);
  });

  test('whaleflow starlark from the build prints and fails exactly as the sources do', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'whaleflow-bundle-'));
    writeFileSync(path.join(directory, 'program.star'), PROGRAM);
    const expected = await runCliInMemory(['starlark', 'program.star'], { cwd: directory });
    expect(expected.exitCode).toBe(1);
    expect(expected.stderr).toContain('program.star:11:');
    const failure = await run(process.execPath, [path.join(root, 'bin', 'whaleflow.js'), 'starlark', 'program.star'], { cwd: directory }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure).toBeDefined();
    expect({ exitCode: failure!.code, stdout: failure!.stdout, stderr: failure!.stderr }).toEqual(expected);
  });
});

describe.skipIf(!built)('the start of whaleflow starlark', () => {
  test('loads the interpreter, commander and util only: not the engine, the IR or zod', () => {
    const modules = [
      ...staticImportClosure(root, path.join(root, 'dist', 'cli', 'main.js')),
      ...staticImportClosure(root, path.join(root, 'dist', 'cli', 'commands', 'starlark-command.js')),
    ];
    expect(modules).toContain('dist/starlark/index.js');
    expect(modules.filter((module) => /^dist\/(engine|ir|authoring|trace\/index|config)\/|^package:zod/.test(module))).toEqual([]);
  });

  const cliBundle = path.join(root, 'dist', 'cli-bundle');
  const starlarkChunk = existsSync(cliBundle) ? readdirSync(cliBundle).find((name) => /^starlark-command-.*\.js$/.test(name)) : undefined;
  if (!starlarkChunk) console.log(`skipping the CLI bundle's start test: ${cliBundle} has no starlark-command chunk (npm run build with esbuild)`);
  test.skipIf(!starlarkChunk)('through the CLI bundle (what bin/whaleflow.js runs), loads no chunk holding zod', () => {
    const chunks = [
      ...staticImportClosure(root, path.join(cliBundle, 'main.js')),
      ...staticImportClosure(root, path.join(cliBundle, starlarkChunk!)),
    ].filter((module) => module.startsWith('dist/'));
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.filter((chunk) => readFileSync(path.join(root, chunk), 'utf8').includes('node_modules/zod/'))).toEqual([]);
  });
});
