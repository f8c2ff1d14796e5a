import v8 from 'node:v8';

/**
 * After each full collection V8 lets the old generation grow to up to four times what
 * survived before collecting it again, and a wide run leaves much behind per leaf that dies
 * only later (events until written, settled promises): at 100,000 leaves the heap grew from
 * ~120 MB live to ~510 MB before its next full collection (peak RSS 760-970 MB). Growing by
 * half instead costs a few more full collections (~0.1 s each at that size) and kept the peak
 * at ~570 MB. V8 reads the factor at each collection. For the one-shot commands that execute a
 * workflow: `run`, `replay` and `resume` (the last two also hold the recorded run's effects).
 */
export function keepOldGenerationTight(): void {
  v8.setFlagsFromString('--heap-growing-percent=50');
}
