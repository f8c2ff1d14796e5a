/**
 * The candidate closest to a misspelt name, for `undefined: x (did you mean y?)`: Levenshtein
 * distance ignoring case and underscores, accepted below half the name's length (the threshold
 * the reference implementation uses). Ties go to the alphabetically first candidate.
 */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = fold(name);
  let best: string | undefined;
  let bestDistance = Math.floor((wanted.length + 1) / 2);
  for (const candidate of [...new Set(candidates)].sort()) {
    if (candidate === name) continue;
    const distance = editDistance(wanted, fold(candidate), bestDistance);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best;
}

function fold(text: string): string {
  return text.replace(/_/g, '').toLowerCase();
}

/** Edit distance with one row of memory; gives up (returning something > limit) once past `limit`. */
function editDistance(left: string, right: string, limit: number): number {
  if (Math.abs(left.length - right.length) > limit) return limit + 1;
  let previousRow = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row++) {
    const currentRow = [row];
    let rowBest = row;
    for (let column = 1; column <= right.length; column++) {
      const substitution = previousRow[column - 1] + (left[row - 1] === right[column - 1] ? 0 : 1);
      const value = Math.min(substitution, previousRow[column] + 1, currentRow[column - 1] + 1);
      currentRow.push(value);
      rowBest = Math.min(rowBest, value);
    }
    if (rowBest > limit) return rowBest;
    previousRow = currentRow;
  }
  return previousRow[right.length];
}
