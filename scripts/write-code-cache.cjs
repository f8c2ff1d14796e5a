#!/usr/bin/env node
// Run by bundle-cli.mjs in a fresh Node without flags, as bin/whaleflow.js runs: loads a start-up
// script (FILE: starlark-fast-path.cjs or run-fast-path.cjs) as the launcher does, runs its
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
// The commands tune V8's flags before they run (run-starlark-file.ts, keep-old-generation-tight.ts),
// and V8 refuses a cache made under other flags than those of the process reading it, which
// reads it before any are set: the warm-up leaves them untouched.
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

async function warmUp() {
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
