import v8 from 'node:v8';

/** From this many leaves on, a run is long enough for TurboFan's inlined code to pay for its compiles. */
export const INLINING_PAYS_FROM_LEAVES = 50_000;

/**
 * Turns TurboFan's inlining off for the commands that run a workflow on a trace writer thread
 * (`run`, a `replay` that records in full), as `whaleflow starlark` does: such a process lives
 * for one run, and on two cores V8's background compiles of large inlined functions cost more
 * than the optimized code saves. `perf record` of a 10,000-leaf `whaleflow run`: V8's helper
 * threads took ~30 % of the process's CPU, TurboFan ~18 % of it; without inlining the process
 * used 0.96× the CPU (10 alternating pairs, bench/cli-pair.js). Set before the writer thread
 * starts: V8 accepts the writer's code cache only under the flags it was made with
 * (scripts/write-code-cache.cjs sets this one too).
 */
export function optimizeWithoutInlining(): void {
  v8.setFlagsFromString('--no-turbo-inlining');
}

/**
 * Gives a wide run its inlining back once its size is known (after the compile: long after the
 * writer thread loaded its script through the cache). At 100,000 leaves the run without inlining
 * took ~1.05× the CPU (median of 5 pairs, 0.96-1.18×); without TurboFan at all (`--max-opt=1`)
 * 10,000 leaves took 0.93× and 100,000 1.3×: the optimized leaf path pays on a long run.
 */
export function inlineIfWide(leaves: number): void {
  if (leaves >= INLINING_PAYS_FROM_LEAVES) v8.setFlagsFromString('--turbo-inlining');
}
