import { requestFingerprint, type ModelRequest } from '../providers/index.js';

/** Bumped when the key's inputs change meaning, so old stored answers stop matching. */
const memoKeyVersion = 'armh-v1';

/**
 * The ARMH key: SHA-256 over the canonical exact request (route, system, messages, tools,
 * sampling parameters). Call options (scope labels, run id, signal) are not part of the
 * request, so they cannot change the key.
 */
export function memoKey(request: ModelRequest): string {
  return `${memoKeyVersion}:${requestFingerprint(request)}`;
}
