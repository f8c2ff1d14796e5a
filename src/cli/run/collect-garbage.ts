import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full collection of this thread's heap, now. `gc` is exposed only to contexts made while
 * --expose-gc is set, so the flag is set around making one and cleared again: no code of the
 * run sees a global `gc`, and `whaleflow run` needs no flag on Node's command line (which
 * would mean a second Node start).
 */
export function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  try {
    // Undefined where the flag is refused (the code cache's warm-up stubs V8's flags out): no collection then.
    const gc = runInNewContext("typeof gc === 'function' ? gc : undefined") as (() => void) | undefined;
    gc?.();
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}
