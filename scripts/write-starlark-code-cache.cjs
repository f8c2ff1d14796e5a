#!/usr/bin/env node
// Run by bundle-cli.mjs in a fresh Node without flags, as bin/whaleflow.js runs: loads the
// start-up script of `whaleflow starlark` (FILE) as the launcher does, runs it once on an empty
// program so that the functions every start calls are compiled, and writes FILE.v8cache with
// them (bin/cached-script.cjs). Exits non-zero, writing nothing, if that run fails.
'use strict';
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const v8 = require('node:v8');
const { loadCachedScript, writeCodeCache } = require('../bin/cached-script.cjs');

const file = path.resolve(process.argv[2]);
// The command tunes V8's flags before it runs a program (run-starlark-file.ts), and V8 refuses
// a cache made under other flags than those of the process reading it, which reads it before
// any are set: the warm-up leaves them untouched.
v8.setFlagsFromString = () => {};

const folder = mkdtempSync(path.join(tmpdir(), 'whaleflow-code-cache-'));
writeFileSync(path.join(folder, 'empty.star'), '');
const silent = { stdout: () => {}, stderr: () => {}, cwd: folder, env: {}, isTty: false, exitCode: 0 };
const loaded = loadCachedScript(file);
loaded.exports
  .starlarkFastPath(['starlark', 'empty.star'], silent)
  .then((code) => {
    if (code !== 0) throw new Error(`the warm-up run exited ${code}`);
    writeCodeCache(file, loaded.script);
  })
  .finally(() => rmSync(folder, { recursive: true, force: true }));
