import { sha256Hex } from '../util/index.js';

/**
 * A leaf effect's job id: the run lineage (the first run of a resume chain) and the effect's
 * identity within it — leaf id, loop iteration, ordinal and input hash. Submitting the same
 * effect again (a resume re-attaching) names the same job, which BullMQ adds only once.
 * A hash, because BullMQ reserves `:` in ids and leaf ids may contain anything.
 */
export function leafJobId(lineage: string, leafId: string, effect: { readonly iteration: number; readonly ordinal: number }, inputHash: string): string {
  return `leaf-${sha256Hex(JSON.stringify([lineage, leafId, effect.iteration, effect.ordinal, inputHash])).slice(0, 40)}`;
}
