// Runs a CommonJS bundle through V8's code cache (the launcher's start-up path for `whaleflow
// starlark` and `whaleflow run`, built by scripts/bundle-cli.mjs). Node 20 has no compile cache
// for modules (module.enableCompileCache came in 22), but vm.Script takes V8's cached data: with
// it V8 deserializes the bundle's functions instead of parsing and compiling them on every start.
//
// The cache file is written once, at build time, beside the bundle, and never at run time (an
// install may be read-only, and a start should write nothing): FILE.v8cache holds the byte length
// of the bundle it was made from, that bundle's bytes, the SHA-256 of V8's data, then the data.
// It is used only when those bytes equal the bundle on disk (V8 itself checks only the source's
// length), and V8 refuses data from another Node or V8 version or other V8 flags. V8 checks no
// checksum of the data itself (only debug builds do): a caller that already pays for node:crypto
// asks for the digest to be checked too, so damaged data is never deserialized. A refused,
// damaged or missing cache only costs the compile it would have saved; the next build rewrites it.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const LENGTH_BYTES = 4;
const DIGEST_BYTES = 32;

/** The same wrapper at build time and at run time: V8's data belongs to this exact source text. */
function compile(file, source, cachedData) {
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  return new vm.Script(wrapped, { filename: file, cachedData });
}

/**
 * Loads FILE (a CommonJS bundle; what it requires resolves from FILE's folder) and returns its
 * exports, the vm.Script (for writeCodeCache) and what became of the cache: 'used', 'refused'
 * (by V8), 'stale' (made from other bytes), 'damaged' (V8's data is not what was written; only
 * with `verifyData`) or 'missing'. Undefined when FILE does not exist. `cacheFile`: another cache
 * of the same script (made under other V8 flags) than FILE.v8cache.
 */
function loadCachedScript(file, options) {
  return runCachedScript(readCachedScript(file, options));
}

/**
 * loadCachedScript's first half, in which V8 compiles nothing and Node loads no module of its own
 * (so it may run while V8's flags are not those the cache was made under): FILE's text, and the
 * cache's data with its digest when the cache was made from exactly these bytes.
 */
function readCachedScript(file, { verifyData = false, cacheFile = `${file}.v8cache` } = {}) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  // Decoded as UTF-8 even though the bundles are ASCII: Latin-1 would make a text of this size an
  // external string, and the process then took ~1.09x the CPU (its lazily compiled functions).
  return { file, source: bytes.toString('utf8'), verifyData, ...matchingCache(cacheFile, bytes) };
}

/** loadCachedScript's second half: compiles (through V8's data, if intact) and runs what readCachedScript read. */
function runCachedScript(read) {
  if (read === undefined) return undefined;
  const { file, source, verifyData, digest } = read;
  const damaged = verifyData && read.cachedData !== undefined && !digestOf(read.cachedData).equals(digest);
  const cachedData = damaged ? undefined : read.cachedData;
  const cache = damaged ? 'damaged' : read.cache;
  const script = compile(file, source, cachedData);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  return { exports: module.exports, script, cache: cache ?? (script.cachedDataRejected ? 'refused' : 'used') };
}

/** V8's data from the cache file, and the digest written with it, when it was made from exactly `bytes`. */
function matchingCache(cacheFile, bytes) {
  let cache;
  try {
    cache = readFileSync(cacheFile);
  } catch {
    return { cache: 'missing' };
  }
  const end = LENGTH_BYTES + bytes.length;
  const same = cache.length >= end + DIGEST_BYTES && cache.readUInt32LE(0) === bytes.length && cache.subarray(LENGTH_BYTES, end).equals(bytes);
  if (!same) return { cache: 'stale' };
  return { cachedData: cache.subarray(end + DIGEST_BYTES), digest: cache.subarray(end, end + DIGEST_BYTES) };
}

function digestOf(data) {
  return require('node:crypto').createHash('sha256').update(data).digest();
}

/** Writes FILE.v8cache (or `cacheFile`) from a script loadCachedScript ran (its functions compiled so far included). */
function writeCodeCache(file, script, cacheFile = `${file}.v8cache`) {
  const bytes = readFileSync(file);
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeUInt32LE(bytes.length, 0);
  const data = script.createCachedData();
  writeFileSync(cacheFile, Buffer.concat([length, bytes, digestOf(data), data]));
}

module.exports = { loadCachedScript, readCachedScript, runCachedScript, writeCodeCache };
