export interface RatioInterval {
  /** Σ candidate / Σ baseline over all tasks. */
  readonly ratio: number;
  readonly low: number;
  readonly high: number;
  /** Confidence level of [low, high]. */
  readonly level: number;
}

/**
 * A paired bootstrap interval for the ratio of summed costs (candidate over baseline): tasks are
 * resampled with replacement, keeping each task's pair together, and the ratio of sums is taken
 * per resample; the interval is the percentile range at `1 - alpha`. Randomness is injected (a
 * seeded generator), so the interval is reproducible. Null when the baseline cost nothing.
 */
export function pairedBootstrapRatio(
  pairs: readonly { readonly baseline: number; readonly candidate: number }[],
  options: { readonly samples: number; readonly alpha: number; readonly random: () => number },
): RatioInterval | null {
  const total = (side: 'baseline' | 'candidate', picks: readonly number[]): number => picks.reduce((sum, index) => sum + pairs[index]![side], 0);
  const all = pairs.map((_, index) => index);
  const baseline = total('baseline', all);
  if (pairs.length === 0 || baseline <= 0) return null;
  const ratios: number[] = [];
  for (let sample = 0; sample < options.samples; sample += 1) {
    const picks = pairs.map(() => Math.floor(options.random() * pairs.length));
    const denominator = total('baseline', picks);
    if (denominator > 0) ratios.push(total('candidate', picks) / denominator);
  }
  ratios.sort((left, right) => left - right);
  const at = (quantile: number): number => ratios[Math.min(ratios.length - 1, Math.max(0, Math.floor(quantile * ratios.length)))]!;
  return { ratio: total('candidate', all) / baseline, low: at(options.alpha / 2), high: at(1 - options.alpha / 2), level: 1 - options.alpha };
}
