import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `../shared` beside the project: the conformance suite, the peer benchmark and the local
 * model server live there. Every developer and CI run has it; a user's clone does not.
 */
export const sharedRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared');

/** Where a piece of `../shared` is, or why a test that needs it is skipped. */
export type SharedLocation =
  | { readonly available: true; readonly path: string }
  | { readonly available: false; readonly skipReason: string };

/**
 * Finds `relativePath` under `../shared`. When it is absent the test skips with a printed
 * reason — unless `CI` is set, where a missing `../shared` means a broken checkout and the
 * test file fails instead of silently shrinking the suite.
 */
export function locateShared(relativePath: string, environment: NodeJS.ProcessEnv = process.env): SharedLocation {
  const fullPath = path.join(sharedRoot, relativePath);
  if (existsSync(fullPath)) return { available: true, path: fullPath };
  const skipReason = `../shared/${relativePath} is absent (expected at ${fullPath}); it ships beside the project for developers and CI, not in a user's clone`;
  if (isCi(environment)) throw new Error(`${skipReason}. CI is set, so this is a failure, not a skip.`);
  console.log(`skipped: ${skipReason}`);
  return { available: false, skipReason };
}

function isCi(environment: NodeJS.ProcessEnv): boolean {
  const value = environment['CI'];
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
