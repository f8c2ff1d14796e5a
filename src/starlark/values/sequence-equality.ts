import type { Value } from './value.js';
import { compareScalars, compareValues, valuesEqual } from './compare.js';

/** Element-wise equality of two sequences, recursing with a depth guard. */
export function sequencesEqual(left: readonly Value[], right: readonly Value[], depth: number): boolean {
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index++) {
    if (!valuesEqual(left[index], right[index], depth + 1)) return false;
  }
  return true;
}

/** Lexicographic order of two sequences. */
export function compareSequences(left: readonly Value[], right: readonly Value[], depth: number): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const quick = compareScalars(left[index], right[index]);
    if (quick === 0) continue;
    if (quick !== undefined) return quick;
    if (valuesEqual(left[index], right[index], depth + 1)) continue;
    return compareValues(left[index], right[index], depth + 1);
  }
  return left.length - right.length;
}
