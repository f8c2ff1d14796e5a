import type { RunStatus } from '../ir/index.js';
import { assertNever } from '../util/index.js';

/** A run's or node's status, plus `interrupted` for a run whose process died and `damaged` for an unreadable record. */
export type DisplayStatus = RunStatus | 'interrupted' | 'damaged';

/** One glyph per status, the same in `ps`, `inspect` and the TUI. */
export function statusGlyph(status: DisplayStatus): string {
  switch (status) {
    case 'pending':
      return '○';
    case 'running':
      return '●';
    case 'succeeded':
      return '✓';
    case 'failed':
      return '✗';
    case 'cancelled':
      return '⊘';
    case 'budget_exceeded':
      return '$';
    case 'replay_diverged':
      return '≠';
    case 'interrupted':
      return '!';
    case 'damaged':
      return '‼';
    default:
      return assertNever(status, 'status');
  }
}
