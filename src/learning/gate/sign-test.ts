/**
 * The exact one-sided sign test over paired outcomes: with `wins` tasks where the candidate
 * succeeded and the baseline did not, and `losses` the other way (ties dropped), the probability
 * of at least `wins` wins out of `wins + losses` fair coin flips. Small means "better than chance".
 */
export function signTestPValue(wins: number, losses: number): number {
  const n = wins + losses;
  if (n === 0) return 1;
  let tail = 0;
  for (let k = wins; k <= n; k += 1) tail += binomial(n, k);
  return Math.min(1, tail / 2 ** n);
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i += 1) result = (result * (n - k + i)) / i;
  return result;
}
