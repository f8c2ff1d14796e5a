import type * as NodeCrypto from 'node:crypto';
import { createRequire } from 'node:module';

/**
 * node:crypto on first use: loading it sets up OpenSSL, ~5 ms of CPU at every start, and many
 * commands never hash (`--version`, `ps`, `whaleflow starlark`). Asked of the process where Node
 * can (20.16 on): making a require function for it cost a run's first leaf ~0.4 ms, in a process
 * that had loaded node:crypto long before.
 */
let crypto: typeof NodeCrypto | undefined;
function nodeCrypto(): typeof NodeCrypto {
  crypto ??= (process.getBuiltinModule?.('node:crypto') ?? createRequire(import.meta.url)('node:crypto')) as typeof NodeCrypto;
  return crypto;
}

/** Strings longer than this are hashed slice by slice (see sha256Hex). */
const SLICE_CHARS = 1 << 16;

/**
 * Lowercase hex SHA-256 of a UTF-8 string or raw bytes. A long string (a 100,000-leaf spec's
 * canonical JSON is 40 MB) is fed to the hash in 64 Ki-character slices: hashing it whole makes
 * Node encode the entire string to UTF-8 in one buffer first, a transient copy as large as the
 * text. The digest is the same: a slice boundary never splits a surrogate pair, so the slices'
 * UTF-8 bytes concatenate to the whole string's.
 */
export function sha256Hex(data: string | Uint8Array): string {
  // One call, no Hash object: a leaf's input hash is taken once per leaf, on the hot path.
  if (typeof data !== 'string' || data.length <= SLICE_CHARS) return nodeCrypto().hash('sha256', data, 'hex');
  const hash = nodeCrypto().createHash('sha256');
  for (let start = 0; start < data.length; ) {
    let end = Math.min(data.length, start + SLICE_CHARS);
    if (end < data.length && isHighSurrogate(data.charCodeAt(end - 1))) end += 1;
    hash.update(data.slice(start, end));
    start = end;
  }
  return hash.digest('hex');
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
