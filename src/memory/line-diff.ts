/** One difference between two line lists: a run of lines removed from the left, added from the right. */
export interface DiffHunk {
  /** 1-based first line on each side (for an empty side, the line before which it would be). */
  readonly leftStart: number;
  readonly rightStart: number;
  readonly removed: readonly string[];
  readonly added: readonly string[];
}

export type LineDiff = { readonly kind: 'hunks'; readonly hunks: readonly DiffHunk[] } | { readonly kind: 'too_different'; readonly leftStart: number; readonly leftEnd: number; readonly rightStart: number; readonly rightEnd: number };

/**
 * A line diff bounded in work: the common prefix and suffix are trimmed, then Myers' O(ND)
 * algorithm runs on what is left until `maxEdits`; past that the differing ranges are reported
 * as one block instead of spending quadratic time on two unrelated texts.
 */
export function diffLines(left: readonly string[], right: readonly string[], maxEdits = 2000): LineDiff {
  let prefix = 0;
  while (prefix < left.length && prefix < right.length && left[prefix] === right[prefix]) prefix += 1;
  let suffix = 0;
  while (suffix < left.length - prefix && suffix < right.length - prefix && left[left.length - 1 - suffix] === right[right.length - 1 - suffix]) suffix += 1;
  const a = left.slice(prefix, left.length - suffix);
  const b = right.slice(prefix, right.length - suffix);
  if (a.length === 0 && b.length === 0) return { kind: 'hunks', hunks: [] };
  const script = myers(a, b, maxEdits);
  if (!script) return { kind: 'too_different', leftStart: prefix + 1, leftEnd: prefix + a.length, rightStart: prefix + 1, rightEnd: prefix + b.length };
  return { kind: 'hunks', hunks: toHunks(script, prefix, a, b) };
}

type Step = 'equal' | 'remove' | 'add';

/** The edit script from a to b, or undefined when it needs more than maxEdits edits. */
function myers(a: readonly string[], b: readonly string[], maxEdits: number): Step[] | undefined {
  const n = a.length;
  const m = b.length;
  const limit = Math.min(n + m, maxEdits);
  const offset = limit + 1;
  const frontier = new Int32Array(2 * limit + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= limit; d += 1) {
    trace.push(frontier.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && frontier[offset + k - 1]! < frontier[offset + k + 1]!) ? frontier[offset + k + 1]! : frontier[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      frontier[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a.length, b.length, offset, d);
    }
  }
  return undefined;
}

function backtrack(trace: Int32Array[], n: number, m: number, offset: number, depth: number): Step[] {
  const steps: Step[] = [];
  let x = n;
  let y = m;
  for (let d = depth; d > 0; d -= 1) {
    const frontier = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && frontier[offset + k - 1]! < frontier[offset + k + 1]!);
    const previousK = down ? k + 1 : k - 1;
    const previousX = frontier[offset + previousK]!;
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      steps.push('equal');
      x -= 1;
      y -= 1;
    }
    steps.push(down ? 'add' : 'remove');
    x = previousX;
    y = previousY;
  }
  while (x > 0 && y > 0) {
    steps.push('equal');
    x -= 1;
    y -= 1;
  }
  return steps.reverse();
}

function toHunks(steps: readonly Step[], prefix: number, a: readonly string[], b: readonly string[]): DiffHunk[] {
  const hunks: DiffHunk[] = [];
  let leftLine = prefix + 1;
  let rightLine = prefix + 1;
  let current: { leftStart: number; rightStart: number; removed: string[]; added: string[] } | undefined;
  return finish();

  function finish(): DiffHunk[] {
    for (const step of steps) {
      if (step === 'equal') {
        if (current) hunks.push(current);
        current = undefined;
        leftLine += 1;
        rightLine += 1;
        continue;
      }
      current ??= { leftStart: leftLine, rightStart: rightLine, removed: [], added: [] };
      if (step === 'remove') {
        current.removed.push(a[leftLine - prefix - 1]!);
        leftLine += 1;
      } else {
        current.added.push(b[rightLine - prefix - 1]!);
        rightLine += 1;
      }
    }
    if (current) hunks.push(current);
    return hunks;
  }
}
