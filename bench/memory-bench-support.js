// Helpers of memory.bench.js that reach into dist/ (kept apart so run.js does not load them as a bench).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { performReadOperation } = await import(join(root, 'dist/memory/index.js'));

/** One read operation as a leaf's memory tool would perform it, through the store. */
export function performOperation(store, operation, signal) {
  return performReadOperation(store, operation, 32_000, signal);
}
