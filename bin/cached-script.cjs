// Runs a CommonJS bundle through V8's code cache (the launcher's start-up path for `whaleflow
// starlark`, built by scripts/bundle-cli.mjs). Node 20 has no compile cache for modules
// (module.enableCompileCache came in 22), but vm.Script takes V8's cached data: with it V8
// deserializes the bundle's functions instead of parsing and compiling them on every start.
//
// The cache file is written once, at build time, beside the bundle: FILE.v8cache holds the
// byte length of the bundle it was made from, that bundle's bytes, then V8's data. It is used
// only when those bytes equal the bundle on disk (V8 itself checks only the source's length),
// and V8 refuses data from another Node or V8 version or other V8 flags; a refused or missing
// cache only costs the compile it would have saved.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const HEADER_BYTES = 4;

/** The same wrapper at build time and at run time: V8's data belongs to this exact source text. */
function compile(file, source, cachedData) {
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  return new vm.Script(wrapped, { filename: file, cachedData });
}

/**
 * Loads FILE (a bundle that requires nothing but Node's built-in modules) and returns its
 * exports, the vm.Script (for writeCodeCache) and what became of the cache: 'used', 'refused'
 * (by V8), 'stale' (made from other bytes) or 'missing'. Undefined when FILE does not exist.
 */
function loadCachedScript(file) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const { cachedData, cache } = matchingCache(`${file}.v8cache`, bytes);
  const script = compile(file, bytes.toString('utf8'), cachedData);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, file, path.dirname(file));
  return { exports: module.exports, script, cache: cache ?? (script.cachedDataRejected ? 'refused' : 'used') };
}

/** V8's data from the cache file when it was made from exactly `bytes`. */
function matchingCache(cacheFile, bytes) {
  let cache;
  try {
    cache = readFileSync(cacheFile);
  } catch {
    return { cache: 'missing' };
  }
  const end = HEADER_BYTES + bytes.length;
  const same = cache.length >= end && cache.readUInt32LE(0) === bytes.length && cache.subarray(HEADER_BYTES, end).equals(bytes);
  return same ? { cachedData: cache.subarray(end) } : { cache: 'stale' };
}

/** Writes FILE.v8cache from a script loadCachedScript ran (its functions compiled so far included). */
function writeCodeCache(file, script) {
  const bytes = readFileSync(file);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(bytes.length, 0);
  writeFileSync(`${file}.v8cache`, Buffer.concat([header, bytes, script.createCachedData()]));
}

module.exports = { loadCachedScript, writeCodeCache };
